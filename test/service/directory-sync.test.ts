import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, type DirectoryEntryInput, type DirectorySyncLine, type Seatkeeper, type User } from '../../src/index.js';
import { areasApi } from '../../src/service/areas.js';
import type { SeatEvent, ServiceContext } from '../../src/service/context.js';
import { directorySyncApi } from '../../src/service/directory-sync.js';
import { fixedClock } from '../support/clock.js';
import { allUsers, dir, HOUR } from '../support/directory.js';
import { describeDirectorySyncScenarios } from './directory-sync-scenarios.js';

describeDirectorySyncScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => {} }));

async function setup(maxUsers: number) {
  const clock = fixedClock('2026-01-01T09:00:00Z');
  // Ids from a counter, so that two sites built the same way have the same ids.
  let nextId = 0;
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock, newId: () => `id-${++nextId}` });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  return { seats, clock };
}

/** Partners "acme" (in the primary area, with the given quota) and "xorg" (in the extranet, no quota). */
async function definePartners(seats: Seatkeeper, acmeQuota: number | null): Promise<void> {
  await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: acmeQuota, allowOverLimit: true });
  await seats.defineOrganization({ id: 'xorg', areaId: 'x', name: 'X Org', access: 'granted', maxUsers: null });
}

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
    const { seats, clock } = await setup(s.primarySeats);
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: s.extranetSeats });
    await definePartners(seats, s.acmeQuota);
    for (const name of s.manual) await seats.createUser({ username: name, areaId: 'primary' });
    clock.advance(HOUR);
    await seats.syncDirectory(s.firstFeed, { force: true, onMissing: s.options.onMissing ?? 'keep' });
    const existing = await allUsers(seats);
    for (const n of s.adminBlocks) if (existing.length > 0) await seats.blockUser((existing[n % existing.length] as User).id);
    if (s.extraSeats > 0) await seats.setAreaLicenses('primary', s.primarySeats + s.extraSeats, { reason: 'a purchase' });
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
    fc.record({ kind: fc.constant('edit' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('seats' as const), areaId: fc.constantFrom('primary', 'x'), delta: fc.integer({ min: -2, max: 2 }) }),
  );

  type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;
  /** Does what others do between planning and applying. */
  async function perform(seats: Seatkeeper, clock: ReturnType<typeof fixedClock>, operations: readonly Operation[]): Promise<void> {
    for (const op of operations) {
      clock.advance(1000);
      const users = await allUsers(seats);
      const picked = 'pick' in op ? users[op.pick % Math.max(1, users.length)] : undefined;
      if (op.kind === 'create') await seats.createUser({ username: op.username, areaId: op.areaId, ...(op.externalId ? { externalId: op.externalId } : {}) });
      else if (op.kind === 'seats') {
        const area = (await seats.summary()).areas.find((a) => a.areaId === op.areaId);
        if (area) await seats.setAreaLicenses(op.areaId, Math.max(0, area.maxUsers + op.delta), { reason: 'a change of the limit', allowBelowUse: true });
      } else if (picked === undefined) continue;
      else if (op.kind === 'block') await seats.blockUser(picked.id);
      else if (op.kind === 'reinstate') await seats.reinstateUser(picked.id);
      else if (op.kind === 'delete') await seats.deleteUser(picked.id);
      else if (op.kind === 'rename') await seats.updateUser(picked.id, { username: op.username });
      else if (op.kind === 'edit') await seats.updateUser(picked.id, { displayName: `edited at ${clock().toISOString()}` });
    }
  }

  it('a plan applied with nothing changed in between does what it planned: deciding again under the lock decides the same', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { seats, clock } = await prepare(s);
        const plan = await seats.planDirectorySync(s.feed, s.options);
        clock.advance(1000);
        const report = await seats.applyDirectorySync(plan);
        const decided = ({ index, externalId, username, areaId, organizationId, action, reason, changes, refusal }: DirectorySyncLine) =>
          ({ index, externalId, username, areaId, organizationId, action, reason, changes, refusal });
        expect(report.skipped).toEqual([]);
        expect(report.refused).toEqual(plan.refused);
        if (plan.refused !== null) return;
        expect(report.lines.map(decided)).toEqual(plan.lines.map(decided));
        expect(report.totals).toEqual(plan.totals);
      }),
      { numRuns: 300 },
    );
  });

  it('a stale plan never takes more seats than are free and never overwrites a profile changed after planning', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(operation, { maxLength: 5 }), async (s, operations) => {
        const { seats, clock } = await prepare(s);
        const plan = await seats.planDirectorySync(s.feed, s.options);
        const planned = new Map((await allUsers(seats)).map((u) => [u.id, u]));
        await perform(seats, clock, operations);
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

describe('directory sync: applying a plan after the state changed', () => {
  it('never hands on a seat freed by a line that is skipped, even when no count changed', async () => {
    const { seats } = await setup(1);
    await seats.syncDirectory([dir('a')]);
    await seats.syncDirectory([dir('a'), dir('p')]);
    const plan = await seats.planDirectorySync([dir('a', { enabled: false }), dir('p')], { force: true });
    expect(plan.lines.map((l) => l.action)).toEqual(['block', 'activate']);
    // An edit that changes no count: the block of "a" is skipped, so its seat is not free.
    await seats.updateUser((await seats.findUserByUsername('a'))?.id ?? '', { displayName: 'By hand' });

    const report = await seats.applyDirectorySync(plan);
    expect(report.skipped.map((x) => x.username)).toEqual(['a']);
    expect(report.lines.map((l) => `${l.username}:${l.action}:${l.reason}`)).toEqual(['p:unchanged:license-limit']);
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 1, overBy: 0 });
  });

  it('leaves alone a profile changed and changed back after planning: its update time moved', async () => {
    const { seats, clock } = await setup(5);
    await seats.syncDirectory([dir('a', { displayName: 'A' })]);
    clock.advance(1000);
    const plan = await seats.planDirectorySync([dir('a', { displayName: 'From the directory' })]);
    const id = (await seats.findUserByUsername('a'))?.id ?? '';
    await seats.updateUser(id, { displayName: 'By hand' });
    await seats.updateUser(id, { displayName: 'A' });

    const report = await seats.applyDirectorySync(plan);
    expect(report.skipped).toMatchObject([{ username: 'a', code: 'CHANGED_SINCE_PLAN' }]);
    expect((await seats.findUserByUsername('a'))?.displayName).toBe('A');
  });

  it('decides seats again on an area edited after planning: a purchase made meanwhile is used', async () => {
    const { seats, clock } = await setup(1);
    await seats.syncDirectory([dir('a')]);
    const plan = await seats.planDirectorySync([dir('a'), dir('b')]);
    expect(plan.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['a:unchanged', 'b:create-blocked']);
    clock.advance(1000);
    await seats.setAreaLicenses('primary', 2, { reason: 'a purchase made meanwhile' });

    const report = await seats.applyDirectorySync(plan);
    expect(report.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['a:unchanged', 'b:create']);
  });
});
