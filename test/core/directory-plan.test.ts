import { describe, expect, it } from 'vitest';
import { parseDirectoryFeed, resolveDirectorySyncOptions, type DirectoryEntryInput, type DirectorySyncOptions } from '../../src/core/directory-entry.js';
import { planDirectoryChanges, usernamesToLookUp, type DirectoryState } from '../../src/core/directory-plan.js';
import type { Area, Organization, User } from '../../src/core/schemas.js';
import { area as fixtureArea, at, expectedCounts, organization, user as fixtureUser, T0 } from '../../src/testing/fixtures.js';

const minutes = (n: number) => at(n * 60_000);

const area = (id: string, maxUsers: number): Area => fixtureArea(id, maxUsers, { kind: id === 'primary' ? 'primary' : 'extranet', name: id });
const partner = (id: string, maxUsers: number | null, access: 'granted' | 'denied' = 'granted', areaId = 'primary'): Organization =>
  organization(id, areaId, { maxUsers, access });

let nextId = 0;
/** A directory-sourced user of the primary area (blocked ones blocked by the directory at T0 unless given). */
function user(fields: Partial<User> & Pick<User, 'username'>): User {
  const blocked = fields.state === 'blocked';
  return fixtureUser(`u${nextId++}`, {
    areaId: 'primary',
    source: 'directory',
    blockedAt: blocked ? T0 : null,
    blockedBy: blocked ? 'directory' : null,
    ...fields,
  });
}
const directoryUser = (externalId: string, fields: Partial<User> = {}) => user({ username: externalId.replace('ext-', ''), externalId, ...fields });
const pending = (externalId: string, blockedAt: Date, fields: Partial<User> = {}) =>
  directoryUser(externalId, { state: 'blocked', blockReason: 'license-limit', blockedAt, ...fields });

interface Setup {
  readonly areas?: readonly Area[];
  readonly organizations?: readonly Organization[];
  /** Every profile that exists; the planner sees those the feed names plus `missing`. */
  readonly users?: readonly User[];
  readonly missing?: readonly User[];
}

function plan(feed: readonly DirectoryEntryInput[], setup: Setup = {}, options: DirectorySyncOptions = {}) {
  const areas = setup.areas ?? [area('primary', 10)];
  const users = setup.users ?? [];
  const parsed = parseDirectoryFeed(feed);
  const state: DirectoryState = {
    areas,
    organizations: setup.organizations ?? [],
    counts: areas.map((a) => expectedCounts(users, a.id)),
    byExternalId: new Map(users.flatMap((u) => (u.externalId === null ? [] : [[u.externalId, u] as const]))),
    byUsername: new Map(users.map((u) => [u.username.toLowerCase(), u])),
    missing: setup.missing ?? [],
  };
  const outcome = planDirectoryChanges(parsed.valid, state, resolveDirectorySyncOptions(options));
  const { lines } = outcome;
  const byName = (username: string) => {
    const line = lines.find((l) => l.username === username);
    if (line === undefined) throw new Error(`no line for ${username}`);
    return line;
  };
  return { ...outcome, lines, byName, parsed, actions: lines.map((l) => `${l.username}:${l.action}`) };
}

const entry = (externalId: string, extra: Partial<DirectoryEntryInput> = {}): DirectoryEntryInput => ({
  externalId,
  username: externalId.replace('ext-', ''),
  areaId: 'primary',
  ...extra,
});
const activeUsers = (n: number, prefix = 'busy') => Array.from({ length: n }, (_, i) => user({ username: `${prefix}${i}`, source: 'manual' }));

describe('parseDirectoryFeed', () => {
  it('accepts a minimal entry and defaults enabled to true', () => {
    const { valid, invalid } = parseDirectoryFeed([{ externalId: ' a1 ', username: ' alice ', areaId: 'primary' }]);
    expect(invalid).toEqual([]);
    expect(valid).toEqual([{ index: 0, entry: { externalId: 'a1', username: 'alice', areaId: 'primary', enabled: true } }]);
  });

  it('reports a bad email per entry with its path, and keeps the other entries', () => {
    const { valid, invalid } = parseDirectoryFeed([entry('ext-a', { email: 'not-an-email' }), entry('ext-b', { email: 'b@example.com' })]);
    expect(valid.map((v) => v.index)).toEqual([1]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ index: 0, externalId: 'ext-a', username: 'a' });
    expect(invalid[0]?.issues.map((i) => i.path)).toEqual([['email']]);
  });

  it('makes every occurrence of a duplicate external id invalid', () => {
    const { valid, invalid } = parseDirectoryFeed([entry('ext-a'), entry('ext-a', { username: 'other' }), entry('ext-b')]);
    expect(valid.map((v) => v.index)).toEqual([2]);
    expect(invalid.map((i) => [i.index, i.issues.map((x) => x.code)])).toEqual([
      [0, ['duplicate_external_id']],
      [1, ['duplicate_external_id']],
    ]);
  });

  it('makes every occurrence of a username twice in the feed invalid, ignoring case', () => {
    const { valid, invalid } = parseDirectoryFeed([entry('ext-1', { username: 'Bob' }), entry('ext-2', { username: 'bob' }), entry('ext-3')]);
    expect(valid.map((v) => v.index)).toEqual([2]);
    expect(invalid.map((i) => i.issues[0]?.code)).toEqual(['duplicate_username', 'duplicate_username']);
  });

  it('reports entries that are not objects, lack fields or carry unknown fields', () => {
    const { valid, invalid } = parseDirectoryFeed([null, 'alice', { externalId: 'x', areaId: 'primary' }, { ...entry('ext-y'), enable: false }]);
    expect(valid).toEqual([]);
    expect(invalid.map((i) => i.index)).toEqual([0, 1, 2, 3]);
    expect(invalid[2]?.issues.map((i) => i.path)).toEqual([['username']]);
    expect(invalid[3]?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('accepts an entry of any object shape the schema accepts, such as a class instance', () => {
    class Account {
      externalId = 'e1';
      username = 'ann';
      areaId = 'primary';
    }
    const { valid, invalid } = parseDirectoryFeed([new Account()]);
    expect(invalid).toEqual([]);
    expect(valid).toEqual([{ index: 0, entry: { externalId: 'e1', username: 'ann', areaId: 'primary', enabled: true } }]);
  });

  it('reads a hole in a sparse feed as an invalid entry, like any undefined entry', () => {
    const feed: unknown[] = [];
    feed[1] = { externalId: 'e1', username: 'ann', areaId: 'primary' };
    const { valid, invalid } = parseDirectoryFeed(feed);
    expect(valid.map((v) => v.index)).toEqual([1]);
    expect(invalid.map((i) => [i.index, i.issues[0]?.code])).toEqual([[0, 'invalid_type']]);
  });

  it('counts every occurrence of a repeated key, valid entries or not, trimmed as the schema trims', () => {
    const { invalid } = parseDirectoryFeed([
      { externalId: 'e1', username: 'ann', areaId: 'primary' },
      { externalId: 'e1', username: 'bob', areaId: 'primary', email: 'bad' },
      { externalId: ' e1 ', username: 'cy', areaId: 'primary' },
    ]);
    expect(invalid.map((i) => i.issues.map((x) => x.message))).toEqual([
      ['external id "e1" appears 3 times in the feed; every occurrence is left out'],
      [expect.stringContaining('email') as unknown as string, 'external id "e1" appears 3 times in the feed; every occurrence is left out'],
      ['external id "e1" appears 3 times in the feed; every occurrence is left out'],
    ]);
  });

  it('lists the external id of every entry, invalid ones included, so none of them counts as missing', () => {
    const { externalIds } = parseDirectoryFeed([entry('ext-a', { email: 'bad' }), entry('ext-b')]);
    expect([...externalIds].sort()).toEqual(['ext-a', 'ext-b']);
  });
});

describe('parseDirectoryFeed: one batch of a streamed feed', () => {
  it('numbers entries from the batch offset and finds repeats of keys named by earlier batches, ignoring case', () => {
    const earlier = { externalIds: new Set(['ext-a']), usernameKeys: new Set(['bob']) };
    const { valid, invalid, externalIds, usernameKeys } = parseDirectoryFeed(
      [entry('ext-a', { username: 'fresh' }), entry('ext-x', { username: 'BOB' }), entry('ext-c'), entry('ext-d', { email: 'bad' })],
      { offset: 5_000, earlier },
    );
    expect(valid.map((v) => v.index)).toEqual([5_002]);
    expect(invalid.map((i) => [i.index, i.issues.map((x) => x.code).join()])).toEqual([
      [5_000, 'duplicate_external_id'],
      [5_001, 'duplicate_username'],
      [5_003, 'invalid_format'],
    ]);
    expect(invalid[0]?.issues[0]?.message).toBe('external id "ext-a" appeared earlier in the feed, in a batch already synced; this occurrence is left out');
    // The batch's own keys, invalid entries included, for the batches after it.
    expect([...externalIds].sort()).toEqual(['ext-a', 'ext-c', 'ext-d', 'ext-x']);
    expect([...usernameKeys].sort()).toEqual(['bob', 'c', 'd', 'fresh']);
  });
});

describe('planDirectoryChanges: the counts it leaves', () => {
  it('returns the counts once its lines are applied, so a dry run plans the next batch on them', () => {
    const busy = activeUsers(3);
    const result = plan([entry('ext-a'), entry('ext-b', { enabled: false }), entry('ext-c')], { areas: [area('primary', 4)], users: busy });
    expect(result.actions).toEqual(['a:create', 'b:create-blocked', 'c:create-blocked']);
    expect(result.counts).toEqual([expect.objectContaining({ areaId: 'primary', users: 6, using: 4, blocked: 2 })]);
  });
});

describe('usernamesToLookUp: an entry is looked up by name unless the profile of its external id holds that name', () => {
  it('looks up a new profile, a renamed one and an adopted one; not one keeping its name, in any case', () => {
    const entries = parseDirectoryFeed([entry('ext-new'), entry('ext-renamed', { username: 'fresh' }), entry('ext-same', { username: 'Same' })]).valid;
    const byExternalId = new Map([
      ['ext-renamed', directoryUser('ext-renamed', { username: 'old' })],
      ['ext-same', directoryUser('ext-same', { username: 'SAME' })],
    ]);
    expect(usernamesToLookUp(entries, byExternalId)).toEqual(['new', 'fresh']);
    expect(usernamesToLookUp(entries, new Map())).toEqual(['new', 'fresh', 'Same']);
  });
});

describe('planDirectoryChanges: creating', () => {
  it('creates users active while seats are free, and blocked (license-limit) from exactly the first one over', () => {
    const result = plan([entry('ext-a'), entry('ext-b'), entry('ext-c')], { areas: [area('primary', 4)], users: activeUsers(2) });
    expect(result.actions).toEqual(['a:create', 'b:create', 'c:create-blocked']);
    expect(result.byName('c')).toMatchObject({ reason: 'license-limit', refusal: { code: 'LICENSE_LIMIT_REACHED', maxUsers: 4, using: 4 } });
    expect(result.byName('a')).toMatchObject({ reason: null, refusal: null, current: null, changes: [] });
  });

  it('a partner at its quota gets new users blocked while the host company still gets seats', () => {
    const result = plan(
      [entry('ext-p1', { organizationId: 'acme' }), entry('ext-p2', { organizationId: 'acme' }), entry('ext-h')],
      { areas: [area('primary', 10)], organizations: [partner('acme', 1)] },
    );
    expect(result.actions).toEqual(['p1:create', 'p2:create-blocked', 'h:create']);
    expect(result.byName('p2').refusal).toMatchObject({ code: 'PARTNER_QUOTA_REACHED', organizationId: 'acme' });
  });

  it('users of a denied partner are created blocked', () => {
    const result = plan([entry('ext-a', { organizationId: 'acme' })], { organizations: [partner('acme', null, 'denied')] });
    expect(result.byName('a')).toMatchObject({ action: 'create-blocked', refusal: { code: 'PARTNER_ACCESS_DENIED' } });
  });
});

describe('planDirectoryChanges: pending users', () => {
  it('activates pending users still in the feed oldest blockedAt first, before creating new users', () => {
    const users = [...activeUsers(2), pending('ext-new', minutes(30)), pending('ext-old', minutes(10)), pending('ext-mid', minutes(20))];
    // Feed order is the opposite of waiting order, and a brand-new user comes first.
    const result = plan([entry('ext-fresh'), entry('ext-new'), entry('ext-mid'), entry('ext-old')], { areas: [area('primary', 4)], users });
    expect(result.actions).toEqual(['fresh:create-blocked', 'new:unchanged', 'mid:activate', 'old:activate']);
    expect(result.byName('new')).toMatchObject({ reason: 'license-limit', refusal: { code: 'LICENSE_LIMIT_REACHED' } });
  });

  it('pending users with the same blockedAt are activated in feed order', () => {
    const users = [pending('ext-x', T0), pending('ext-y', T0)];
    const result = plan([entry('ext-y'), entry('ext-x')], { areas: [area('primary', 1)], users });
    expect(result.actions).toEqual(['y:activate', 'x:unchanged']);
  });

  it('pending users missing from the feed are not activated, even with seats free', () => {
    const users = [pending('ext-gone', T0), pending('ext-here', T0)];
    const result = plan([entry('ext-here')], { users });
    expect(result.actions).toEqual(['here:activate']);
  });

  it('a seat freed by a disabled user goes to a pending user in the same sync', () => {
    const users = [directoryUser('ext-leaver'), pending('ext-waiter', T0)];
    const result = plan([entry('ext-leaver', { enabled: false }), entry('ext-waiter')], { areas: [area('primary', 1)], users });
    expect(result.actions).toEqual(['leaver:block', 'waiter:activate']);
    expect(result.byName('leaver').reason).toBe('directory-disabled');
  });
});

describe('planDirectoryChanges: blocked users', () => {
  it('never activates a user blocked by an admin, even enabled with seats free, but follows its profile fields', () => {
    const admin = directoryUser('ext-a', { state: 'blocked', blockReason: 'admin', blockedAt: T0, blockedBy: 'root' });
    const result = plan([entry('ext-a', { enabled: true, displayName: 'Ann' })], { users: [admin] });
    expect(result.byName('a')).toMatchObject({ action: 'update', reason: 'admin', changes: ['displayName'] });
  });

  it('keeps the admin block reason when the directory disables an admin-blocked user', () => {
    const admin = directoryUser('ext-a', { state: 'blocked', blockReason: 'admin', blockedAt: T0 });
    expect(plan([entry('ext-a', { enabled: false })], { users: [admin] }).byName('a')).toMatchObject({ action: 'unchanged', reason: 'admin' });
  });

  it('reactivates a re-enabled directory-disabled user when a seat is free', () => {
    const disabled = directoryUser('ext-a', { state: 'blocked', blockReason: 'directory-disabled', blockedAt: T0 });
    expect(plan([entry('ext-a')], { users: [disabled] }).byName('a')).toMatchObject({ action: 'activate', reason: null });
  });

  it('a re-enabled user with no seat free waits for a license instead', () => {
    const disabled = directoryUser('ext-a', { state: 'blocked', blockReason: 'directory-removed', blockedAt: T0 });
    const result = plan([entry('ext-a')], { areas: [area('primary', 1)], users: [...activeUsers(1), disabled] });
    expect(result.byName('a')).toMatchObject({ action: 'update', reason: 'license-limit', changes: ['blockReason'] });
  });

  it('disabling a pending user changes its reason, it no longer waits for a license', () => {
    const result = plan([entry('ext-a', { enabled: false })], { users: [pending('ext-a', T0)] });
    expect(result.byName('a')).toMatchObject({ action: 'update', reason: 'directory-disabled', changes: ['blockReason'] });
  });
});

describe('planDirectoryChanges: users missing from the feed', () => {
  const missingSetup = () => {
    const gone = directoryUser('ext-gone');
    const waiting = pending('ext-waiting', T0);
    return { users: [...activeUsers(8), gone, waiting, directoryUser('ext-here')], missing: [gone, waiting] };
  };

  it('keeps them by default', () => {
    expect(plan([entry('ext-here')], missingSetup()).actions).toEqual(['here:unchanged']);
  });

  it('blocks them with directory-removed with onMissing block; pending ones stop waiting', () => {
    const result = plan([entry('ext-here')], missingSetup(), { onMissing: 'block' });
    expect(result.actions).toEqual(['here:unchanged', 'gone:block', 'waiting:update']);
    expect(result.lines.slice(1).map((l) => [l.index, l.reason])).toEqual([
      [null, 'directory-removed'],
      [null, 'directory-removed'],
    ]);
  });

  it('never blocks manual, csv or system users, nor users of areas the sync does not cover', () => {
    const manual = user({ username: 'manual', externalId: 'ext-m', source: 'manual' });
    const system = user({ username: 'superuser', kind: 'system', systemRole: 'superuser', source: 'system', externalId: 'ext-s' });
    const extranet = directoryUser('ext-x', { areaId: 'x' });
    const result = plan([], { areas: [area('primary', 10), area('x', 10)], users: [manual, system, extranet], missing: [manual, system, extranet] }, {
      onMissing: 'block',
      areaIds: ['primary'],
    });
    expect(result.lines).toEqual([]);
  });
});

describe('planDirectoryChanges: the mass-block guard', () => {
  const tenActive = () => Array.from({ length: 10 }, (_, i) => directoryUser(`ext-${i}`));
  const disable = (n: number) => Array.from({ length: 10 }, (_, i) => entry(`ext-${i}`, { enabled: i >= n }));

  it('allows blocking exactly 20 % of an area’s active users and refuses one more', () => {
    expect(plan(disable(2), { users: tenActive() }).refused).toBeNull();
    const refused = plan(disable(3), { users: tenActive() }).refused;
    expect(refused).toMatchObject({ code: 'MASS_BLOCK_REFUSED', maxBlockShare: 0.2, areas: [{ areaId: 'primary', blocking: 3, using: 10, allowed: 2 }] });
    expect(refused?.message).toContain('force: true');
  });

  it('counts users missing from the feed, so an empty feed cannot lock a company out', () => {
    const users = tenActive();
    expect(plan([], { users, missing: users }, { onMissing: 'block' }).refused?.areas).toEqual([{ areaId: 'primary', blocking: 10, using: 10, allowed: 2 }]);
  });

  it('honours maxBlockShare exactly, even where floating point falls short (0.58 of 50 is 29, not 28.999…)', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => directoryUser(`ext-${i}`));
    const disableOf50 = (n: number) => Array.from({ length: 50 }, (_, i) => entry(`ext-${i}`, { enabled: i >= n }));
    expect(plan(disableOf50(29), { users: fifty }, { maxBlockShare: 0.58 }).refused).toBeNull();
    expect(plan(disableOf50(30), { users: fifty }, { maxBlockShare: 0.58 }).refused?.areas[0]).toMatchObject({ blocking: 30, allowed: 29 });
  });

  it('force lets the plan through', () => {
    expect(plan(disable(10), { users: tenActive() }, { force: true }).refused).toBeNull();
  });

  it('blocking users who already are blocked does not count', () => {
    const users = Array.from({ length: 10 }, (_, i) => pending(`ext-${i}`, T0));
    expect(plan(disable(10), { users }).refused).toBeNull();
  });
});

describe('planDirectoryChanges: matching and invalid entries', () => {
  it('adopts a profile with the same username and no external id, linking it', () => {
    const manual = user({ username: 'Alice', source: 'manual', email: 'old@example.com' });
    const result = plan([entry('ext-a', { username: 'alice' })], { users: [manual] });
    expect(result.byName('alice')).toMatchObject({ action: 'update', changes: ['username', 'externalId'], current: { id: manual.id } });
  });

  it('reports an entry whose username another directory profile holds as invalid, and plans the rest', () => {
    const other = directoryUser('ext-other', { username: 'bob' });
    const result = plan([entry('ext-new', { username: 'BOB' }), entry('ext-c')], { users: [other] });
    expect(result.actions).toEqual(['c:create']);
    expect(result.invalid).toMatchObject([{ index: 0, issues: [{ code: 'username_taken', path: ['username'] }] }]);
  });

  it('never matches a system user', () => {
    const superuser = user({ username: 'superuser', kind: 'system', systemRole: 'superuser', source: 'system' });
    expect(plan([entry('ext-s', { username: 'superuser' })], { users: [superuser] }).invalid[0]?.issues[0]?.code).toBe('system_user');
  });

  it('reports unknown areas, areas not covered and organizations of another area', () => {
    const result = plan(
      [entry('ext-1', { areaId: 'nope' }), entry('ext-2', { areaId: 'x' }), entry('ext-3', { organizationId: 'xorg' }), entry('ext-4', { organizationId: 'ghost' })],
      { areas: [area('primary', 10), area('x', 10)], organizations: [partner('xorg', null, 'granted', 'x')] },
      { areaIds: ['primary'] },
    );
    expect(result.lines).toEqual([]);
    expect(result.invalid.map((i) => i.issues.map((x) => x.code))).toEqual([['unknown_area'], ['area_not_covered'], ['unknown_organization'], ['unknown_organization']]);
  });

  it('lets a user take a username another profile gives up in the same feed, writing the giver first', () => {
    const bob = directoryUser('ext-b', { username: 'bob' });
    const result = plan([entry('ext-new', { username: 'bob' }), entry('ext-b', { username: 'robert' })], { users: [bob] });
    expect(result.actions).toEqual(['bob:create', 'robert:update']);
    expect(result.lines.map((l) => result.rounds.get(l) ?? 0)).toEqual([1, 0]);
  });

  it('a username swap cannot be ordered: both entries are invalid, so a second run sees the same', () => {
    const a = directoryUser('ext-a', { username: 'ann' });
    const b = directoryUser('ext-b', { username: 'bea' });
    const result = plan([entry('ext-a', { username: 'bea' }), entry('ext-b', { username: 'ann' })], { users: [a, b] });
    expect(result.lines).toEqual([]);
    expect(result.invalid.map((i) => i.issues[0]?.code)).toEqual(['username_taken', 'username_taken']);
  });
});

describe('planDirectoryChanges: profile fields and moves', () => {
  it('omitted optional fields keep stored values; null clears them', () => {
    const stored = directoryUser('ext-a', { email: 'a@example.com', displayName: 'A', organizationId: 'acme' });
    const organizations = [partner('acme', null)];
    expect(plan([entry('ext-a')], { users: [stored], organizations }).byName('a')).toMatchObject({ action: 'unchanged', organizationId: 'acme' });
    expect(plan([entry('ext-a', { email: null, displayName: null, organizationId: null })], { users: [stored], organizations }).byName('a')).toMatchObject({
      action: 'update',
      changes: ['email', 'displayName', 'organizationId'],
    });
  });

  it('an active user moving to an area with no seat free is blocked there waiting for a license', () => {
    const mover = directoryUser('ext-m');
    const result = plan([entry('ext-m', { areaId: 'x' })], { areas: [area('primary', 10), area('x', 0)], users: [mover] });
    expect(result.byName('m')).toMatchObject({ action: 'block', areaId: 'x', reason: 'license-limit', changes: ['areaId'] });
  });

  it('a moving active user keeps its seat before pending users get one, and its old seat is handed on', () => {
    const mover = directoryUser('ext-m', { organizationId: 'acme' });
    const waiter = pending('ext-w', T0);
    // One seat, held by the mover as an Acme user; it moves to the host company and keeps a seat.
    const result = plan([entry('ext-w'), entry('ext-m', { organizationId: null })], { areas: [area('primary', 1)], organizations: [partner('acme', null)], users: [mover, waiter] });
    expect(result.actions).toEqual(['w:unchanged', 'm:update']);
    expect(result.byName('m')).toMatchObject({ reason: null, changes: ['organizationId'] });
  });

  it('moving to another area without naming a partner joins the host company there', () => {
    const mover = directoryUser('ext-m', { organizationId: 'acme' });
    const result = plan([entry('ext-m', { areaId: 'x' })], { areas: [area('primary', 1), area('x', 1)], organizations: [partner('acme', null)], users: [mover] });
    expect(result.byName('m')).toMatchObject({ action: 'update', areaId: 'x', organizationId: null, changes: ['areaId', 'organizationId'] });
  });
});

describe('planDirectoryChanges: disabled accounts new to seatkeeper', () => {
  it('creates them blocked (directory-disabled), taking no seat and not waiting for a license', () => {
    const result = plan([entry('ext-off', { enabled: false }), entry('ext-on')], { areas: [area('primary', 1)] });
    expect(result.actions).toEqual(['off:create-blocked', 'on:create']);
    expect(result.byName('off')).toMatchObject({ reason: 'directory-disabled', refusal: null });
  });
});
