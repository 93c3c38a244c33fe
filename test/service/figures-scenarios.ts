import { afterEach, describe, expect, it } from 'vitest';
import { createSeatkeeper, type Seatkeeper, type SeatRepository } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

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
}
