import { afterEach, describe, expect, it } from 'vitest';
import { importPeopleCsv } from '../../src/csv/index.js';
import {
  ConfigurationRefusedError,
  createSeatkeeper,
  UnknownOrganizationError,
  type Seatkeeper,
  type SeatRepository,
  type User,
} from '../../src/index.js';
import { fixedClock, type FakeClock } from '../support/clock.js';
import { dir, HOUR, user } from '../support/directory.js';
import { testNotifier, type TestNotifier } from '../support/notifier.js';

/** A fresh, empty repository and how to dispose of it. */
export interface FiguresFixture {
  readonly repository: SeatRepository;
  readonly dispose: () => Promise<void>;
}

/**
 * The figures an admin decides purchases from mean exactly what can still be
 * granted, on any repository: in memory (figures.test.ts) and on PostgreSQL
 * (figures-postgres.test.ts).
 */
export function describeFigureScenarios(name: string, makeRepository: () => Promise<FiguresFixture>): void {
  describe(`truthful figures on ${name}`, () => {
    const fixtures: FiguresFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    async function site(maxUsers: number): Promise<Seatkeeper> {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const seats = createSeatkeeper({ repository: fixture.repository, clock: fixedClock('2026-03-01T09:00:00Z') });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
      return seats;
    }

    async function fill(seats: Seatkeeper, prefix: string, count: number, organizationId: string | null = null, areaId = 'primary') {
      for (let i = 0; i < count; i++) {
        const r = await seats.createUser({ username: `${prefix}${i}`, areaId, organizationId });
        if (!r.ok) throw new Error(`${prefix}${i}: ${r.reason.code}`);
      }
    }

    const acmeAdmin = { role: 'partner-admin', organizationId: 'acme' } as const;

    it("a partner's Remaining is what it can really get: its quota capped by the seats left in the area", async () => {
      const seats = await site(10);
      await fill(seats, 'host', 8);
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 5 });
      expect(await seats.licenseView(acmeAdmin, 'partner-user-admin-list')).toMatchObject({ remaining: 2, maxUsers: 5, status: 'ok' });

      await fill(seats, 'acme', 2, 'acme');
      expect(await seats.licenseView(acmeAdmin, 'partner-user-admin-list')).toMatchObject({ using: 2, remaining: 0, status: 'exhausted' });
      const third = await seats.createUser({ username: 'acme-third', areaId: 'primary', organizationId: 'acme' });
      expect(third).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
    });

    it("a partner's status warns on what it can really get, measured against its quota", async () => {
      const seats = await site(100);
      await fill(seats, 'host', 95);
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 100 });
      // Its quota leaves 100, the area 5: 5 of 100 is not below 5 %.
      expect(await seats.licenseView(acmeAdmin, 'partner-user-admin-list')).toMatchObject({ remaining: 5, status: 'ok' });
      await fill(seats, 'acme', 1, 'acme');
      expect(await seats.licenseView(acmeAdmin, 'partner-user-admin-list')).toMatchObject({ remaining: 4, status: 'warning' });
    });

    it('a denied partner sees Remaining 0 and the stop status', async () => {
      const seats = await site(20);
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'denied', maxUsers: 5 });
      expect(await seats.licenseView(acmeAdmin, 'partner-user-admin-list')).toMatchObject({ remaining: 0, status: 'exhausted' });
    });

    it("the host sees its own Remaining and stop status when only seats set aside by quotas are left", async () => {
      const seats = await site(20);
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 9 });
      await fill(seats, 'host', 11);
      const view = await seats.licenseView({ role: 'host-admin' }, 'user-admin-list');
      if (view.role !== 'host-admin') throw new Error('host view expected');
      expect(view.areas[0]).toMatchObject({ remaining: 9, status: 'ok', unallocatedRemaining: 0, hostStatus: 'exhausted' });
      expect(await seats.createUser({ username: 'one-more', areaId: 'primary' })).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
    });

    it('site totals keep the intranet and the extranets apart', async () => {
      const seats = await site(3);
      await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 3 });
      await fill(seats, 'host', 3);
      const { totals } = await seats.summary();
      expect(totals.intranet).toEqual({ areas: 1, maxUsers: 3, using: 3, remaining: 0, overBy: 0 });
      expect(totals.extranet).toEqual({ areas: 1, maxUsers: 3, using: 0, remaining: 3, overBy: 0 });
      expect(totals).not.toHaveProperty('remaining');
    });

    it("a refusal for a partner's user carries only what that partner's view shows", async () => {
      const seats = await site(4);
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: null });
      await fill(seats, 'host', 3);
      await fill(seats, 'acme', 1, 'acme');
      const refused = await seats.createUser({ username: 'acme-more', areaId: 'primary', organizationId: 'acme' });
      if (refused.ok) throw new Error('refusal expected');
      const view = await seats.licenseView(acmeAdmin, 'partner-user-admin-list');
      expect(view).toMatchObject({ using: 1, remaining: null, maxUsers: null });
      expect(refused.reason).toEqual({ code: 'LICENSE_LIMIT_REACHED', areaId: 'primary', organizationId: 'acme', using: 1, message: refused.reason.message });
      expect(refused.reason.message).not.toContain('4');
    });
  });

  describe(`configuration a restart cannot undo, on ${name}`, () => {
    const fixtures: FiguresFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    interface Site {
      readonly seats: Seatkeeper;
      readonly repository: SeatRepository;
      readonly clock: FakeClock;
      readonly notifier: TestNotifier;
    }

    /** A site with a primary area of `maxUsers`, a notifier and a responsible person. */
    async function site(maxUsers: number): Promise<Site> {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock = fixedClock('2026-03-01T09:00:00Z');
      const notifier = testNotifier();
      const seats = createSeatkeeper({ repository: fixture.repository, clock, notifier });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
      await seats.setResponsiblePerson('licences@example.com');
      return { seats, repository: fixture.repository, clock, notifier };
    }

    async function fill(seats: Seatkeeper, prefix: string, count: number, organizationId: string | null = null, areaId = 'primary'): Promise<User[]> {
      const users: User[] = [];
      for (let i = 0; i < count; i++) {
        const r = await seats.createUser({ username: `${prefix}${i}`, areaId, organizationId });
        if (!r.ok) throw new Error(`${prefix}${i}: ${r.reason.code}`);
        users.push(r.user);
      }
      return users;
    }

    const refusedBy = (rule: string) => expect.objectContaining({ code: 'CONFIGURATION_REFUSED', rule });
    const areaOf = async (seats: Seatkeeper, areaId: string) => (await seats.summary()).areas.find((a) => a.areaId === areaId);

    describe('licenses change only through license changes', () => {
      it('start-up code that defines its areas never undoes a purchase', async () => {
        const { seats } = await site(5);
        await seats.applyLicenseChange(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 }));
        // The next start runs the same definition: the purchase stays, and nothing is recorded.
        const again = await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 5 });
        expect(again.maxUsers).toBe(10);
        expect(await areaOf(seats, 'primary')).toMatchObject({ maxUsers: 10 });
        expect((await seats.licenseHistory('primary')).map((c) => `${c.type} ${c.maxUsersBefore} -> ${c.maxUsersAfter}`)).toEqual(['add 5 -> 10']);
        // Its name and grace seats are the definition's to change.
        expect(await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Intranet', maxUsers: 5, graceSeats: 1 })).toMatchObject({ name: 'Intranet', maxUsers: 10, graceSeats: 1 });
        expect(await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Intranet', maxUsers: 99 })).toMatchObject({ maxUsers: 10, graceSeats: 1 });
      });

      it('setAreaLicenses is an explicit override, kept in the history with its reason; lowering below use needs allowBelowUse', async () => {
        const { seats, notifier } = await site(10);
        await fill(seats, 'host', 4);
        await expect(seats.setAreaLicenses('primary', 3, { reason: 'contract shrank' })).rejects.toEqual(refusedBy('LICENSES_BELOW_USE'));
        expect(await areaOf(seats, 'primary')).toMatchObject({ maxUsers: 10, using: 4 });
        await expect(seats.setAreaLicenses('primary', 3, { reason: '  ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        await expect(seats.setAreaLicenses('nowhere', 3, { reason: 'typo' })).rejects.toMatchObject({ code: 'UNKNOWN_AREA' });

        const lowered = await seats.setAreaLicenses('primary', 3, { reason: 'contract 2026-114 shrank', allowBelowUse: true });
        expect(lowered).toMatchObject({ applied: true, areas: [{ id: 'primary', maxUsers: 3 }] });
        // Nobody loses a seat: the area is over its limit, and the responsible person is told.
        expect(await areaOf(seats, 'primary')).toMatchObject({ maxUsers: 3, using: 4, overBy: 1, status: 'exceeded' });
        await seats.settleNotifications();
        expect(notifier.delivered.map((n) => [n.using, n.maxUsers])).toEqual([[4, 3]]);
        expect(await seats.licenseHistory('primary')).toEqual([
          expect.objectContaining({ type: 'set', maxUsersBefore: 10, maxUsersAfter: 3, requestId: null, note: 'contract 2026-114 shrank' }),
        ]);
        expect(await seats.setAreaLicenses('primary', 3, { reason: 'again' })).toMatchObject({ applied: false, changes: [] });
        expect(await seats.setAreaLicenses('primary', 12, { reason: 'correction' })).toMatchObject({ applied: true });
        expect(await seats.licenseHistory('primary')).toHaveLength(2);
      });

      it('setAreaLicenses below what partner quotas set aside needs allowBelowUse', async () => {
        const { seats } = await site(10);
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 8 });
        await expect(seats.setAreaLicenses('primary', 6, { reason: 'contract shrank' })).rejects.toEqual(refusedBy('LICENSES_BELOW_ALLOCATED'));
        await seats.setAreaLicenses('primary', 6, { reason: 'contract shrank', allowBelowUse: true });
        expect((await seats.diagnose()).map((f) => f.code)).toContain('AREA_OVER_ALLOCATED');
      });
    });

    describe('the primary area stays primary', () => {
      it("changing an area's kind is refused either way, and the site keeps its primary area", async () => {
        const { seats } = await site(10);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
        await expect(seats.defineArea({ id: 'primary', kind: 'extranet', name: 'Primary Area', maxUsers: 10 })).rejects.toEqual(refusedBy('KIND_CHANGE'));
        await expect(seats.defineArea({ id: 'x', kind: 'primary', name: 'Extranet', maxUsers: 5 })).rejects.toEqual(refusedBy('SECOND_PRIMARY_AREA'));
        expect((await seats.summary()).areas.map((a) => `${a.areaId}:${a.kind}`)).toEqual(['primary:primary', 'x:extranet']);
        expect((await seats.diagnose()).map((f) => f.code)).not.toContain('NO_PRIMARY_AREA');
      });

      it('an extranet area does not become primary even on a site without one: define a new area instead', async () => {
        const fixture = await makeRepository();
        fixtures.push(fixture);
        const seats = createSeatkeeper({ repository: fixture.repository });
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
        await expect(seats.defineArea({ id: 'x', kind: 'primary', name: 'Extranet', maxUsers: 5 })).rejects.toEqual(refusedBy('KIND_CHANGE'));
        expect(await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 5 })).toMatchObject({ kind: 'primary' });
      });
    });

    describe('system users are protected', () => {
      it('blocking or deleting the SuperUser is refused with SYSTEM_USER_PROTECTED, and nothing is written', async () => {
        const { seats } = await site(5);
        const [superuser, guest] = await seats.ensureSystemUsers();
        if (superuser === undefined || guest === undefined) throw new Error('system users expected');
        await expect(seats.blockUser(superuser.id)).rejects.toBeInstanceOf(ConfigurationRefusedError);
        await expect(seats.blockUser(superuser.id)).rejects.toEqual(refusedBy('SYSTEM_USER_PROTECTED'));
        await expect(seats.deleteUser(superuser.id)).rejects.toEqual(refusedBy('SYSTEM_USER_PROTECTED'));
        expect(await seats.getUser(superuser.id)).toEqual(superuser);
        await expect(seats.moveUser(superuser.id, { areaId: 'primary', organizationId: null })).rejects.toEqual(refusedBy('SYSTEM_USER_PROTECTED'));
        // The guest is not protected: blocking it is fine.
        expect(await seats.blockUser(guest.id)).toMatchObject({ state: 'blocked' });
      });

      it("the guest's name stays reserved while the site has no guest, so the guest can always be made again", async () => {
        const { seats } = await site(5);
        await seats.ensureSystemUsers();
        const guest = await user(seats, 'guest');
        await seats.updateUser(guest.id, { username: 'visitor' });
        // The site has no user named guest now, but nobody may take the name.
        expect(await seats.createUser({ username: 'Guest', areaId: 'primary' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
        expect(await seats.createUser({ username: 'SUPERUSER', areaId: 'primary' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
        const [ann] = await fill(seats, 'ann', 1);
        expect(await seats.updateUser(ann!.id, { username: 'GUEST' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
        const batch = await seats.createUsers([{ username: 'guest', areaId: 'primary' }], { mode: 'best-effort' });
        expect(batch.results).toMatchObject([{ ok: false, reason: { code: 'USERNAME_TAKEN' } }]);
        const sync = await seats.syncDirectory([dir('guest')]);
        expect(sync.invalid).toMatchObject([{ username: 'guest', issues: [{ code: 'system_user' }] }]);
        expect(await seats.findUserByUsername('guest')).toBeNull();

        const migration = await seats.migrateLegacyGuest();
        expect(migration.createdGuest).toMatchObject({ username: 'guest', kind: 'system', systemRole: 'guest', state: 'blocked' });
        expect(await seats.ensureSystemUsers()).toEqual([]);
        // The renamed guest may have its old name back: it is a licensed user now, and the name is the new guest's.
        expect(await seats.updateUser(guest.id, { username: 'guest' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
      });

      it('diagnose() reports a missing SuperUser or guest, and who holds its name', async () => {
        const { seats, repository } = await site(5);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
        const missing = async () => (await seats.diagnose()).filter((f) => f.code === 'SUPERUSER_MISSING' || f.code === 'GUEST_MISSING');
        expect((await missing()).map((f) => [f.code, f.severity])).toEqual([
          ['SUPERUSER_MISSING', 'warning'],
          ['GUEST_MISSING', 'warning'],
        ]);
        const [, guest] = await seats.ensureSystemUsers();
        expect(await missing()).toEqual([]);
        await seats.deleteUser(guest!.id);
        expect(await missing()).toMatchObject([{ code: 'GUEST_MISSING', fix: expect.stringContaining('ensureSystemUsers()') }]);
        expect(await seats.ensureSystemUsers()).toMatchObject([{ username: 'guest', systemRole: 'guest' }]);
        expect(await missing()).toEqual([]);

        // A licensed user named "guest", stored before the name was reserved: the guest cannot be made until it is renamed.
        const again = await user(seats, 'guest');
        await repository.transaction({ areaIds: ['primary', 'x'] }, async (tx) => {
          await tx.deleteUser(again.id);
          await tx.insertUsers([{ ...again, id: 'old-guest', username: 'Guest', kind: 'licensed', systemRole: null, areaId: 'x', state: 'active', blockReason: null, blockedAt: null, blockedBy: null, source: 'manual' }]);
        });
        expect(await missing()).toMatchObject([{ code: 'GUEST_MISSING', userId: 'old-guest', areaId: 'x', fix: expect.stringContaining('updateUser') }]);
        await expect(seats.ensureSystemUsers()).rejects.toMatchObject({ code: 'CONFLICT' });
        expect(await seats.updateUser('old-guest', { email: 'kept@example.com' })).toMatchObject({ ok: true }); // it keeps the name it has
        await seats.updateUser('old-guest', { username: 'guest.old' });
        await seats.ensureSystemUsers();
        expect(await missing()).toEqual([]);
      });
    });

    describe('retiring partner organizations and extranet areas', () => {
      it("retiring a partner with users: 'block' blocks them, keeps them as host profiles, and frees its quota", async () => {
        const { seats } = await site(10);
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 5 });
        const [a0] = await fill(seats, 'acme', 3, 'acme');
        await seats.blockUser(a0!.id, { blockedBy: 'admin-1' });
        const result = await seats.retireOrganization('acme', { users: 'block', blockedBy: 'admin-7' });
        expect(result).toEqual({ ok: true, users: 3, blocked: 2, movedTo: { areaId: 'primary', organizationId: null } });
        expect(await seats.getOrganization('acme')).toBeNull();
        expect(await areaOf(seats, 'primary')).toMatchObject({ using: 0, blocked: 3, users: 3, allocated: 0, unallocatedRemaining: 10, organizations: [] });
        expect(await user(seats, 'acme1')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-7', organizationId: null });
        expect(await user(seats, 'acme0')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-1' });
        await expect(seats.retireOrganization('acme', { users: 'block' })).rejects.toBeInstanceOf(UnknownOrganizationError);
      });

      it('retiring a partner whose users do not all fit where they move is refused as a whole, with the shortage', async () => {
        const { seats } = await site(20);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 10 });
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 5 });
        await seats.defineOrganization({ id: 'globex', areaId: 'x', name: 'Globex', access: 'granted', maxUsers: 2 });
        await fill(seats, 'acme', 3, 'acme');
        const refused = await seats.retireOrganization('acme', { users: { moveTo: 'globex' } });
        expect(refused).toMatchObject({
          ok: false,
          reason: { code: 'PARTNER_QUOTA_REACHED', organizationId: 'globex' },
          shortage: { areaId: 'x', needed: 3, short: 0, partnerQuotas: [{ organizationId: 'globex', short: 1 }] },
        });
        // Nothing was written.
        expect(await seats.getOrganization('acme')).toMatchObject({ id: 'acme' });
        expect(await user(seats, 'acme0')).toMatchObject({ areaId: 'primary', organizationId: 'acme', state: 'active' });

        await seats.defineOrganization({ id: 'globex', areaId: 'x', name: 'Globex', access: 'granted', maxUsers: 3 });
        expect(await seats.retireOrganization('acme', { users: { moveTo: 'globex' } })).toEqual({ ok: true, users: 3, blocked: 0, movedTo: { areaId: 'x', organizationId: 'globex' } });
        expect(await user(seats, 'acme0')).toMatchObject({ areaId: 'x', organizationId: 'globex', state: 'active' });
        expect(await areaOf(seats, 'primary')).toMatchObject({ using: 0, allocated: 0 });
        expect(await areaOf(seats, 'x')).toMatchObject({ using: 3 });
      });

      it("moving a retired partner's users to the host company counts its quota as freed", async () => {
        const { seats } = await site(10);
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 5 });
        await fill(seats, 'host', 5);
        await fill(seats, 'acme', 5, 'acme');
        // The host has no unallocated seat while Acme's quota stands; once Acme is gone, its seats are the host's.
        expect(await seats.retireOrganization('acme', { users: { moveTo: null } })).toMatchObject({ ok: true, users: 5, blocked: 0 });
        expect(await areaOf(seats, 'primary')).toMatchObject({ using: 10, allocated: 0, remaining: 0, organizations: [] });
      });

      it('the primary area is never retired, nor an area that still has partners; a move that does not fit is refused with the purchase that fixes it', async () => {
        const { seats } = await site(5);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 10 });
        await expect(seats.retireArea('primary', { users: 'block' })).rejects.toEqual(refusedBy('PRIMARY_AREA_RETIRED'));
        await seats.defineOrganization({ id: 'acme', areaId: 'x', name: 'Acme', access: 'granted', maxUsers: null });
        await expect(seats.retireArea('x', { users: { moveTo: 'primary' } })).rejects.toEqual(refusedBy('AREA_HAS_ORGANIZATIONS'));
        await seats.retireOrganization('acme', { users: 'block' });

        await fill(seats, 'host', 3);
        await fill(seats, 'ext', 4, null, 'x');
        const refused = await seats.retireArea('x', { users: { moveTo: 'primary' } });
        expect(refused).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', areaId: 'primary' }, shortage: { needed: 4, short: 2, smallestPurchase: 5 } });
        expect(await seats.summary()).toMatchObject({ areas: [{ areaId: 'primary', using: 3 }, { areaId: 'x', using: 4 }] });
        await expect(seats.retireArea('x', { users: { moveTo: 'x' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        await expect(seats.retireArea('x', { users: { moveTo: 'nowhere' } })).rejects.toMatchObject({ code: 'UNKNOWN_AREA' });
      });

      it("retiring an extranet area with 'block' keeps its users blocked in the primary area; its license history stays", async () => {
        const { seats } = await site(5);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 2 });
        await seats.setAreaLicenses('x', 3, { reason: 'one more' });
        await fill(seats, 'ext', 3, null, 'x');
        expect(await seats.retireArea('x', { users: 'block' })).toEqual({ ok: true, users: 3, blocked: 3, movedTo: { areaId: 'primary', organizationId: null } });
        expect((await seats.summary()).areas.map((a) => a.areaId)).toEqual(['primary']);
        expect(await areaOf(seats, 'primary')).toMatchObject({ using: 0, blocked: 3 });
        expect(await user(seats, 'ext0')).toMatchObject({ areaId: 'primary', state: 'blocked', blockReason: 'admin', blockedBy: 'retireArea' });
        expect(await seats.licenseHistory('x')).toHaveLength(1);
        // The id is free again.
        expect(await seats.defineArea({ id: 'x', kind: 'extranet', name: 'New Extranet', maxUsers: 1 })).toMatchObject({ maxUsers: 1 });
        expect(await areaOf(seats, 'x')).toMatchObject({ users: 0, using: 0 });
      });

      it('retiring an area moves its users to the host company of another area when they fit', async () => {
        const { seats } = await site(10);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 3 });
        const [e0] = await fill(seats, 'ext', 3, null, 'x');
        await seats.blockUser(e0!.id);
        expect(await seats.retireArea('x', { users: { moveTo: 'primary' } })).toMatchObject({ ok: true, users: 3, blocked: 0 });
        expect(await areaOf(seats, 'primary')).toMatchObject({ using: 2, blocked: 1 });
        expect(await user(seats, 'ext0')).toMatchObject({ areaId: 'primary', state: 'blocked' });
      });
    });

    describe('moving a user', () => {
      it('the seat check applies in the target; a refusal moves nothing, and the old seat is freed when it moves', async () => {
        const { seats } = await site(5);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 1 });
        const [ann, bob] = await fill(seats, 'host', 2);
        await fill(seats, 'ext', 1, null, 'x');
        const refused = await seats.moveUser(ann!.id, { areaId: 'x', organizationId: null });
        expect(refused).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', areaId: 'x' } });
        expect(await seats.getUser(ann!.id)).toMatchObject({ areaId: 'primary', state: 'active' });

        // A blocked user takes no seat: it moves without a check, and stays blocked.
        await seats.blockUser(bob!.id);
        expect(await seats.moveUser(bob!.id, { areaId: 'x', organizationId: null })).toMatchObject({ ok: true, user: { areaId: 'x', state: 'blocked' } });

        await seats.deleteUser((await user(seats, 'ext0')).id);
        const moved = await seats.moveUser(ann!.id, { areaId: 'x', organizationId: null });
        expect(moved).toMatchObject({ ok: true, user: { id: ann!.id, areaId: 'x', organizationId: null, state: 'active' } });
        expect(await seats.summary()).toMatchObject({ areas: [{ areaId: 'primary', using: 0 }, { areaId: 'x', using: 1, blocked: 1 }] });
        expect(await seats.moveUser(ann!.id, { areaId: 'x', organizationId: null })).toEqual(moved); // already there: nothing changes
      });

      it('between partners of one area its own seat counts as free, and the target partner rules apply', async () => {
        const { seats } = await site(4);
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 2 });
        await seats.defineOrganization({ id: 'globex', areaId: 'primary', name: 'Globex', access: 'granted', maxUsers: 2 });
        const [a0] = await fill(seats, 'acme', 2, 'acme');
        await fill(seats, 'globex', 2, 'globex');
        expect(await seats.moveUser(a0!.id, { areaId: 'primary', organizationId: 'globex' })).toMatchObject({ ok: false, reason: { code: 'PARTNER_QUOTA_REACHED' } });
        await seats.defineOrganization({ id: 'globex', areaId: 'primary', name: 'Globex', access: 'granted', maxUsers: 3, allowOverLimit: true });
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 1, allowOverLimit: true });
        // The area is full, but the user's own seat is the one it takes.
        expect(await seats.moveUser(a0!.id, { areaId: 'primary', organizationId: 'globex' })).toMatchObject({ ok: true, user: { organizationId: 'globex' } });
        expect(await areaOf(seats, 'primary')).toMatchObject({ using: 4 });
        await expect(seats.moveUser(a0!.id, { areaId: 'primary', organizationId: 'initech' })).rejects.toBeInstanceOf(UnknownOrganizationError);
        await expect(seats.moveUser(a0!.id, { areaId: 'primary' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      });

      it('parallel moves into the last free seat: exactly one gets it', async () => {
        const { seats } = await site(10);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 1 });
        const movers = await fill(seats, 'host', 6);
        const results = await Promise.all(movers.map((u) => seats.moveUser(u.id, { areaId: 'x', organizationId: null })));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(await seats.summary()).toMatchObject({ areas: [{ areaId: 'primary', using: 5 }, { areaId: 'x', using: 1 }] });
      });
    });

    describe('the outbox keeps no personal data and can be purged', () => {
      it("after deleteUser no pending or delivered notification, nor the area's notification state, keeps the user's name or email", async () => {
        const { seats, repository, notifier } = await site(1);
        notifier.mode = 'throw'; // some entries stay pending
        await fill(seats, 'host', 1);
        const refused = await seats.createUser({ username: 'zelda.quinn', email: 'zelda.quinn@example.org', areaId: 'primary' });
        expect(refused.ok).toBe(false);
        await seats.settleNotifications();
        notifier.mode = 'deliver';
        await seats.setAreaLicenses('primary', 2, { reason: 'a seat for Zelda' });
        const zelda = await seats.createUser({ username: 'zelda.quinn', email: 'zelda.quinn@example.org', areaId: 'primary' });
        if (!zelda.ok) throw new Error('zelda expected');
        await seats.blockUser(zelda.user.id);
        await fill(seats, 'more', 1);
        expect((await seats.reinstateUser(zelda.user.id)).ok).toBe(false);
        await seats.deleteUser(zelda.user.id);
        await seats.deliverPendingNotifications();

        const entries = await seats.notifications();
        expect(entries.length).toBeGreaterThanOrEqual(2);
        const stored = JSON.stringify([entries, await repository.getSetting('alert:primary')]).toLowerCase();
        expect(stored).not.toContain('zelda');
        expect(stored).not.toContain('quinn');
      });

      it('purgeNotifications deletes delivered entries delivered before the cut-off and never a pending one', async () => {
        const { seats, clock, notifier } = await site(0);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 0 });
        await seats.createUser({ username: 'a', areaId: 'primary' });
        await seats.settleNotifications();
        clock.advance(HOUR);
        notifier.mode = 'throw';
        await seats.createUser({ username: 'b', areaId: 'x' });
        await seats.settleNotifications();
        expect((await seats.notifications()).map((e) => e.status)).toEqual(['delivered', 'pending']);

        clock.advance(HOUR);
        expect(await seats.purgeNotifications({ deliveredBefore: new Date('2026-03-01T09:00:00Z') })).toBe(0);
        expect(await seats.purgeNotifications({ deliveredBefore: clock() })).toBe(1);
        expect((await seats.notifications()).map((e) => [e.notification.areaId, e.status])).toEqual([['x', 'pending']]);
        await expect(seats.purgeNotifications({ deliveredBefore: new Date('not a date') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      });
    });

    describe('only an exceeded limit notifies, with figures that agree', () => {
      it("a refused all-or-nothing import notifies with the area's figures as they are and the seats it wanted", async () => {
        const { seats, notifier } = await site(3);
        await fill(seats, 'host', 2);
        const report = await importPeopleCsv(seats, 'Username\nann\nbob\n', { areaId: 'primary' });
        expect(report.written).toBe(false);
        await seats.settleNotifications();
        const area = await areaOf(seats, 'primary');
        expect(area).toMatchObject({ using: 2, maxUsers: 3, status: 'ok' });
        expect(notifier.delivered).toHaveLength(1);
        const [n] = notifier.delivered;
        expect(n).toMatchObject({ using: 2, maxUsers: 3, attempted: 'CSV import of 2 users' });
        expect(n?.subject).toBe('User license limit would be exceeded in Primary Area (2 of 3 seats in use; 2 more wanted, 1 short)');
        expect(n?.text).toContain('Seats in use: 2');
        expect(n?.text).toContain('Seats wanted: 2 more, 1 short');
        expect(n?.text).toContain('Primary Area is 1 seat short for 2 new active users');
        expect(n?.text).not.toContain('3 of 3');
        expect(`${n?.subject} ${n?.text}`).not.toMatch(/\bann\b|\bbob\b/);
      });

      it('an import that fits notifies nobody, and a best-effort import that is cut short tells the figures it left', async () => {
        const { seats, notifier } = await site(4);
        await fill(seats, 'host', 1);
        await importPeopleCsv(seats, 'Username\nann\nbob\n', { areaId: 'primary' });
        await seats.settleNotifications();
        expect(notifier.delivered).toEqual([]);
        const report = await importPeopleCsv(seats, 'Username\ncy\ndee\n', { areaId: 'primary', mode: 'best-effort' });
        expect(report.created).toBe(1);
        await seats.settleNotifications();
        expect(notifier.delivered.map((n) => n.subject)).toEqual(['User license limit exceeded in Primary Area (4 of 4 seats in use)']);
        expect(notifier.delivered[0]?.text).toContain('Seats in use: 4');
        expect(notifier.delivered[0]?.text).toContain('(4 of 4 in use)');
      });
    });
  });
}
