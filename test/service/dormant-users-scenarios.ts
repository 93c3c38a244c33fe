import { afterEach, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import {
  createSeatkeeper,
  InvalidInputError,
  UnknownAreaError,
  UnknownUserError,
  type Seatkeeper,
  type SeatRepository,
} from '../../src/index.js';
import { exportPeopleCsv } from '../../src/csv/index.js';
import { fixedClock, type FakeClock } from '../support/clock.js';
import { testNotifier, type TestNotifier } from '../support/notifier.js';

/** A fresh, empty repository and how to dispose of it. */
export interface DormantFixture {
  readonly repository: SeatRepository;
  readonly dispose: () => Promise<void>;
}

const DAY = 86_400_000;
/** When the site is set up and its users created. */
const START = '2026-01-01T08:00:00.000Z';

/**
 * Giving back seats nobody uses: recording activity, planning and applying
 * the dormant-user policy, and the sign-in that brings a user back, on any
 * repository: in memory (dormant-users.test.ts) and on PostgreSQL
 * (dormant-users-postgres.test.ts).
 */
export function describeDormantUserScenarios(name: string, makeRepository: () => Promise<DormantFixture>): void {
  describe(`dormant users on ${name}`, () => {
    const fixtures: DormantFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    interface Site {
      readonly seats: Seatkeeper;
      readonly clock: FakeClock;
      readonly notifier: TestNotifier;
      readonly ids: Map<string, string>;
    }

    /** A primary area of `maxUsers` seats with the named users, all created at {@link START}. */
    async function site(maxUsers: number, usernames: readonly string[]): Promise<Site> {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock = fixedClock(START);
      const notifier = testNotifier();
      const seats = createSeatkeeper({ repository: fixture.repository, clock, notifier });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
      await seats.setResponsiblePerson('licences@example.com');
      await seats.ensureSystemUsers();
      const ids = new Map<string, string>();
      for (const username of usernames) {
        const r = await seats.createUser({ username, areaId: 'primary', email: `${username}@example.com` });
        if (!r.ok) throw new Error(`${username}: ${r.reason.code}`);
        ids.set(username, r.user.id);
      }
      return { seats, clock, notifier, ids };
    }

    const id = (s: Site, username: string) => s.ids.get(username) as string;

    it('recordActivity keeps the latest time (last write wins, never backwards) and changes nothing else', async () => {
      const s = await site(10, ['ann']);
      s.clock.advance(DAY);
      const before = await s.seats.getUser(id(s, 'ann'));
      const result = await s.seats.recordActivity(id(s, 'ann'));
      expect(result).toEqual({ recorded: true, reinstated: false, user: { ...before, lastActivityAt: new Date('2026-01-02T08:00:00Z') } });
      await s.seats.recordActivity(id(s, 'ann'), new Date('2026-01-01T12:00:00Z'));
      expect((await s.seats.getUser(id(s, 'ann')))?.lastActivityAt).toEqual(new Date('2026-01-02T08:00:00Z'));
      expect((await s.seats.getUser(id(s, 'ann')))?.updatedAt).toEqual(new Date(START));
      // Not a change of the profile: nothing in the audit trail.
      expect((await s.seats.auditLog({ userId: id(s, 'ann') })).events.map((e) => e.action)).toEqual(['user.created']);
      await expect(s.seats.recordActivity('nobody')).rejects.toBeInstanceOf(UnknownUserError);
      await expect(s.seats.recordActivity(id(s, 'ann'), new Date('nope'))).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('a plan lists active licensed users inactive for the period, by last activity or else creation; never system users, new users or those excluded', async () => {
      const s = await site(10, ['ann', 'bob', 'cid', 'dee', 'eve', 'fay']);
      s.clock.set('2026-03-01T08:00:00Z');
      await s.seats.recordActivity(id(s, 'ann'), new Date('2026-01-10T08:00:00Z'));
      await s.seats.recordActivity(id(s, 'bob'), new Date('2026-02-20T08:00:00Z'));
      await s.seats.blockUser(id(s, 'cid'));
      const late = await s.seats.createUser({ username: 'gus', areaId: 'primary' });
      if (!late.ok) throw new Error('gus');
      s.clock.set('2026-04-15T08:00:00Z');
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, exclude: ['EVE', id(s, 'fay')], maxBlockShare: 1 });
      expect(plan.cutoff).toEqual(new Date('2026-01-15T08:00:00Z'));
      expect(plan.plannedAt).toEqual(new Date('2026-04-15T08:00:00Z'));
      expect(plan.users.map((u) => u.username)).toEqual(['dee', 'ann']);
      expect(plan.users[1]).toEqual({
        userId: id(s, 'ann'),
        username: 'ann',
        areaId: 'primary',
        organizationId: null,
        lastActivityAt: new Date('2026-01-10T08:00:00Z'),
        createdAt: new Date(START),
      });
      expect(plan.areas).toEqual([{ areaId: 'primary', blocking: 2, using: 6 }]);
      expect(plan.refused).toBeNull();
      // A dry run: nothing changed.
      expect((await s.seats.getUser(id(s, 'dee')))?.state).toBe('active');
    });

    it('the period is counted back in UTC, a day being 24 hours: last seen exactly at the cutoff is not dormant, a millisecond earlier is', async () => {
      const s = await site(10, ['ann', 'bob']);
      await s.seats.recordActivity(id(s, 'ann'), new Date('2026-01-05T08:00:00.000Z'));
      await s.seats.recordActivity(id(s, 'bob'), new Date('2026-01-05T07:59:59.999Z'));
      s.clock.set('2026-04-05T08:00:00.000Z');
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, maxBlockShare: 1 });
      expect(plan.cutoff.toISOString()).toBe('2026-01-05T08:00:00.000Z');
      expect(plan.users.map((u) => u.username)).toEqual(['bob']);
      const months = await s.seats.planDormantUsers({ inactiveFor: { months: 3 }, maxBlockShare: 1 });
      expect(months.cutoff.toISOString()).toBe('2026-01-05T08:00:00.000Z');
    });

    it('a plan keeps to the areas asked for, and refuses an unknown area or a malformed period', async () => {
      const s = await site(10, ['ann']);
      await s.seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
      const r = await s.seats.createUser({ username: 'xavier', areaId: 'x' });
      if (!r.ok) throw new Error('xavier');
      s.clock.advance(100 * DAY);
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, areaIds: ['x'], maxBlockShare: 1 });
      expect(plan.users.map((u) => u.username)).toEqual(['xavier']);
      expect(plan.areaIds).toEqual(['x']);
      await expect(s.seats.planDormantUsers({ inactiveFor: { days: 90 }, areaIds: ['nowhere'] })).rejects.toBeInstanceOf(UnknownAreaError);
      await expect(s.seats.planDormantUsers({ inactiveFor: { days: 0 } })).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('applying blocks them as dormant under the lock, records it in the audit trail and sends the responsible person one summary naming nobody', async () => {
      const s = await site(10, ['ann', 'bob', 'cid', 'dee', 'eve', 'fay', 'gil', 'hal', 'ida', 'jon']);
      s.clock.advance(60 * DAY);
      for (const username of ['ann', 'bob', 'cid', 'dee', 'eve', 'fay', 'gil', 'hal']) await s.seats.recordActivity(id(s, username));
      s.clock.advance(40 * DAY);
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 } });
      expect(plan.users.map((u) => u.username).sort()).toEqual(['ida', 'jon']);
      await s.seats.settleNotifications();
      const sentBefore = s.notifier.delivered.length;

      const report = await s.seats.applyDormantUsers(plan);
      expect(report.refused).toBeNull();
      expect(report.skipped).toEqual([]);
      expect(report.areas).toEqual([{ areaId: 'primary', blocked: 2 }]);
      expect(report.blocked.map((u) => [u.username, u.state, u.blockReason, u.blockedBy])).toEqual(
        plan.users.map((u) => [u.username, 'blocked', 'dormant', 'dormant-policy']),
      );
      const ida = await s.seats.getUser(id(s, 'ida'));
      expect(ida).toMatchObject({ state: 'blocked', blockReason: 'dormant', blockedAt: new Date('2026-04-11T08:00:00Z') });
      expect((await s.seats.summary()).areas[0]).toMatchObject({ using: 8, blocked: 2 });
      expect((await s.seats.auditLog({ userId: id(s, 'ida') })).events[0]).toMatchObject({
        action: 'user.blocked',
        actor: { id: 'dormant-policy', name: null },
        before: { state: 'active' },
        after: { state: 'blocked', blockReason: 'dormant', blockedBy: 'dormant-policy' },
      });
      expect((await s.seats.explainUser(id(s, 'ida'))).code).toBe('DORMANT');

      await s.seats.settleNotifications();
      const summaries = s.notifier.delivered.slice(sentBefore).filter((n) => n.type === 'dormant-users-blocked');
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toMatchObject({ to: 'licences@example.com', areaId: 'primary', maxUsers: 10, using: 8 });
      expect(summaries[0]?.subject).toBe('2 dormant users blocked in Primary Area (no activity for 90 days)');
      const told = `${summaries[0]?.subject}\n${summaries[0]?.text}`;
      for (const secret of ['ida', 'jon', id(s, 'ida'), id(s, 'jon')]) expect(told).not.toContain(secret);
    });

    it('an actor given to applyDormantUsers is recorded and kept as blockedBy', async () => {
      const s = await site(10, ['ann', 'bob', 'cid', 'dee', 'eve']);
      for (const username of ['bob', 'cid', 'dee', 'eve']) await s.seats.recordActivity(id(s, username), new Date('2026-03-01T00:00:00Z'));
      s.clock.advance(91 * DAY);
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 } });
      const report = await s.seats.applyDormantUsers(plan, { actor: { id: 'ops-1', name: 'Ops' } });
      expect(report.blocked.map((u) => [u.username, u.blockedBy])).toEqual([['ann', 'ops-1']]);
      expect((await s.seats.auditLog({ userId: id(s, 'ann') })).events[0]?.actor).toEqual({ id: 'ops-1', name: 'Ops' });
    });

    it('each planned user is checked again when applied: active since, blocked, moved or deleted meanwhile are left alone', async () => {
      const s = await site(10, ['ann', 'bob', 'cid', 'dee', 'eve']);
      await s.seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
      s.clock.advance(100 * DAY);
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, force: true });
      expect(plan.users).toHaveLength(5);
      await s.seats.recordActivity(id(s, 'ann'));
      await s.seats.blockUser(id(s, 'bob'));
      await s.seats.deleteUser(id(s, 'cid'));
      await s.seats.syncDirectory([{ externalId: 'dee-x', username: 'dee', areaId: 'x' }], { force: true });
      const report = await s.seats.applyDormantUsers(plan);
      expect(report.blocked.map((u) => u.username)).toEqual(['eve']);
      expect(Object.fromEntries(report.skipped.map((k) => [k.username, k.code]))).toEqual({
        ann: 'ACTIVE_SINCE_PLAN',
        bob: 'NOT_ACTIVE',
        cid: 'DELETED',
        dee: 'MOVED',
      });
      expect((await s.seats.getUser(id(s, 'ann')))?.state).toBe('active');
      expect((await s.seats.getUser(id(s, 'bob')))?.blockReason).toBe('admin');
      expect((await s.seats.getUser(id(s, 'dee')))?.state).toBe('active');
    });

    it('the mass-block guard refuses a plan that blocks more than 20 % of an area unless forced, and a refused plan writes nothing', async () => {
      const s = await site(10, ['ann', 'bob', 'cid', 'dee', 'eve', 'fay', 'gil', 'hal', 'ida', 'jon']);
      for (const username of ['ann', 'bob', 'cid', 'dee', 'eve', 'fay', 'gil']) await s.seats.recordActivity(id(s, username), new Date('2026-03-01T00:00:00Z'));
      s.clock.set('2026-05-01T00:00:00Z');
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 } });
      expect(plan.users).toHaveLength(3);
      expect(plan.refused).toEqual({
        code: 'MASS_BLOCK_REFUSED',
        message: expect.stringContaining('3 of 10 active users in area "primary" (at most 2)'),
        maxBlockShare: 0.2,
        areas: [{ areaId: 'primary', blocking: 3, using: 10, allowed: 2 }],
      });
      const refused = await s.seats.applyDormantUsers(plan);
      expect(refused).toMatchObject({ refused: plan.refused, blocked: [], skipped: [] });
      expect((await s.seats.summary()).areas[0]?.using).toBe(10);

      expect((await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, maxBlockShare: 0.3 })).refused).toBeNull();
      const forced = await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, force: true });
      expect(forced.refused).toBeNull();
      expect((await s.seats.applyDormantUsers(forced)).blocked).toHaveLength(3);
      expect((await s.seats.summary()).areas[0]?.using).toBe(7);
    });

    it('a dormant user who signs in again is reinstated when a seat is free, and told the seat is missing when not', async () => {
      const s = await site(3, ['ann', 'bob', 'cid']);
      s.clock.advance(100 * DAY);
      const plan = await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, exclude: ['bob', 'cid'], force: true });
      await s.seats.applyDormantUsers(plan);
      expect((await s.seats.getUser(id(s, 'ann')))?.blockReason).toBe('dormant');
      // Its seat went to someone else meanwhile.
      const dan = await s.seats.createUser({ username: 'dan', areaId: 'primary' });
      if (!dan.ok) throw new Error('dan');

      s.clock.advance(DAY);
      const refused = await s.seats.recordActivity(id(s, 'ann'));
      expect(refused).toMatchObject({ recorded: true, reinstated: false, user: { state: 'blocked', blockReason: 'dormant' }, refusal: { code: 'LICENSE_LIMIT_REACHED', areaId: 'primary' } });
      expect((await s.seats.getUser(id(s, 'ann')))?.lastActivityAt).toEqual(s.clock());

      await s.seats.deleteUser(dan.user.id);
      s.clock.advance(DAY);
      const back = await s.seats.recordActivity(id(s, 'ann'));
      expect(back).toEqual({ recorded: true, reinstated: true, user: expect.objectContaining({ state: 'active', blockReason: null, blockedAt: null, blockedBy: null, lastActivityAt: s.clock() }) });
      expect(back).not.toHaveProperty('refusal');
      expect((await s.seats.getUser(id(s, 'ann')))?.state).toBe('active');
      expect((await s.seats.auditLog({ userId: id(s, 'ann') })).events[0]).toMatchObject({ action: 'user.activated', actor: { id: 'dormant-policy' }, before: { blockReason: 'dormant' } });
      expect(await s.seats.recordActivity(id(s, 'ann'))).toMatchObject({ reinstated: false, user: { state: 'active' } });
    });

    it('dormant users signing in at once for the last free seat: one gets it, the others are told it is missing', async () => {
      const s = await site(4, ['ann', 'bob', 'cid', 'dee']);
      s.clock.advance(100 * DAY);
      await s.seats.applyDormantUsers(await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, exclude: ['dee'], force: true }));
      const r1 = await s.seats.createUser({ username: 'eli', areaId: 'primary' });
      const r2 = await s.seats.createUser({ username: 'flo', areaId: 'primary' });
      expect([r1.ok, r2.ok]).toEqual([true, true]);
      const results = await Promise.all(['ann', 'bob', 'cid'].map((username) => s.seats.recordActivity(id(s, username))));
      expect(results.filter((r) => r.reinstated)).toHaveLength(1);
      expect(results.filter((r) => r.refusal?.code === 'LICENSE_LIMIT_REACHED')).toHaveLength(2);
      expect((await s.seats.summary()).areas[0]).toMatchObject({ using: 4, maxUsers: 4 });
    });

    it('a sign-in reinstates only dormant users: blocked by an admin stays blocked', async () => {
      const s = await site(3, ['ann']);
      await s.seats.blockUser(id(s, 'ann'));
      expect(await s.seats.recordActivity(id(s, 'ann'))).toMatchObject({ reinstated: false, user: { state: 'blocked', blockReason: 'admin' } });
    });

    it('a directory sync never reactivates a dormant user; disabling it in the directory gives it the directory reason', async () => {
      const s = await site(5, []);
      await s.seats.syncDirectory([
        { externalId: 'd-1', username: 'dana', areaId: 'primary' },
        { externalId: 'd-2', username: 'dora', areaId: 'primary' },
      ]);
      s.clock.advance(100 * DAY);
      await s.seats.applyDormantUsers(await s.seats.planDormantUsers({ inactiveFor: { days: 90 }, force: true }));
      const again = await s.seats.syncDirectory(
        [
          { externalId: 'd-1', username: 'dana', areaId: 'primary', displayName: 'Dana' },
          { externalId: 'd-2', username: 'dora', areaId: 'primary', enabled: false },
        ],
        { force: true },
      );
      expect(again.lines.map((l) => [l.username, l.action, l.user.state, l.user.blockReason])).toEqual([
        ['dana', 'update', 'blocked', 'dormant'],
        ['dora', 'update', 'blocked', 'directory-disabled'],
      ]);
      const dana = await s.seats.findUserByUsername('dana');
      expect(await s.seats.recordActivity(dana?.id as string)).toMatchObject({ reinstated: true, user: { state: 'active', displayName: 'Dana' } });
    });

    it('the People export can show each user\'s last activity', async () => {
      const s = await site(5, ['ann', 'bob']);
      await s.seats.recordActivity(id(s, 'ann'), new Date('2026-02-03T04:05:06.007Z'));
      let csv = '';
      for await (const chunk of exportPeopleCsv(s.seats, { columns: ['username', 'lastActivity'], filter: { kind: 'licensed' } })) csv += chunk;
      expect(Papa.parse<string[]>(csv, { skipEmptyLines: true }).data).toEqual([
        ['Username', 'Last activity'],
        ['ann', '2026-02-03T04:05:06.007Z'],
        ['bob', ''],
      ]);
    });
  });
}
