import { afterEach, describe, expect, it } from 'vitest';
import {
  createSeatkeeper,
  InvalidInputError,
  UnknownAreaError,
  type DirectoryEntryInput,
  type DirectorySyncPlan,
  type Notifier,
  type SeatRepository,
  type SeatTransaction,
  type TransactionScope,
} from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { allUsers, dir, HOUR, instrumented, many, primaryUsage, streamOf, user } from '../support/directory.js';
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

      it('a sync whose users a partner quota or a denied partner keeps out sends nothing; one over the area limit sends one', async () => {
        const notifier = testNotifier();
        const { seats } = await setup(20, notifier);
        await seats.setResponsiblePerson('licences@example.com');
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 1 });
        await seats.defineOrganization({ id: 'zed', areaId: 'primary', name: 'Zed', access: 'denied', maxUsers: null });
        await seats.createUser({ username: 'host', areaId: 'primary' });

        // 19 seats free: the partner users wait for the host's admin (a larger quota, access granted), not for a license.
        const partners = await seats.syncDirectory([dir('a1', { organizationId: 'acme' }), dir('a2', { organizationId: 'acme' }), dir('z1', { organizationId: 'zed' })]);
        expect(partners.lines.map((l) => `${l.username}:${l.action}:${l.refusal?.code ?? ''}`)).toEqual([
          'a1:create:',
          'a2:create-blocked:PARTNER_QUOTA_REACHED',
          'z1:create-blocked:PARTNER_ACCESS_DENIED',
        ]);
        await seats.settleNotifications();
        expect(notifier.delivered).toEqual([]);

        // The area's own limit: that one is a license-limit event.
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 1 });
        await seats.syncDirectory([dir('x1', { areaId: 'x' }), dir('x2', { areaId: 'x' })]);
        await seats.settleNotifications();
        expect(notifier.delivered).toMatchObject([{ type: 'license-limit-exceeded', areaId: 'x', maxUsers: 1, using: 1 }]);
        expect(notifier.delivered[0]?.attempted).toContain('directory sync created 1 user blocked; 1 user waits for a license');
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

    describe('streamed feeds (async iterables)', () => {
      /** What a site's users are: username, state and block reason, sorted. */
      const states = async (seats: Awaited<ReturnType<typeof setup>>['seats']) =>
        (await allUsers(seats)).map((u) => `${u.username}:${u.state}:${u.blockReason ?? ''}`).sort();

      it('a feed of single entries, of pages, or of both syncs like the same feed passed as an array', async () => {
        const feed = [dir('ann'), dir('bob', { enabled: false }), dir('cy'), dir('dee'), dir('eve', { email: 'not-an-email' }), dir('fay')];
        const array = await setup(3);
        await array.seats.createUser({ username: 'manual', areaId: 'primary' });
        const expected = await array.seats.syncDirectory(feed);
        expect(expected.sampled).toBeNull();
        const shape = (report: typeof expected) => ({
          lines: report.lines.map((l) => `${l.index}:${l.username}:${l.action}:${l.reason ?? ''}`),
          invalid: report.invalid.map((i) => i.index),
          totals: report.totals,
          waiting: report.waitingForLicense.map((l) => l.username),
        });

        const mixed = async function* () {
          yield feed[0] as DirectoryEntryInput;
          yield feed.slice(1, 4);
          yield* feed.slice(4);
        };
        for (const stream of [streamOf(feed), streamOf(feed, 2), mixed()]) {
          const site = await setup(3);
          await site.seats.createUser({ username: 'manual', areaId: 'primary' });
          const report = await site.seats.syncDirectory(stream);
          expect(shape(report)).toEqual(shape(expected));
          expect(report.sampled).toEqual({ limit: 1000, entries: 6, omitted: { lines: 0, invalid: 0, waitingForLicense: 0 } });
          expect(await states(site.seats)).toEqual(await states(array.seats));
          // The same feed again changes nothing.
          const again = await site.seats.syncDirectory(streamOf(feed, 4));
          expect(again.totals).toMatchObject({ create: 0, createBlocked: 0, activate: 0, block: 0, update: 0, invalid: 1 });
        }
      });

      it('a repeat in a later batch is invalid and the occurrence already synced stays; repeats within a batch are all invalid', async () => {
        const { seats } = await setup(10_000);
        const feed: DirectoryEntryInput[] = many(5_100, 'u');
        feed[5_050] = dir('u10-again', { externalId: 'ad-u10' });
        feed[5_060] = dir('U20', { externalId: 'ad-someone-else' });
        feed[5_070] = dir('twin-a', { externalId: 'ad-twin' });
        feed[5_080] = dir('twin-b', { externalId: 'ad-twin' });

        const report = await seats.syncDirectory(streamOf(feed, 1_000));
        expect(report.invalid.map((i) => [i.index, i.issues.map((x) => x.code).join()])).toEqual([
          [5_050, 'duplicate_external_id'],
          [5_060, 'duplicate_username'],
          [5_070, 'duplicate_external_id'],
          [5_080, 'duplicate_external_id'],
        ]);
        expect(report.invalid[0]?.issues[0]?.message).toContain('appeared earlier in the feed');
        expect(report.totals).toMatchObject({ create: 5_096, invalid: 4 });
        expect(await user(seats, 'u10')).toMatchObject({ externalId: 'ad-u10', state: 'active' });
        expect(await user(seats, 'u20')).toMatchObject({ externalId: 'ad-u20' });
        expect(await seats.findUserByUsername('twin-a')).toBeNull();

        // Synced again with a repeat two batches later: u20's profile already holds its name, so the repeat finds it
        // taken (the sync need not remember names their own profiles hold); nothing else changes.
        const again = await seats.syncDirectory(streamOf([...feed.slice(0, 5_050), ...many(4_950, 'v'), dir('u20', { externalId: 'ad-someone-else' })], 1_000));
        expect(again.invalid.map((i) => [i.index, i.issues.map((x) => x.code).join()])).toEqual([[10_000, 'username_taken']]);
        expect(again.totals).toMatchObject({ unchanged: 5_050, invalid: 1 });
        expect(again.totals.create + again.totals.createBlocked).toBe(4_950);
        expect(await user(seats, 'u20')).toMatchObject({ externalId: 'ad-u20' });
      });

      it('onMissing block: the guard weighs the blocks of every batch and the missing users before anyone is blocked', async () => {
        const { seats } = await setup(6_000);
        await seats.syncDirectory(many(5_200, 'u'));
        // Batch 1: u0..u4699 (the first 600 disabled) and 300 newcomers; batch 2: u5000..u5199, all disabled.
        // u4700..u4999 are missing. 600 + 200 + 300 = 1,100 blocks of 5,200 active users: over 20 % (1,040).
        const feed = [
          ...many(4_700, 'u').map((entry, i) => (i < 600 ? { ...entry, enabled: false } : entry)),
          ...many(300, 'n'),
          ...many(5_200, 'u', { enabled: false }).slice(5_000),
        ];

        const refused = await seats.syncDirectory(streamOf(feed, 500), { onMissing: 'block' });
        expect(refused.refused).toMatchObject({ code: 'MASS_BLOCK_REFUSED', areas: [{ areaId: 'primary', blocking: 1_100, using: 5_200, allowed: 1_040 }] });
        expect(refused.refused?.message).toContain('Nobody was blocked');
        // What blocks nobody was applied: the newcomers have their seats.
        expect(refused.totals).toMatchObject({ create: 300, block: 0 });
        expect(await primaryUsage(seats)).toMatchObject({ using: 5_500 });
        expect(await user(seats, 'u0')).toMatchObject({ state: 'active' });

        const applied = await seats.syncDirectory(streamOf(feed, 500), { onMissing: 'block', maxBlockShare: 0.25 });
        expect(applied.refused).toBeNull();
        expect(applied.totals).toMatchObject({ block: 1_100, unchanged: 300 + 4_100 });
        expect(await user(seats, 'u0')).toMatchObject({ state: 'blocked', blockReason: 'directory-disabled' });
        expect(await user(seats, 'u4700')).toMatchObject({ state: 'blocked', blockReason: 'directory-removed' });
        expect(await user(seats, 'u5199')).toMatchObject({ state: 'blocked', blockReason: 'directory-disabled' });
        expect(await primaryUsage(seats)).toMatchObject({ using: 4_400 });

        // An empty feed would block everyone: refused.
        expect((await seats.syncDirectory(streamOf([]), { onMissing: 'block' })).refused?.code).toBe('MASS_BLOCK_REFUSED');
        expect(await primaryUsage(seats)).toMatchObject({ using: 4_400 });
      });

      it('the seats freed by the blocks at the end go to the users the sync left waiting; only a real shortage notifies, once', async () => {
        const notifier = testNotifier();
        const { seats } = await setup(5, notifier);
        await seats.setResponsiblePerson('licences@example.com');
        await seats.syncDirectory(['a', 'b', 'c', 'd', 'e'].map((n) => dir(n)));

        // a leaves (disabled), f joins: at the limit, f waits until a's seat is free, at the end of the same sync.
        const report = await seats.syncDirectory(streamOf([dir('a', { enabled: false }), dir('b'), dir('c'), dir('d'), dir('e'), dir('f')]), { force: true });
        expect(report.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['a:block', 'b:unchanged', 'c:unchanged', 'd:unchanged', 'e:unchanged', 'f:create']);
        const held = await seats.syncDirectory(streamOf([dir('b', { enabled: false }), dir('c'), dir('d'), dir('e'), dir('f'), dir('g')]), { maxBlockShare: 0.2 });
        // Not forced, b's block waits for the guard: g is created blocked first, then gets b's seat.
        expect(held.lines.map((l) => `${l.username}:${l.action}`)).toEqual(['c:unchanged', 'd:unchanged', 'e:unchanged', 'f:unchanged', 'g:create-blocked', 'b:block', 'g:activate']);
        expect(held.totals).toMatchObject({ block: 1, createBlocked: 1, activate: 1, waitingForLicense: 0 });
        expect(held.waitingForLicense).toEqual([]);
        expect(await user(seats, 'g')).toMatchObject({ state: 'active' });
        await seats.settleNotifications();
        expect(notifier.delivered).toEqual([]);

        // A real shortage: told once, when the whole feed is synced, with the final figure.
        await seats.syncDirectory(streamOf([...['c', 'd', 'e', 'f', 'g'].map((n) => dir(n)), dir('h'), dir('i')]));
        await seats.settleNotifications();
        expect(notifier.delivered).toMatchObject([{ type: 'license-limit-exceeded', areaId: 'primary', maxUsers: 5, using: 5 }]);
        expect(notifier.delivered[0]?.attempted).toContain('directory sync created 2 users blocked; 2 users wait for a license');
      });

      it('when the seats freed at the end are fewer than the users waiting, the one notification counts who still waits', async () => {
        const notifier = testNotifier();
        const { seats } = await setup(5, notifier);
        await seats.setResponsiblePerson('licences@example.com');
        await seats.syncDirectory(['a', 'b', 'c', 'd', 'e'].map((n) => dir(n)));

        const report = await seats.syncDirectory(streamOf([dir('a', { enabled: false }), ...['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => dir(n))], 3));
        expect(report.totals).toMatchObject({ block: 1, createBlocked: 3, activate: 1, waitingForLicense: 2 });
        expect(report.waitingForLicense.map((l) => l.username)).toEqual(['g', 'h']);
        await seats.settleNotifications();
        expect(notifier.delivered).toHaveLength(1);
        expect(notifier.delivered[0]).toMatchObject({ type: 'license-limit-exceeded', maxUsers: 5, using: 5 });
        expect(notifier.delivered[0]?.attempted).toContain('directory sync created 3 users blocked; 2 users wait for a license');
      });

      it('a dry run counts every user, lists the first 1,000 lines, hands out seats batch after batch, and cannot be applied', async () => {
        const { seats } = await setup(5_100);
        const feed = many(6_000, 'n');
        const plan = await seats.planDirectorySync(streamOf(feed, 1_000));
        expect(plan.totals).toMatchObject({ create: 5_100, createBlocked: 900, waitingForLicense: 900 });
        expect(plan.lines).toHaveLength(1_000);
        expect(plan.waitingForLicense).toHaveLength(900);
        expect(plan.waitingForLicense[0]).toMatchObject({ index: 5_100, username: 'n5100', action: 'create-blocked' });
        expect(plan.sampled).toEqual({ limit: 1_000, entries: 6_000, omitted: { lines: 5_000, invalid: 0, waitingForLicense: 0 } });
        await expect(seats.applyDirectorySync(plan)).rejects.toThrow(/dry run of a streamed feed/);
        await expect(seats.applyDirectorySync(structuredClone(plan))).rejects.toBeInstanceOf(InvalidInputError);
        expect((await seats.summary()).totals.users).toBe(0);

        const report = await seats.syncDirectory(streamOf(feed, 1_000));
        expect(report.totals).toEqual(plan.totals);
        expect(report.lines.map((l) => l.username)).toEqual(plan.lines.map((l) => l.username));
        expect(report.sampled).toEqual(plan.sampled);
      });

      it('a feed that fails part way: the batches read stay synced, nobody is blocked as missing, the error is thrown and the feed closed', async () => {
        const { seats } = await setup(10_000);
        await seats.syncDirectory(many(10, 'x'));
        let closed = false;
        const failing = async function* () {
          try {
            yield* streamOf(many(5_500, 'n'), 500);
            throw new Error('LDAP server went away');
          } finally {
            closed = true;
          }
        };
        await expect(seats.syncDirectory(failing(), { onMissing: 'block', force: true })).rejects.toThrow('LDAP server went away');
        expect(closed).toBe(true);
        // The first batch (5,000 entries) was synced; the 500 after it were not.
        expect(await primaryUsage(seats)).toMatchObject({ using: 5_010 });
        expect(await user(seats, 'x0')).toMatchObject({ state: 'active' });
      });

      it('a batch that moves profiles out of an area it did not lock runs again with that area locked', async () => {
        const { seats, repository: inner } = await setup(10);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 10 });
        await seats.syncDirectory([dir('a', { areaId: 'x' }), dir('b', { areaId: 'x' })]);
        const scopes: string[][] = [];
        const watched = new Proxy(inner, {
          get(target, property) {
            const value = Reflect.get(target, property) as unknown;
            if (typeof value !== 'function') return value;
            if (property !== 'transaction') return (value as (...args: unknown[]) => unknown).bind(target);
            return (scope: TransactionScope, work: (tx: SeatTransaction) => Promise<unknown>) => {
              scopes.push([...scope.areaIds]);
              return target.transaction(scope, work);
            };
          },
        });
        const report = await createSeatkeeper({ repository: watched }).syncDirectory(streamOf([dir('a'), dir('b')]));
        expect(report.lines.map((l) => `${l.username}:${l.action}:${l.changes.join()}`)).toEqual(['a:update:areaId', 'b:update:areaId']);
        expect(scopes.slice(0, 2)).toEqual([['primary'], ['primary', 'x']]);
        expect((await seats.summary()).areas.map((a) => [a.areaId, a.using])).toEqual([
          ['primary', 2],
          ['x', 0],
        ]);
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
