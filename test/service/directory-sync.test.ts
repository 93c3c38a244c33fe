import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSeatkeeper,
  InMemorySeatRepository,
  InvalidInputError,
  UnknownAreaError,
  type DirectoryEntryInput,
  type DirectorySyncPlan,
  type Seatkeeper,
  type SeatRepository,
  type SeatTransaction,
  type User,
} from '../../src/index.js';
import { areasApi } from '../../src/service/areas.js';
import type { SeatEvent, ServiceContext } from '../../src/service/context.js';
import { directorySyncApi } from '../../src/service/directory-sync.js';
import { fixedClock } from '../support/clock.js';

const HOUR = 3_600_000;

async function setup(maxUsers = 10, repository: SeatRepository = new InMemorySeatRepository()) {
  const clock = fixedClock('2026-01-01T09:00:00Z');
  const seats = createSeatkeeper({ repository, clock });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  return { seats, clock, repository };
}

const dir = (username: string, extra: Partial<DirectoryEntryInput> = {}): DirectoryEntryInput => ({
  externalId: `ad-${username}`,
  username,
  email: `${username}@example.com`,
  areaId: 'primary',
  ...extra,
});

async function user(seats: Seatkeeper, username: string): Promise<User> {
  const found = await seats.findUserByUsername(username);
  if (found === null) throw new Error(`no user ${username}`);
  return found;
}

async function allUsers(seats: Seatkeeper): Promise<User[]> {
  const users: User[] = [];
  for await (const u of seats.listUsers()) users.push(u);
  return users.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Partner organizations, written straight to storage (defining them is another capability). */
async function definePartners(repository: SeatRepository, acmeQuota: number | null): Promise<void> {
  const at = new Date('2026-01-01T00:00:00Z');
  await repository.transaction({ areaIds: ['primary', 'x'] }, async (tx) => {
    await tx.putOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: acmeQuota, createdAt: at, updatedAt: at });
    await tx.putOrganization({ id: 'xorg', areaId: 'x', name: 'X Org', access: 'granted', maxUsers: null, createdAt: at, updatedAt: at });
  });
}

const primaryUsage = async (seats: Seatkeeper) => (await seats.summary()).areas.find((a) => a.areaId === 'primary');

/** Wraps a repository to count calls, on it and on its transactions, and to run a hook before a transaction method. */
function instrumented(inner: SeatRepository, hooks: { beforeTx?: (method: string) => Promise<void> } = {}) {
  const calls = new Map<string, number>();
  const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
  const wrapTx = (tx: SeatTransaction): SeatTransaction =>
    new Proxy(tx, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          count(`tx.${String(property)}`);
          await hooks.beforeTx?.(String(property));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const repository = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'transaction') {
        return (scope: Parameters<SeatRepository['transaction']>[0], work: (tx: SeatTransaction) => Promise<unknown>) => {
          count('transaction');
          return target.transaction(scope, (tx) => work(wrapTx(tx)));
        };
      }
      return (...args: unknown[]) => {
        count(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { repository, calls, reset: () => calls.clear(), get: (name: string) => calls.get(name) ?? 0 };
}

describe('directory sync: the seed story', () => {
  it('at the limit, directory profiles are created blocked; once licenses are bought the next sync activates them, oldest first', async () => {
    const { seats, clock } = await setup(3);
    for (const name of ['ann', 'ben', 'cat']) expect((await seats.createUser({ username: name, areaId: 'primary' })).ok).toBe(true);

    // "My Active Directory sync is working but new users aren't able to log in?"
    const first = await seats.syncDirectory([dir('dan'), dir('eve')]);
    expect(first.totals).toMatchObject({ create: 0, createBlocked: 2, waitingForLicense: 2 });
    expect(first.waitingForLicense.map((l) => l.username)).toEqual(['dan', 'eve']);
    expect(await user(seats, 'dan')).toMatchObject({ state: 'blocked', blockReason: 'license-limit', blockedBy: 'directory', source: 'directory', externalId: 'ad-dan' });
    expect(await primaryUsage(seats)).toMatchObject({ using: 3, blocked: 2 });

    clock.advance(HOUR);
    const second = await seats.syncDirectory([dir('fay'), dir('eve'), dir('dan')]);
    expect(second.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['fay:create-blocked', 'eve:unchanged', 'dan:unchanged']);
    expect(second.waitingForLicense.map((l) => l.username)).toEqual(['fay', 'eve', 'dan']);

    // Two licenses are bought.
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 5 });
    clock.advance(HOUR);
    const third = await seats.syncDirectory([dir('fay'), dir('eve'), dir('dan')]);
    expect(third.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['fay:unchanged', 'eve:activate', 'dan:activate']);
    expect(third.waitingForLicense.map((l) => l.username)).toEqual(['fay']);
    expect(await user(seats, 'dan')).toMatchObject({ state: 'active', blockReason: null, blockedAt: null, blockedBy: null });
    expect(await primaryUsage(seats)).toMatchObject({ using: 5, remaining: 0, status: 'exhausted' });

    // Blocking an unneeded profile frees a seat: the next sync gives it to the one still waiting.
    await seats.blockUser((await user(seats, 'ann')).id);
    const fourth = await seats.syncDirectory([dir('fay'), dir('eve'), dir('dan')]);
    expect(fourth.lines.map((l) => l.action)).toEqual(['activate', 'unchanged', 'unchanged']);
    expect(fourth.waitingForLicense).toEqual([]);
    expect(await primaryUsage(seats)).toMatchObject({ using: 5 });
  });
});

describe('directory sync: properties over random feeds and states', () => {
  const names = ['ann', 'Ann', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus'];
  const entryArbitrary = fc.record(
    {
      externalId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8'),
      username: fc.constantFrom(...names),
      email: fc.constantFrom('a@example.com', 'b@example.com', 'c@example.com', 'not-an-email', null),
      displayName: fc.constantFrom('A', 'B', null),
      areaId: fc.constantFrom('primary', 'primary', 'primary', 'x', 'nope'),
      organizationId: fc.constantFrom(null, null, 'acme', 'xorg', 'ghost'),
      enabled: fc.constantFrom(true, true, true, false),
    },
    { requiredKeys: ['externalId', 'username', 'areaId'] },
  );
  const sameKey = (a: DirectoryEntryInput, b: DirectoryEntryInput) => a.externalId === b.externalId || a.username.toLowerCase() === b.username.toLowerCase();
  /** Mostly feeds without duplicates (so entries apply), sometimes with (so duplicates are exercised). */
  const feedArbitrary = fc.oneof(
    { weight: 4, arbitrary: fc.uniqueArray(entryArbitrary, { maxLength: 8, comparator: sameKey }) },
    { weight: 1, arbitrary: fc.array(entryArbitrary, { maxLength: 8 }) },
  );
  /** A later feed: the same directory ids, some renamed, moved or disabled (renames make chains and swaps), plus newcomers. */
  const laterFeed = (firstFeed: readonly DirectoryEntryInput[]) =>
    fc.oneof(
      feedArbitrary,
      fc
        .tuple(
          fc.uniqueArray(
            fc.record({ from: fc.nat({ max: 7 }), username: fc.constantFrom(...names), areaId: fc.constantFrom('primary', 'primary', 'x'), enabled: fc.boolean() }),
            { maxLength: 8, comparator: (a, b) => a.from === b.from || a.username.toLowerCase() === b.username.toLowerCase() },
          ),
          fc.uniqueArray(entryArbitrary, { maxLength: 2, comparator: sameKey }),
        )
        .map(([changes, newcomers]) => [
          ...changes.flatMap(({ from, ...change }) => {
            const before = firstFeed[from];
            return before === undefined ? [] : [{ ...before, ...change, email: null, organizationId: null }];
          }),
          ...newcomers,
        ]),
    );
  const scenario = fc
    .record({
      primarySeats: fc.integer({ min: 0, max: 5 }),
      extranetSeats: fc.integer({ min: 0, max: 3 }),
      acmeQuota: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      manual: fc.uniqueArray(fc.constantFrom(...names), { maxLength: 3, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }),
      firstFeed: feedArbitrary,
      adminBlocks: fc.array(fc.nat(), { maxLength: 3 }),
      extraSeats: fc.integer({ min: 0, max: 3 }),
      options: fc.record(
        { onMissing: fc.constantFrom('keep' as const, 'block' as const), maxBlockShare: fc.constantFrom(0.2, 0.5, 1), force: fc.boolean() },
        { requiredKeys: [] },
      ),
    })
    .chain((base) => laterFeed(base.firstFeed).map((feed) => ({ ...base, feed })));
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

  /** A site with manual users, a first sync, some admin blocks and a license purchase. */
  async function prepare(s: Scenario) {
    const { seats, clock, repository } = await setup(s.primarySeats);
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: s.extranetSeats });
    await definePartners(repository, s.acmeQuota);
    for (const name of s.manual) await seats.createUser({ username: name, areaId: 'primary' });
    clock.advance(HOUR);
    await seats.syncDirectory(s.firstFeed, { force: true, onMissing: s.options.onMissing ?? 'keep' });
    const existing = await allUsers(seats);
    for (const n of s.adminBlocks) if (existing.length > 0) await seats.blockUser((existing[n % existing.length] as User).id);
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: s.primarySeats + s.extraSeats });
    clock.advance(HOUR);
    return { seats, clock };
  }

  it('the same feed twice changes nothing the second time, and no sync ever takes more seats than there are', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { seats, clock } = await prepare(s);

        const first = await seats.syncDirectory(s.feed, s.options);
        const after = await allUsers(seats);
        for (const area of (await seats.summary()).areas) {
          expect(area.using).toBeLessThanOrEqual(area.maxUsers);
          for (const partner of area.organizations) if (partner.maxUsers !== null) expect(partner.using).toBeLessThanOrEqual(partner.maxUsers);
        }
        clock.advance(HOUR);
        const second = await seats.syncDirectory(s.feed, s.options);

        expect(await allUsers(seats)).toEqual(after);
        expect(second.skipped).toEqual([]);
        expect(second.lines.filter((l) => l.action !== 'unchanged')).toEqual([]);
        expect(second.refused === null).toBe(first.refused === null);
        expect(second.invalid.map((i) => i.index)).toEqual(first.invalid.map((i) => i.index));
      }),
      { numRuns: 300 },
    );
  });

  /** What others do between planning and applying. `pick` chooses a user from the current list. */
  const operation = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), username: fc.constantFrom(...names), areaId: fc.constantFrom('primary', 'x'), externalId: fc.constantFrom(undefined, 'e1', 'e2', 'e3') }),
    fc.record({ kind: fc.constantFrom('block' as const, 'reinstate' as const, 'delete' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), username: fc.constantFrom(...names) }),
    fc.record({ kind: fc.constant('seats' as const), areaId: fc.constantFrom('primary', 'x'), delta: fc.integer({ min: -2, max: 2 }) }),
  );

  it('a stale plan never takes more seats than are free and never overwrites a profile changed after planning', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(operation, { maxLength: 5 }), async (s, operations) => {
        const { seats, clock } = await prepare(s);
        const plan = await seats.planDirectorySync(s.feed, s.options);
        const planned = new Map((await allUsers(seats)).map((u) => [u.id, u]));
        for (const op of operations) {
          clock.advance(1000);
          const users = await allUsers(seats);
          const picked = 'pick' in op ? users[op.pick % Math.max(1, users.length)] : undefined;
          if (op.kind === 'create') await seats.createUser({ username: op.username, areaId: op.areaId, ...(op.externalId ? { externalId: op.externalId } : {}) });
          else if (op.kind === 'seats') {
            const area = (await seats.summary()).areas.find((a) => a.areaId === op.areaId);
            const kind = op.areaId === 'primary' ? 'primary' : 'extranet';
            if (area) await seats.defineArea({ id: op.areaId, kind, name: area.name, maxUsers: Math.max(0, area.maxUsers + op.delta) });
          } else if (picked === undefined) continue;
          else if (op.kind === 'block') await seats.blockUser(picked.id);
          else if (op.kind === 'reinstate') await seats.reinstateUser(picked.id);
          else if (op.kind === 'delete') await seats.deleteUser(picked.id);
          else if (op.kind === 'rename') await seats.updateUser(picked.id, { username: op.username });
        }
        const before = await allUsers(seats);
        const usageBefore = new Map((await seats.summary()).areas.map((a) => [a.areaId, a]));
        clock.advance(1000);

        await seats.applyDirectorySync(plan);

        const after = new Map((await allUsers(seats)).map((u) => [u.id, u]));
        for (const user of before) {
          const old = planned.get(user.id);
          const changedByOthers = old === undefined || JSON.stringify(old) !== JSON.stringify(user);
          if (changedByOthers) expect(after.get(user.id)).toEqual(user);
        }
        for (const area of (await seats.summary()).areas) {
          const was = usageBefore.get(area.areaId);
          expect(area.using).toBeLessThanOrEqual(Math.max(area.maxUsers, was?.using ?? 0));
          for (const partner of area.organizations) {
            const partnerWas = was?.organizations.find((o) => o.organizationId === partner.organizationId)?.using ?? 0;
            if (partner.maxUsers !== null) expect(partner.using).toBeLessThanOrEqual(Math.max(partner.maxUsers, partnerWas));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('directory sync: stale plans', () => {
  it('a stale plan never oversells: seats taken after planning are decided again under the lock', async () => {
    const { seats } = await setup(3);
    const plan = await seats.planDirectorySync([dir('a'), dir('b'), dir('c')]);
    expect(plan.totals).toMatchObject({ create: 3, createBlocked: 0 });
    await seats.createUser({ username: 'm1', areaId: 'primary' });
    await seats.createUser({ username: 'm2', areaId: 'primary' });

    const report = await seats.applyDirectorySync(plan);
    expect(report.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['a:create', 'b:create-blocked', 'c:create-blocked']);
    expect(report.waitingForLicense.map((l) => l.username)).toEqual(['b', 'c']);
    expect(await primaryUsage(seats)).toMatchObject({ using: 3, overBy: 0 });
  });

  it('a stale plan uses seats freed after planning', async () => {
    const { seats } = await setup(1);
    const manual = await seats.createUser({ username: 'm', areaId: 'primary' });
    const plan = await seats.planDirectorySync([dir('a')]);
    expect(plan.lines[0]?.action).toBe('create-blocked');
    if (manual.ok) await seats.deleteUser(manual.user.id);
    expect((await seats.applyDirectorySync(plan)).lines[0]?.action).toBe('create');
  });

  it('never overwrites a profile created by hand with the same username after planning', async () => {
    const { seats } = await setup(5);
    const plan = await seats.planDirectorySync([dir('bob'), dir('cy')]);
    await seats.createUser({ username: 'Bob', areaId: 'primary', email: 'bob@hand.example.com' });

    const report = await seats.applyDirectorySync(plan);
    expect(report.skipped).toMatchObject([{ index: 0, username: 'bob', planned: 'create', code: 'CHANGED_SINCE_PLAN' }]);
    expect(report.lines.map((l) => l.username)).toEqual(['cy']);
    expect(await user(seats, 'bob')).toMatchObject({ username: 'Bob', email: 'bob@hand.example.com', externalId: null, source: 'manual' });
  });

  it('a profile made by hand after planning with a planned username is neither adopted nor counted as moving out', async () => {
    const { seats } = await setup(5);
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 1 });
    const keeper = await seats.createUser({ username: 'keeper', areaId: 'x' });
    await seats.syncDirectory([dir('w', { areaId: 'x' })]);
    const plan = await seats.planDirectorySync([dir('bob'), dir('w', { areaId: 'x' })]);
    if (keeper.ok) await seats.deleteUser(keeper.user.id);
    // The freed extranet seat goes to a manual "bob". Adopting him into the primary area would
    // give that seat back, but the plan created "bob" and adopts nobody: the seat stays his.
    expect((await seats.createUser({ username: 'bob', areaId: 'x' })).ok).toBe(true);

    const report = await seats.applyDirectorySync(plan);
    expect(report.skipped).toMatchObject([{ username: 'bob', code: 'CHANGED_SINCE_PLAN' }]);
    expect(report.waitingForLicense.map((l) => l.username)).toEqual(['w']);
    expect((await seats.summary()).areas.find((a) => a.areaId === 'x')).toMatchObject({ using: 1, overBy: 0 });
  });

  it('leaves alone a user an admin blocked after planning, even though the plan activates it', async () => {
    const { seats } = await setup(0);
    await seats.syncDirectory([dir('p')]);
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 1 });
    const plan = await seats.planDirectorySync([dir('p'), dir('q')]);
    expect(plan.lines.map((l) => l.action)).toEqual(['activate', 'create-blocked']);
    await seats.blockUser((await user(seats, 'p')).id, { blockedBy: 'admin-1' });

    const report = await seats.applyDirectorySync(plan);
    expect(report.skipped).toMatchObject([{ username: 'p', planned: 'activate', code: 'CHANGED_SINCE_PLAN' }]);
    expect(await user(seats, 'p')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-1' });
    // The seat the plan meant for p is decided again: q gets it.
    expect(report.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['q:create']);
  });

  it('never overwrites a profile edited after planning', async () => {
    const { seats } = await setup(5);
    await seats.syncDirectory([dir('a')]);
    const plan = await seats.planDirectorySync([dir('a', { displayName: 'From AD', enabled: false })], { force: true });
    await seats.updateUser((await user(seats, 'a')).id, { displayName: 'By hand' });

    const report = await seats.applyDirectorySync(plan);
    expect(report.skipped).toHaveLength(1);
    expect(await user(seats, 'a')).toMatchObject({ state: 'active', displayName: 'By hand' });
  });

  it('applying the same plan twice writes nothing the second time', async () => {
    const { seats } = await setup(5);
    const plan = await seats.planDirectorySync([dir('a'), dir('b')]);
    await seats.applyDirectorySync(plan);
    const before = await allUsers(seats);
    const again = await seats.applyDirectorySync(plan);
    expect(again.skipped.map((s) => s.code)).toEqual(['CHANGED_SINCE_PLAN', 'CHANGED_SINCE_PLAN']);
    expect(await allUsers(seats)).toEqual(before);
  });

  it('a plan is frozen, and a copy of one (kept for an approval step) is validated and applies', async () => {
    const { seats } = await setup(5);
    const plan = await seats.planDirectorySync([dir('a'), dir('b')]);
    expect(() => (plan.lines as unknown as unknown[]).push(plan.lines[0])).toThrow(TypeError);
    expect(Object.isFrozen(plan.lines[0]?.entry)).toBe(true);
    const copy = structuredClone(plan);
    expect((await seats.applyDirectorySync(copy)).totals).toMatchObject({ create: 2 });
    const tampered = structuredClone(plan);
    (tampered.lines[0] as { entry: { email: string } }).entry.email = 'not-an-email';
    await expect(seats.applyDirectorySync(tampered)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('an entry that became invalid after planning is skipped and the rest applies', async () => {
    const { seats } = await setup(5);
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
    const plan = await seats.planDirectorySync([dir('a'), dir('b')]);
    // Someone with another directory id took "a" in the meantime.
    await seats.createUser({ username: 'a', areaId: 'x', externalId: 'other-directory' });
    const report = await seats.applyDirectorySync(plan);
    expect(report.skipped).toMatchObject([{ username: 'a', code: 'NO_LONGER_VALID' }]);
    expect(report.skipped[0]?.message).toContain('taken');
    expect(report.lines.map((l) => l.username)).toEqual(['b']);
  });

  it('retries when a profile created in an unlocked area takes a username the sync writes, then skips that entry', async () => {
    const inner = new InMemorySeatRepository();
    let raced = false;
    const { seats } = await setup(5, inner);
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
    const other = createSeatkeeper({ repository: inner });
    const probe = instrumented(inner, {
      async beforeTx(method) {
        if (method !== 'insertUsers' || raced) return;
        raced = true;
        // Area "x" is not locked by the sync (it touches only "primary").
        expect((await other.createUser({ username: 'bob', areaId: 'x' })).ok).toBe(true);
      },
    });
    const racing = createSeatkeeper({ repository: probe.repository, clock: fixedClock('2026-01-01T09:00:00Z') });

    const report = await racing.syncDirectory([dir('amy'), dir('bob')]);
    expect(probe.get('transaction')).toBe(2);
    expect(report.skipped).toMatchObject([{ username: 'bob', code: 'CHANGED_SINCE_PLAN' }]);
    expect(report.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['amy:create']);
    expect(await user(seats, 'bob')).toMatchObject({ areaId: 'x', source: 'manual', externalId: null });
  });
});

describe('directory sync: blocked users', () => {
  it('never activates a user blocked by an admin, even with seats free and the entry enabled', async () => {
    const { seats } = await setup(5);
    await seats.syncDirectory([dir('a')]);
    await seats.blockUser((await user(seats, 'a')).id, { blockedBy: 'admin-1' });
    const report = await seats.syncDirectory([dir('a', { enabled: true, displayName: 'Alice' })]);
    expect(report.lines).toMatchObject([{ username: 'a', action: 'update', reason: 'admin', changes: ['displayName'] }]);
    expect(await user(seats, 'a')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-1', displayName: 'Alice' });
    expect(report.waitingForLicense).toEqual([]);
  });

  it('blocks disabled users (directory-disabled) and brings them back when re-enabled', async () => {
    const { seats, clock } = await setup(5);
    await seats.syncDirectory([dir('a'), dir('b')]);
    clock.advance(HOUR);
    // Blocking 1 of 2 is over the 20 % guard: a small site forces it (or sets a larger maxBlockShare).
    const disabled = await seats.syncDirectory([dir('a', { enabled: false }), dir('b')], { force: true });
    expect(disabled.lines.map((l) => `${l.action}:${l.reason}`)).toEqual(['block:directory-disabled', 'unchanged:null']);
    expect(await user(seats, 'a')).toMatchObject({ state: 'blocked', blockReason: 'directory-disabled', blockedBy: 'directory', blockedAt: new Date('2026-01-01T10:00:00Z') });
    const back = await seats.syncDirectory([dir('a'), dir('b')]);
    expect(back.lines.map((l) => l.action)).toEqual(['activate', 'unchanged']);
  });

  it('blocks directory users missing from the feed only when asked, and never manual users', async () => {
    const { seats } = await setup(10);
    await seats.createUser({ username: 'hand', areaId: 'primary', externalId: 'ad-hand' });
    await seats.syncDirectory(['a', 'b', 'c', 'd', 'e'].map((n) => dir(n)));
    const feed = ['a', 'b', 'c', 'd'].map((n) => dir(n));

    expect((await seats.syncDirectory(feed)).lines.every((l) => l.action === 'unchanged')).toBe(true);
    const report = await seats.syncDirectory(feed, { onMissing: 'block' });
    expect(report.lines.filter((l) => l.action !== 'unchanged')).toMatchObject([{ index: null, username: 'e', action: 'block', reason: 'directory-removed' }]);
    expect(await user(seats, 'hand')).toMatchObject({ state: 'active' });
    expect(await user(seats, 'e')).toMatchObject({ state: 'blocked', blockReason: 'directory-removed' });
  });
});

describe('directory sync: adopting profiles made before the directory', () => {
  it('links a profile made by hand with the same username, and never blocks it as missing', async () => {
    const { seats } = await setup(10);
    const manual = await seats.createUser({ username: 'Bob', areaId: 'primary' });
    await seats.syncDirectory(['a', 'b', 'c', 'd', 'e'].map((n) => dir(n)));
    const adopted = await seats.syncDirectory([dir('bob', { displayName: 'Bob B.' })]);
    expect(adopted.lines).toMatchObject([{ action: 'update', changes: ['username', 'email', 'displayName', 'externalId'] }]);
    expect(await user(seats, 'bob')).toMatchObject({ id: manual.ok ? manual.user.id : '', externalId: 'ad-bob', source: 'manual', state: 'active' });

    const report = await seats.syncDirectory(['a', 'b', 'c', 'd', 'e'].map((n) => dir(n)), { onMissing: 'block' });
    expect(report.totals.block).toBe(0);
    expect(await user(seats, 'bob')).toMatchObject({ state: 'active' });
  });
});

describe('directory sync: the mass-block guard', () => {
  it('refuses a feed that would block more than 20 % of an area and writes nothing, unless forced', async () => {
    const { seats } = await setup(20);
    const everyone = Array.from({ length: 10 }, (_, i) => dir(`u${i}`));
    await seats.syncDirectory(everyone);
    const partial = everyone.slice(0, 7);

    const plan = await seats.planDirectorySync(partial, { onMissing: 'block' });
    expect(plan.refused).toMatchObject({ code: 'MASS_BLOCK_REFUSED', areas: [{ areaId: 'primary', blocking: 3, using: 10, allowed: 2 }] });
    const refused = await seats.applyDirectorySync(plan);
    expect(refused).toMatchObject({ refused: { code: 'MASS_BLOCK_REFUSED' }, lines: [], totals: { block: 0 } });
    expect(await primaryUsage(seats)).toMatchObject({ using: 10 });

    expect((await seats.syncDirectory(everyone.slice(0, 8), { onMissing: 'block' })).totals.block).toBe(2);
    expect((await seats.syncDirectory([], { onMissing: 'block', force: true })).totals.block).toBe(8);
    expect(await primaryUsage(seats)).toMatchObject({ using: 0 });
  });

  it('an empty feed with onMissing block is refused', async () => {
    const { seats } = await setup(20);
    await seats.syncDirectory([dir('a')]);
    expect((await seats.syncDirectory([], { onMissing: 'block' })).refused?.message).toContain('must not lock a company out');
    expect(await user(seats, 'a')).toMatchObject({ state: 'active' });
  });
});

describe('directory sync: invalid entries', () => {
  it('reports invalid entries one by one, applies none of them, and applies the rest', async () => {
    const { seats } = await setup(10);
    const report = await seats.syncDirectory([
      dir('ok1'),
      dir('bad-email', { email: 'not-an-email' }),
      dir('lost', { areaId: 'nowhere' }),
      dir('twin1', { externalId: 'ad-twin' }),
      dir('twin2', { externalId: 'ad-twin' }),
      dir('Same', { externalId: 'ad-same-1' }),
      dir('same', { externalId: 'ad-same-2' }),
      dir('nopartner', { organizationId: 'ghost' }),
      dir('ok2'),
    ] as DirectoryEntryInput[]);
    expect(report.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['ok1:create', 'ok2:create']);
    expect(report.invalid.map((i) => [i.index, i.issues.map((x) => x.code).join()])).toEqual([
      [1, 'invalid_format'],
      [2, 'unknown_area'],
      [3, 'duplicate_external_id'],
      [4, 'duplicate_external_id'],
      [5, 'duplicate_username'],
      [6, 'duplicate_username'],
      [7, 'unknown_organization'],
    ]);
    expect(report.totals).toMatchObject({ create: 2, invalid: 7 });
    expect((await seats.summary()).totals.users).toBe(2);
  });

  it('never blocks a user whose entry is invalid, even with onMissing block', async () => {
    const { seats } = await setup(10);
    await seats.syncDirectory([dir('a'), dir('b'), dir('c'), dir('d'), dir('e')]);
    const report = await seats.syncDirectory([dir('a', { email: 'broken' }), dir('b'), dir('c'), dir('d'), dir('e')], { onMissing: 'block' });
    expect(report.totals).toMatchObject({ block: 0, invalid: 1 });
    expect(await user(seats, 'a')).toMatchObject({ state: 'active' });
  });

  it('throws typed errors for a feed that is not an array, bad options, unknown covered areas or a tampered plan, writing nothing', async () => {
    const { seats } = await setup(10);
    await expect(seats.syncDirectory({ externalId: 'a' } as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.syncDirectory([dir('a')], { onMissing: 'drop' } as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.syncDirectory([dir('a')], { maxBlockShare: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.syncDirectory([dir('a')], { areaIds: ['nowhere'] })).rejects.toBeInstanceOf(UnknownAreaError);
    const plan = await seats.planDirectorySync([dir('a')]);
    await expect(seats.applyDirectorySync({ ...plan, lines: [{ ...plan.lines[0], action: 'explode' }] } as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.applyDirectorySync({} as DirectorySyncPlan)).rejects.toBeInstanceOf(InvalidInputError);
    expect((await seats.summary()).totals.users).toBe(0);
  });
});

describe('directory sync: storage access', () => {
  it('plans and applies with one batched look-up per key, however long the feed', async () => {
    const inner = new InMemorySeatRepository();
    const { seats } = await setup(5000, inner);
    await seats.syncDirectory(Array.from({ length: 100 }, (_, i) => dir(`old${i}`)));
    const probe = instrumented(inner);
    const counted = createSeatkeeper({ repository: probe.repository });
    const feed = Array.from({ length: 2500 }, (_, i) => dir(i < 100 ? `old${i}` : `new${i}`, i < 100 ? { displayName: 'renamed' } : {}));

    const plan = await counted.planDirectorySync(feed, { onMissing: 'block' });
    expect(plan.totals).toMatchObject({ create: 2400, update: 100 });
    expect([probe.get('findUsersByExternalIds'), probe.get('findUsersByUsernames'), probe.get('countUsers')]).toEqual([1, 1, 1]);
    expect(probe.get('getUser') + probe.get('findUserByUsername')).toBe(0);
    expect(probe.get('listUsers')).toBe(1); // the missing-users scan reads 1000 directory users a page

    probe.reset();
    await counted.applyDirectorySync(plan);
    expect(probe.get('transaction')).toBe(1);
    expect([probe.get('tx.findUsersByExternalIds'), probe.get('tx.findUsersByUsernames')]).toEqual([1, 1]);
    expect([probe.get('tx.insertUsers'), probe.get('tx.updateUsers')]).toEqual([3, 1]); // in batches of 1000
    expect(probe.get('tx.getUser') + probe.get('tx.findUserByUsername')).toBe(0);
  });

  it('a plan with nothing to write and nobody waiting applies without a transaction', async () => {
    const inner = new InMemorySeatRepository();
    const { seats } = await setup(5, inner);
    await seats.syncDirectory([dir('a')]);
    const probe = instrumented(inner);
    const report = await createSeatkeeper({ repository: probe.repository }).syncDirectory([dir('a')]);
    expect(report.lines.map((l) => [l.action, l.user.username])).toEqual([['unchanged', 'a']]);
    expect(probe.get('transaction')).toBe(0);
  });
});

describe('directory sync: notifications', () => {
  async function watched(maxUsers: number) {
    const events: Array<SeatEvent & { readonly areaId: string }> = [];
    const context: ServiceContext = {
      repository: new InMemorySeatRepository(),
      clock: fixedClock('2026-01-01T09:00:00Z'),
      notifier: undefined,
      newId: () => globalThis.crypto.randomUUID(),
      options: { warningPercent: 5, minimumPurchase: 5 },
      watch: {
        async observe(_tx, areaId, event) {
          events.push({ areaId, ...event });
        },
        async afterCommit() {},
      },
    };
    await areasApi(context).defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
    await areasApi(context).defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
    events.length = 0;
    return { sync: directorySyncApi(context), events };
  }

  it('tells the watch once per area how many users wait for a seat', async () => {
    const { sync, events } = await watched(1);
    await sync.syncDirectory([dir('a'), dir('b'), dir('c'), dir('x1', { areaId: 'x' })]);
    expect(events).toEqual([
      { areaId: 'primary', attempted: 'directory sync created 2 users blocked; 2 users wait for a license', waitingForSeat: 2 },
      { areaId: 'x', attempted: 'directory sync' },
    ]);
    events.length = 0;
    await sync.syncDirectory([dir('a'), dir('b'), dir('c'), dir('x1', { areaId: 'x' })]);
    expect(events).toEqual([{ areaId: 'primary', attempted: 'directory sync: 2 users wait for a license', waitingForSeat: 2 }]);
  });

  it('reports seat changes without a wait when nobody waits', async () => {
    const { sync, events } = await watched(5);
    await sync.syncDirectory([dir('a')]);
    await sync.syncDirectory([dir('a', { enabled: false })], { force: true });
    expect(events).toEqual([
      { areaId: 'primary', attempted: 'directory sync' },
      { areaId: 'primary', attempted: 'directory sync' },
    ]);
  });
});
