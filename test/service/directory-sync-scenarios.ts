import { afterEach, describe, expect, it } from 'vitest';
import { createSeatkeeper, InvalidInputError, UnknownAreaError, type DirectoryEntryInput, type DirectorySyncPlan, type Notifier, type SeatRepository } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { allUsers, dir, HOUR, instrumented, primaryUsage, user } from '../support/directory.js';
import { testNotifier } from '../support/notifier.js';

/** A fresh, empty repository and how to dispose of it. */
export interface RepositoryFixture {
  readonly repository: SeatRepository;
  readonly dispose: () => Promise<void>;
}

/**
 * The directory sync rules through the public API, on any repository: the
 * in-memory one in directory-sync.test.ts, PostgreSQL in directory-sync-postgres.test.ts.
 */
export function describeDirectorySyncScenarios(name: string, makeRepository: () => Promise<RepositoryFixture>): void {
  describe(`directory sync on ${name}`, () => {
    const fixtures: RepositoryFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    async function setup(maxUsers = 10, notifier?: Notifier) {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock = fixedClock('2026-01-01T09:00:00Z');
      const seats = createSeatkeeper({ repository: fixture.repository, clock, ...(notifier === undefined ? {} : { notifier }) });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
      return { seats, clock, repository: fixture.repository };
    }

    describe('the seed story', () => {
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
        await seats.setAreaLicenses('primary', 5, { reason: 'two licenses bought' });
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

    describe('license purchases', () => {
      it('an approved purchase request applied with applyLicenseChange lets the next sync activate the pending users', async () => {
        const { seats } = await setup(1);
        await seats.syncDirectory([dir('ann'), dir('ben'), dir('cat')]);
        expect(await primaryUsage(seats)).toMatchObject({ using: 1, blocked: 2 });
        const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 });
        await seats.applyLicenseChange(request);
        // Buying licenses activates nobody by itself: the directory decides who is still wanted.
        expect(await primaryUsage(seats)).toMatchObject({ using: 1, maxUsers: 6 });
        const next = await seats.syncDirectory([dir('ann'), dir('ben'), dir('cat')]);
        expect(next.lines.map((l) => l.action)).toEqual(['unchanged', 'activate', 'activate']);
        expect(await primaryUsage(seats)).toMatchObject({ using: 3, blocked: 0 });
      });
    });

    describe('notifications', () => {
      it('the responsible person is told once when directory users are created blocked, not again while they wait', async () => {
        const notifier = testNotifier();
        const { seats, clock } = await setup(2, notifier);
        await seats.setResponsiblePerson('licences@example.com');
        for (const name of ['ann', 'ben']) await seats.createUser({ username: name, areaId: 'primary' });

        await seats.syncDirectory([dir('dan'), dir('eve')]);
        await seats.settleNotifications(); // delivery runs in the background
        expect(notifier.delivered).toHaveLength(1);
        expect(notifier.delivered[0]).toMatchObject({ type: 'license-limit-exceeded', to: 'licences@example.com', areaId: 'primary', maxUsers: 2, using: 2 });
        expect(notifier.delivered[0]?.attempted).toContain('directory sync created 2 users blocked');

        clock.advance(HOUR);
        await seats.syncDirectory([dir('dan'), dir('eve')]);
        await seats.settleNotifications();
        expect(notifier.delivered).toHaveLength(1);
      });
    });

    describe('stale plans', () => {
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
        await seats.setAreaLicenses('primary', 1, { reason: 'a license bought' });
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

      it('a copy of a plan (kept for an approval step) is validated and applies; a tampered one is refused', async () => {
        const { seats } = await setup(5);
        const plan = await seats.planDirectorySync([dir('a'), dir('b')]);
        const tampered = structuredClone(plan);
        (tampered.lines[0] as { entry: { email: string } }).entry.email = 'not-an-email';
        await expect(seats.applyDirectorySync(tampered)).rejects.toBeInstanceOf(InvalidInputError);
        expect((await seats.applyDirectorySync(structuredClone(plan))).totals).toMatchObject({ create: 2 });
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
        let raced = false;
        const { seats, repository: inner } = await setup(5);
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

    describe('blocked users', () => {
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

    describe('adopting profiles made before the directory', () => {
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

    describe('the mass-block guard', () => {
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

    describe('invalid entries', () => {
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

    describe('storage access', () => {
      it('plans and applies with batched look-ups (5,000 keys a call) and writes (1,000 users a call), however long the feed', async () => {
        const { seats, repository: inner } = await setup(10_000);
        await seats.syncDirectory(Array.from({ length: 100 }, (_, i) => dir(`old${i}`)));
        // A profile the feed does not name, so the counts cannot rule out missing users: the scan runs.
        await seats.createUser({ username: 'hand', areaId: 'primary' });
        const probe = instrumented(inner);
        const counted = createSeatkeeper({ repository: probe.repository });
        const feed = Array.from({ length: 5_100 }, (_, i) => dir(i < 100 ? `old${i}` : `new${i}`, i < 100 ? { displayName: 'renamed' } : {}));

        const plan = await counted.planDirectorySync(feed, { onMissing: 'block' });
        expect(plan.totals).toMatchObject({ create: 5_000, update: 100 });
        // 5,100 external ids; the 5,000 new usernames (the profiles found keep theirs).
        expect([probe.get('findUsersByExternalIds'), probe.get('findUsersByUsernames'), probe.get('countUsers')]).toEqual([2, 1, 1]);
        expect(probe.get('getUser') + probe.get('findUserByUsername')).toBe(0);
        expect(probe.get('listUsers')).toBe(1); // the missing-users scan reads 10,000 directory users a page

        probe.reset();
        await counted.applyDirectorySync(plan);
        expect(probe.get('transaction')).toBe(1);
        expect([probe.get('tx.findUsersByExternalIds'), probe.get('tx.findUsersByUsernames')]).toEqual([2, 1]);
        expect([probe.get('tx.insertUsers'), probe.get('tx.updateUsers')]).toEqual([5, 1]);
        expect(probe.get('tx.getUser') + probe.get('tx.findUserByUsername')).toBe(0);
      });

      it('skips the scan for missing users when the counts show the feed names every profile of the covered areas', async () => {
        const { seats, repository: inner } = await setup(10);
        await seats.ensureSystemUsers();
        await seats.syncDirectory([dir('a'), dir('b'), dir('c'), dir('d'), dir('e')]);
        const probe = instrumented(inner);
        const counted = createSeatkeeper({ repository: probe.repository });

        expect((await counted.planDirectorySync([dir('a'), dir('b'), dir('c'), dir('d'), dir('e')], { onMissing: 'block' })).totals.unchanged).toBe(5);
        expect(probe.get('listUsers')).toBe(0);
        expect(probe.get('countUsers')).toBe(1);

        // One directory profile left out of the feed: the counts no longer add up, the scan finds it.
        probe.reset();
        const plan = await counted.planDirectorySync([dir('a'), dir('b'), dir('c'), dir('d')], { onMissing: 'block', maxBlockShare: 0.5 });
        expect(probe.get('listUsers')).toBe(1);
        expect(plan.lines.filter((l) => l.action === 'block').map((l) => l.username)).toEqual(['e']);

        // A profile made by hand in a covered area is not named by the feed either: the scan runs, and blocks nobody.
        await seats.createUser({ username: 'hand', areaId: 'primary' });
        probe.reset();
        expect((await counted.planDirectorySync([dir('a'), dir('b'), dir('c'), dir('d'), dir('e')], { onMissing: 'block' })).totals.block).toBe(0);
        expect(probe.get('listUsers')).toBe(1);

        // Only the covered areas count: a profile of another area does not stop the shortcut.
        probe.reset();
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
        await seats.syncDirectory([dir('x1', { areaId: 'x' })]);
        probe.reset();
        expect((await counted.planDirectorySync([dir('x1', { areaId: 'x' })], { onMissing: 'block', areaIds: ['x'] })).totals.unchanged).toBe(1);
        expect(probe.get('listUsers')).toBe(0);
      });

      it('a plan with nothing to write and nobody waiting applies without a transaction', async () => {
        const { seats, repository: inner } = await setup(5);
        await seats.syncDirectory([dir('a')]);
        const probe = instrumented(inner);
        const report = await createSeatkeeper({ repository: probe.repository }).syncDirectory([dir('a')]);
        expect(report.lines.map((l) => [l.action, l.user.username])).toEqual([['unchanged', 'a']]);
        expect(probe.get('transaction')).toBe(0);
      });
    });
  });
}
