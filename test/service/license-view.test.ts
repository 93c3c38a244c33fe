import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownAreaError, UnknownOrganizationError, type LicensePage, type Seatkeeper } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

const PAGES: readonly LicensePage[] = ['user-admin-list', 'company-admin-list', 'partner-user-admin-list'];

async function setup(maxUsers = 100): Promise<Seatkeeper> {
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock: fixedClock('2026-01-01T00:00:00Z') });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  return seats;
}

async function addUsers(seats: Seatkeeper, organizationId: string | null, active: number, blocked = 0, areaId = 'primary') {
  for (let i = 0; i < active + blocked; i++) {
    const r = await seats.createUser({ username: `${organizationId ?? 'host'}-${areaId}-${i}`, areaId, organizationId });
    if (!r.ok) throw new Error(`no seat for user ${i}: ${r.reason.code}`);
    if (i >= active) await seats.blockUser(r.user.id);
  }
}

describe('licenseView', () => {
  it.each(PAGES)('a host admin sees every figure on %s', async (page) => {
    const seats = await setup();
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 10 });
    await addUsers(seats, 'acme', 4);
    await addUsers(seats, null, 6);
    const view = await seats.licenseView({ role: 'host-admin' }, page);
    expect(view).toMatchObject({ role: 'host-admin', page, visible: true, totals: { using: 10, intranet: { maxUsers: 100, using: 10, remaining: 90 } } });
    if (view.role !== 'host-admin') throw new Error('host view expected');
    expect(view.areas[0]).toMatchObject({ using: 10, remaining: 90, allocated: 10, unallocatedRemaining: 84 });
    expect(view.areas[0]?.organizations[0]).toMatchObject({ organizationId: 'acme', name: 'Acme', using: 4, remaining: 6 });
  });

  it.each(['user-admin-list', 'company-admin-list'] as const)('a partner admin sees no count on %s', async (page) => {
    const seats = await setup();
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 10 });
    await addUsers(seats, 'acme', 4);
    const view = await seats.licenseView({ role: 'partner-admin', organizationId: 'acme' }, page);
    expect(view).toEqual({
      role: 'partner-admin',
      page,
      organizationId: 'acme',
      visible: false,
      remainingVisible: false,
      using: null,
      remaining: null,
      usingRatio: null,
      maxUsers: null,
      status: null,
    });
  });

  it('a partner admin sees its using, and its remaining and ratio when every partner of the area has a quota', async () => {
    const seats = await setup();
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 10 });
    await seats.defineOrganization({ id: 'beta', areaId: 'primary', name: 'Beta', access: 'granted', maxUsers: null });
    await addUsers(seats, 'acme', 4, 2);
    const acme = { role: 'partner-admin', organizationId: 'acme' } as const;
    expect(await seats.licenseView(acme, 'partner-user-admin-list')).toMatchObject({ visible: true, remainingVisible: false, using: 4, remaining: null, usingRatio: null });
    await seats.defineOrganization({ id: 'beta', areaId: 'primary', name: 'Beta', access: 'granted', maxUsers: 5 });
    expect(await seats.licenseView(acme, 'partner-user-admin-list')).toMatchObject({
      visible: true,
      remainingVisible: true,
      using: 4,
      remaining: 6,
      usingRatio: 0.4,
      maxUsers: 10,
      status: 'ok',
    });
  });

  it('a denied partner at null hides remaining from every partner admin; set to 0 it shows it again', async () => {
    const seats = await setup();
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 10 });
    await seats.defineOrganization({ id: 'gone', areaId: 'primary', name: 'Gone', access: 'denied', maxUsers: null });
    const acme = { role: 'partner-admin', organizationId: 'acme' } as const;
    expect(await seats.licenseView(acme, 'partner-user-admin-list')).toMatchObject({ remainingVisible: false, remaining: null });
    await seats.defineOrganization({ id: 'gone', areaId: 'primary', name: 'Gone', access: 'denied', maxUsers: 0 });
    expect(await seats.licenseView(acme, 'partner-user-admin-list')).toMatchObject({ remainingVisible: true, remaining: 10 });
  });

  it('only the partner organizations of the viewer\'s own area decide whether remaining is shown', async () => {
    const seats = await setup();
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 50 });
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 10 });
    await seats.defineOrganization({ id: 'other', areaId: 'x', name: 'Other', access: 'granted', maxUsers: null });
    expect(await seats.licenseView({ role: 'partner-admin', organizationId: 'acme' }, 'partner-user-admin-list')).toMatchObject({ remainingVisible: true, remaining: 10 });
  });

  it('rejects malformed viewers and pages, and unknown organizations', async () => {
    const seats = await setup();
    await expect(seats.licenseView({ role: 'partner-admin' } as never, 'partner-user-admin-list')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.licenseView({ role: 'root' } as never, 'user-admin-list')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.licenseView({ role: 'host-admin' }, 'settings' as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.licenseView({ role: 'partner-admin', organizationId: 'nope' }, 'partner-user-admin-list')).rejects.toBeInstanceOf(
      UnknownOrganizationError,
    );
  });

  it('no partner admin\'s view, serialised, mentions another organization\'s id or name', async () => {
    const orgArb = fc.record({
      maxUsers: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
      access: fc.constantFrom('granted' as const, 'denied' as const),
      active: fc.integer({ min: 0, max: 4 }),
      blocked: fc.integer({ min: 0, max: 2 }),
      area: fc.constantFrom('primary', 'x'),
    });
    const scenario = fc
      .uniqueArray(fc.stringMatching(/^[a-z0-9]{10}$/), { minLength: 2, maxLength: 5 })
      .chain((tokens) => fc.tuple(fc.constant(tokens), fc.array(orgArb, { minLength: tokens.length, maxLength: tokens.length })));
    await fc.assert(
      fc.asyncProperty(scenario, async ([tokens, orgs]) => {
        const seats = await setup(200);
        await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 200 });
        const defined = tokens.map((t, i) => ({ id: `org-${t}`, name: `Name ${t}`, ...(orgs[i] as (typeof orgs)[number]) }));
        for (const o of defined) {
          // Users first, while access is granted and the quota is large enough; then the configuration under test.
          await seats.defineOrganization({ id: o.id, areaId: o.area, name: o.name, access: 'granted', maxUsers: null });
          await addUsers(seats, o.id, o.active, o.blocked, o.area);
          await seats.defineOrganization({ id: o.id, areaId: o.area, name: o.name, access: o.access, maxUsers: o.maxUsers, allowOverLimit: true });
        }
        for (const viewer of defined) {
          for (const page of PAGES) {
            const json = JSON.stringify(await seats.licenseView({ role: 'partner-admin', organizationId: viewer.id }, page));
            for (const other of defined) {
              if (other.id === viewer.id) continue;
              expect(json).not.toContain(other.id);
              expect(json).not.toContain(other.name);
            }
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('companyAdminList', () => {
  it('lists each partner with users and active licensed users as "12 (4)", quota, access and status', async () => {
    const seats = await setup();
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 10 });
    await seats.defineOrganization({ id: 'gone', areaId: 'primary', name: 'Gone', access: 'denied', maxUsers: 0 });
    await addUsers(seats, 'acme', 4, 8);
    await addUsers(seats, null, 3);
    expect(await seats.companyAdminList('primary')).toEqual([
      { organizationId: 'acme', name: 'Acme', access: 'granted', maxUsers: 10, users: 12, activeLicensed: 4, usersLabel: '12 (4)', remaining: 6, usingRatio: 0.4, status: 'ok' },
      { organizationId: 'gone', name: 'Gone', access: 'denied', maxUsers: 0, users: 0, activeLicensed: 0, usersLabel: '0 (0)', remaining: 0, usingRatio: null, status: 'exhausted' },
    ]);
  });

  it('rejects unknown and malformed area ids', async () => {
    const seats = await setup();
    await expect(seats.companyAdminList('nope')).rejects.toBeInstanceOf(UnknownAreaError);
    await expect(seats.companyAdminList('')).rejects.toBeInstanceOf(InvalidInputError);
  });
});
