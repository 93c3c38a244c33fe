import { afterEach, describe, expect, it } from 'vitest';
import { createSeatkeeper, InvalidInputError, UnknownAreaError, type Notifier, type Seatkeeper } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { dir, HOUR, primaryUsage, user } from '../support/directory.js';
import { testNotifier } from '../support/notifier.js';
import type { RepositoryFixture } from './directory-sync-scenarios.js';

/**
 * `activatePendingDirectoryUsers` through the public API, on any repository:
 * the in-memory one in pending-activation.test.ts, PostgreSQL in pending-activation-postgres.test.ts.
 */
export function describePendingActivationScenarios(name: string, makeRepository: () => Promise<RepositoryFixture>): void {
  describe(`activating pending directory users on ${name}`, () => {
    const fixtures: RepositoryFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    async function setup(maxUsers: number, notifier?: Notifier) {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock = fixedClock('2026-01-01T09:00:00Z');
      const seats = createSeatkeeper({ repository: fixture.repository, clock, ...(notifier === undefined ? {} : { notifier }) });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
      return { seats, clock };
    }

    /** Syncs each name on its own, an hour apart, so each waits from its own time. */
    async function pendingOneByOne(seats: Seatkeeper, clock: ReturnType<typeof fixedClock>, names: readonly string[], area = 'primary') {
      for (const name of names) {
        const report = await seats.syncDirectory([dir(name, { areaId: area })]);
        expect(report.waitingForLicense.map((l) => l.username)).toEqual([name]);
        clock.advance(HOUR);
      }
    }

    const buy = async (seats: Seatkeeper, quantity: number) => seats.applyLicenseChange(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity }));

    it('activates pending users oldest blockedAt first while seats are free, and reports who still waits', async () => {
      const { seats, clock } = await setup(0);
      await pendingOneByOne(seats, clock, ['cat', 'ann', 'bob']);
      await seats.setAreaLicenses('primary', 2, { reason: 'two licenses bought' });

      const report = await seats.activatePendingDirectoryUsers();
      expect(report.activated.map((u) => u.username)).toEqual(['cat', 'ann']);
      expect(report.activated[0]).toMatchObject({ state: 'active', blockReason: null, blockedAt: null, blockedBy: null, source: 'directory' });
      expect(report.waiting.map((u) => u.username)).toEqual(['bob']);
      expect(report.waiting[0]).toMatchObject({ state: 'blocked', blockReason: 'license-limit' });
      expect(report.areas).toEqual([{ areaId: 'primary', activated: 2, waiting: 1, moreWaiting: false }]);
      expect(report.activatedAt).toEqual(clock());
      expect(await user(seats, 'ann')).toMatchObject({ state: 'active' });
      expect(await primaryUsage(seats)).toMatchObject({ using: 2, blocked: 1, status: 'exhausted' });

      // Nothing changed: a second call activates nobody and writes nothing.
      const before = await user(seats, 'bob');
      const again = await seats.activatePendingDirectoryUsers();
      expect(again.activated).toEqual([]);
      expect(again.waiting.map((u) => u.username)).toEqual(['bob']);
      expect(await user(seats, 'bob')).toEqual(before);
    });

    it('a seat freed by a block goes to the user who waited longest', async () => {
      const { seats, clock } = await setup(1);
      const manual = await seats.createUser({ username: 'm', areaId: 'primary' });
      await pendingOneByOne(seats, clock, ['old', 'young']);
      if (manual.ok) await seats.blockUser(manual.user.id);

      const report = await seats.activatePendingDirectoryUsers();
      expect(report.activated.map((u) => u.username)).toEqual(['old']);
      expect(report.waiting.map((u) => u.username)).toEqual(['young']);
    });

    it('never activates users blocked by an admin or disabled in the directory', async () => {
      const { seats, clock } = await setup(0);
      await pendingOneByOne(seats, clock, ['p']);
      await seats.syncDirectory([dir('p'), dir('off', { enabled: false })]);
      await seats.syncDirectory([dir('adm')]);
      await seats.blockUser((await user(seats, 'adm')).id, { blockedBy: 'admin-1' });
      await seats.setAreaLicenses('primary', 10, { reason: 'licenses bought' });

      const report = await seats.activatePendingDirectoryUsers();
      expect(report.activated.map((u) => u.username)).toEqual(['p']);
      expect(await user(seats, 'adm')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-1' });
      expect(await user(seats, 'off')).toMatchObject({ state: 'blocked', blockReason: 'directory-disabled' });
    });

    it('follows the seat rule of a sync: a partner at its quota waits while a host user behind it gets a seat', async () => {
      const { seats, clock } = await setup(0);
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 0, allowOverLimit: true });
      await seats.syncDirectory([dir('partner', { organizationId: 'acme' })]);
      clock.advance(HOUR);
      await pendingOneByOne(seats, clock, ['host']);
      await seats.setAreaLicenses('primary', 3, { reason: 'licenses bought' });

      const report = await seats.activatePendingDirectoryUsers();
      expect(report.activated.map((u) => u.username)).toEqual(['host']);
      expect(report.waiting.map((u) => `${u.username}:${u.organizationId}`)).toEqual(['partner:acme']);
    });

    it('works area by area: areaIds limits it, an unknown area or malformed options are refused before anything is written', async () => {
      const { seats, clock } = await setup(0);
      await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 0 });
      await pendingOneByOne(seats, clock, ['p1']);
      await pendingOneByOne(seats, clock, ['x1'], 'x');
      await seats.setAreaLicenses('primary', 5, { reason: 'licenses bought' });
      await seats.setAreaLicenses('x', 5, { reason: 'licenses bought' });

      await expect(seats.activatePendingDirectoryUsers({ areaIds: ['nope'] })).rejects.toBeInstanceOf(UnknownAreaError);
      await expect(seats.activatePendingDirectoryUsers({ areaIds: [] })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(seats.activatePendingDirectoryUsers({ area: 'x' } as never)).rejects.toBeInstanceOf(InvalidInputError);
      expect(await user(seats, 'x1')).toMatchObject({ state: 'blocked' });

      const onlyX = await seats.activatePendingDirectoryUsers({ areaIds: ['x'] });
      expect(onlyX.activated.map((u) => u.username)).toEqual(['x1']);
      expect(onlyX.areas.map((a) => a.areaId)).toEqual(['x']);
      expect(await user(seats, 'p1')).toMatchObject({ state: 'blocked', blockReason: 'license-limit' });

      const all = await seats.activatePendingDirectoryUsers();
      expect(all.activated.map((u) => u.username)).toEqual(['p1']);
      expect(all.areas).toEqual([
        { areaId: 'primary', activated: 1, waiting: 0, moreWaiting: false },
        { areaId: 'x', activated: 0, waiting: 0, moreWaiting: false },
      ]);
    });

    it('after a license purchase the pending users get the new seats; the sync that follows finds nothing to do', async () => {
      const { seats, clock } = await setup(1);
      await seats.syncDirectory([dir('a')]);
      clock.advance(HOUR);
      await seats.syncDirectory([dir('a'), dir('b'), dir('c')]);
      await buy(seats, 5);
      const report = await seats.activatePendingDirectoryUsers();
      expect(report.activated.map((u) => u.username).sort()).toEqual(['b', 'c']);
      const sync = await seats.syncDirectory([dir('a'), dir('b'), dir('c')]);
      expect(sync.lines.map((l) => l.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    });

    it('tells the seat watch: users still waiting keep the responsible person informed once per episode', async () => {
      const notifier = testNotifier();
      const { seats, clock } = await setup(1, notifier);
      await seats.setResponsiblePerson('licences@example.com');
      await seats.syncDirectory([dir('a')]);
      clock.advance(HOUR);
      await seats.syncDirectory([dir('b')]);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);

      await seats.activatePendingDirectoryUsers();
      await seats.settleNotifications();
      // Still the same episode: nobody is told again.
      expect(notifier.delivered).toHaveLength(1);
    });

    it('findUserByExternalId finds the profile linked to a directory id, exactly', async () => {
      const { seats } = await setup(5);
      await seats.syncDirectory([dir('ann')]);
      expect(await seats.findUserByExternalId('ad-ann')).toMatchObject({ username: 'ann', externalId: 'ad-ann' });
      expect(await seats.findUserByExternalId('AD-ANN')).toBeNull();
      expect(await seats.findUserByExternalId('nobody')).toBeNull();
      await expect(seats.findUserByExternalId('')).rejects.toBeInstanceOf(InvalidInputError);
    });
  });
}
