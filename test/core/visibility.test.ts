import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnknownOrganizationError, type Access, type LicensePage, type Organization } from '../../src/index.js';
import { allPartnerQuotasSet } from '../../src/core/seat-policy.js';
import { companyAdminRows, hostLicenseView, partnerLicenseView, seesLicenseCount } from '../../src/core/visibility.js';
import { areaUsage, siteSummary } from '../../src/core/usage.js';
import { area, counts, partner } from '../support/partners.js';

const PAGES: readonly LicensePage[] = ['user-admin-list', 'company-admin-list', 'partner-user-admin-list'];

describe('the page x role matrix', () => {
  it.each([
    ['host-admin', 'user-admin-list', true],
    ['host-admin', 'company-admin-list', true],
    ['host-admin', 'partner-user-admin-list', true],
    ['partner-admin', 'user-admin-list', false],
    ['partner-admin', 'company-admin-list', false],
    ['partner-admin', 'partner-user-admin-list', true],
  ] as const)('%s on %s sees the count: %s', (role, page, sees) => {
    expect(seesLicenseCount(role, page)).toBe(sees);
  });
});

describe('hostLicenseView', () => {
  it.each(PAGES)('a host admin sees every area and organization figure on %s', (page) => {
    const organizations = [partner('acme', 10), partner('beta', null)];
    const summary = siteSummary([areaUsage(area(100), counts(20, { acme: 4, beta: 2 }), organizations)]);
    const view = hostLicenseView(page, summary);
    expect(view).toMatchObject({ role: 'host-admin', page, visible: true, totals: summary.totals });
    expect(view.areas[0]).toMatchObject({ using: 26, remaining: 74, allocated: 10, unallocatedRemaining: 100 - 10 - 22 });
    expect(view.areas[0]?.organizations.map((o) => [o.organizationId, o.using, o.remaining])).toEqual([
      ['acme', 4, 6],
      ['beta', 2, null],
    ]);
  });
});

describe('partnerLicenseView', () => {
  const figures = (organizations: Organization[], using: Record<string, number> = { acme: 4 }) =>
    areaUsage(area(100), counts(20, using), organizations);

  it.each(['user-admin-list', 'company-admin-list'] as const)('a partner admin sees nothing on %s: every figure is null', (page) => {
    const view = partnerLicenseView(page, 'acme', figures([partner('acme', 10)]));
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

  it('a partner admin sees its using, remaining, ratio, quota and status when every partner has a quota', () => {
    const view = partnerLicenseView('partner-user-admin-list', 'acme', figures([partner('acme', 10), partner('beta', 5)]));
    expect(view).toEqual({
      role: 'partner-admin',
      page: 'partner-user-admin-list',
      organizationId: 'acme',
      visible: true,
      remainingVisible: true,
      using: 4,
      remaining: 6,
      usingRatio: 0.4,
      maxUsers: 10,
      status: 'ok',
    });
  });

  it('a partner admin sees only its using when another granted partner has no quota', () => {
    const view = partnerLicenseView('partner-user-admin-list', 'acme', figures([partner('acme', 10), partner('beta', null)]));
    expect(view).toMatchObject({ visible: true, remainingVisible: false, using: 4, remaining: null, usingRatio: null, maxUsers: null, status: null });
  });

  it('a denied partner at null hides remaining from every partner admin of the area', () => {
    const organizations = [partner('acme', 10), partner('beta', 5), partner('gone', null, 'denied')];
    for (const id of ['acme', 'beta']) {
      expect(partnerLicenseView('partner-user-admin-list', id, figures(organizations))).toMatchObject({ remainingVisible: false, remaining: null });
    }
  });

  it('a denied partner at 0 lets every partner admin of the area see remaining', () => {
    const organizations = [partner('acme', 10), partner('beta', 5), partner('gone', 0, 'denied')];
    expect(partnerLicenseView('partner-user-admin-list', 'acme', figures(organizations))).toMatchObject({ remainingVisible: true, remaining: 6 });
    expect(partnerLicenseView('partner-user-admin-list', 'beta', figures(organizations))).toMatchObject({ remainingVisible: true, remaining: 5 });
  });

  it('a partner without a quota of its own never sees remaining', () => {
    const view = partnerLicenseView('partner-user-admin-list', 'acme', figures([partner('acme', null)]));
    expect(view).toMatchObject({ visible: true, remainingVisible: false, using: 4, remaining: null });
  });

  it('a partner with a quota of 0 sees remaining 0 and no ratio', () => {
    const view = partnerLicenseView('partner-user-admin-list', 'zero', figures([partner('zero', 0, 'denied')], {}));
    expect(view).toMatchObject({ remainingVisible: true, using: 0, remaining: 0, usingRatio: null, maxUsers: 0, status: 'exhausted' });
  });

  it('an organization that is not in the area is an UnknownOrganizationError', () => {
    expect(() => partnerLicenseView('partner-user-admin-list', 'nope', figures([partner('acme', 1)]))).toThrow(UnknownOrganizationError);
  });

  it('allPartnerQuotasSet is true for an area without partners and false as soon as one quota is unset', () => {
    expect(allPartnerQuotasSet([])).toBe(true);
    expect(allPartnerQuotasSet(figures([partner('a', 0), partner('b', 3, 'denied')]).organizations)).toBe(true);
    expect(allPartnerQuotasSet(figures([partner('a', 0), partner('b', null, 'denied')]).organizations)).toBe(false);
  });
});

/** Distinct fixed-length tokens, so no id or name can be part of another. */
const token = fc.stringMatching(/^[a-z0-9]{10}$/);
const partnerArb = fc.record({
  maxUsers: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
  access: fc.constantFrom<Access>('granted', 'denied'),
  using: fc.integer({ min: 0, max: 60 }),
  blocked: fc.integer({ min: 0, max: 5 }),
});
const areaArb = fc
  .uniqueArray(token, { minLength: 2, maxLength: 7 })
  .chain((tokens) => fc.tuple(fc.constant(tokens), fc.array(partnerArb, { minLength: tokens.length, maxLength: tokens.length })));

describe('no partner view ever mentions another organization', () => {
  it('a serialised partner view contains no other organization\'s id or name, on any page', () => {
    fc.assert(
      fc.property(areaArb, fc.integer({ min: 0, max: 200 }), ([tokens, partners], host) => {
        const organizations = tokens.map((t, i) => ({ ...partner(`org-${t}`, partners[i]?.maxUsers ?? null, partners[i]?.access), name: `Name ${t}` }));
        const c = counts(
          host,
          Object.fromEntries(tokens.map((t, i) => [`org-${t}`, { using: partners[i]?.using ?? 0, blocked: partners[i]?.blocked ?? 0 }])),
        );
        const usage = areaUsage(area(500), c, organizations);
        for (const viewer of organizations) {
          for (const page of PAGES) {
            const json = JSON.stringify(partnerLicenseView(page, viewer.id, usage));
            for (const other of organizations) {
              if (other.id === viewer.id) continue;
              expect(json).not.toContain(other.id);
              expect(json).not.toContain(other.name);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a partner view depends on the other organizations only through whether their quota is set', () => {
    type Figures = { maxUsers: number | null; access: Access; using: number; blocked: number };
    const usageOf = (tokens: readonly string[], figures: readonly Figures[], host: number) =>
      areaUsage(
        area(500),
        counts(host, Object.fromEntries(tokens.map((t, i) => [`org-${t}`, { using: figures[i]?.using ?? 0, blocked: figures[i]?.blocked ?? 0 }]))),
        tokens.map((t, i) => partner(`org-${t}`, figures[i]?.maxUsers ?? null, figures[i]?.access)),
      );
    fc.assert(
      fc.property(
        areaArb,
        fc.array(partnerArb, { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        ([tokens, figures], changes, host, otherHost) => {
          tokens.forEach((t, viewer) => {
            // Everything about the others changes except whether each has a quota set.
            const changed = figures.map((f, i): Figures => {
              if (i === viewer) return f;
              const c = changes[i] as Figures;
              return { ...c, maxUsers: f.maxUsers === null ? null : (c.maxUsers ?? 3) };
            });
            for (const page of PAGES) {
              expect(partnerLicenseView(page, `org-${t}`, usageOf(tokens, changed, otherHost))).toEqual(
                partnerLicenseView(page, `org-${t}`, usageOf(tokens, figures, host)),
              );
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('companyAdminRows', () => {
  it('lists every partner by name with users (active licensed), quota, access and status', () => {
    const organizations = [partner('zed', null, 'granted', 'Zed'), partner('acme', 10, 'granted', 'Acme'), partner('gone', 0, 'denied', 'Gone')];
    const rows = companyAdminRows(areaUsage(area(100), counts(3, { acme: { using: 4, blocked: 8 }, zed: 1 }), organizations));
    expect(rows).toEqual([
      { organizationId: 'acme', name: 'Acme', access: 'granted', maxUsers: 10, users: 12, activeLicensed: 4, usersLabel: '12 (4)', remaining: 6, usingRatio: 0.4, status: 'ok' },
      { organizationId: 'gone', name: 'Gone', access: 'denied', maxUsers: 0, users: 0, activeLicensed: 0, usersLabel: '0 (0)', remaining: 0, usingRatio: null, status: 'exhausted' },
      { organizationId: 'zed', name: 'Zed', access: 'granted', maxUsers: null, users: 1, activeLicensed: 1, usersLabel: '1 (1)', remaining: null, usingRatio: null, status: null },
    ]);
  });
});
