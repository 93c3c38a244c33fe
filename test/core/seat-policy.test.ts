import { describe, expect, it } from 'vitest';
import { decideSeat } from '../../src/core/seat-policy.js';
import type { Area, Organization } from '../../src/core/schemas.js';
import { emptyAreaCounts, type AreaSeatCounts } from '../../src/core/usage.js';

const at = new Date('2026-01-01T00:00:00Z');
const area = (maxUsers: number, graceSeats = 0): Area => ({
  id: 'primary',
  kind: 'primary',
  name: 'Primary Area',
  maxUsers,
  graceSeats,
  createdAt: at,
  updatedAt: at,
});
const partner = (id: string, maxUsers: number | null, access: 'granted' | 'denied' = 'granted'): Organization => ({
  id,
  areaId: 'primary',
  name: id.toUpperCase(),
  access,
  maxUsers,
  createdAt: at,
  updatedAt: at,
});
const counts = (using: number, organizations: AreaSeatCounts['organizations'] = []): AreaSeatCounts => ({
  ...emptyAreaCounts('primary'),
  users: using,
  using,
  organizations,
});

describe('decideSeat', () => {
  it('grants the last seat and refuses the one after it', () => {
    expect(decideSeat({ area: area(10), counts: counts(9), organizations: [] }, null)).toEqual({ ok: true });
    expect(decideSeat({ area: area(10), counts: counts(10), organizations: [] }, null)).toMatchObject({
      ok: false,
      reason: { code: 'LICENSE_LIMIT_REACHED', areaId: 'primary', maxUsers: 10, using: 10 },
    });
  });

  it('a pool of 0 seats refuses every seat', () => {
    expect(decideSeat({ area: area(0), counts: counts(0), organizations: [] }, null).ok).toBe(false);
  });

  it('grace seats allow that many seats over the limit, then refuse', () => {
    expect(decideSeat({ area: area(10, 2), counts: counts(11), organizations: [] }, null).ok).toBe(true);
    expect(decideSeat({ area: area(10, 2), counts: counts(12), organizations: [] }, null).ok).toBe(false);
  });

  it('a denied partner gets no seat even with seats free', () => {
    const decision = decideSeat({ area: area(10), counts: counts(0), organizations: [partner('acme', 5, 'denied')] }, 'acme');
    expect(decision).toMatchObject({ ok: false, reason: { code: 'PARTNER_ACCESS_DENIED', organizationId: 'acme' } });
  });

  it('a partner with a quota is refused at its quota with the quota figures', () => {
    const organizations = [partner('acme', 2)];
    const full = counts(2, [{ organizationId: 'acme', users: 2, using: 2 }]);
    expect(decideSeat({ area: area(10), counts: counts(1, [{ organizationId: 'acme', users: 1, using: 1 }]), organizations }, 'acme').ok).toBe(true);
    expect(decideSeat({ area: area(10), counts: full, organizations }, 'acme')).toMatchObject({
      ok: false,
      reason: { code: 'PARTNER_QUOTA_REACHED', organizationId: 'acme', maxUsers: 2, using: 2 },
    });
  });

  it('seats set aside by a partner quota are not the host company’s to take', () => {
    // 10 seats, partner holds a quota of 4 (using 1), host uses 6: 10 - 4 - 6 = 0 unallocated
    const context = { area: area(10), counts: counts(7, [{ organizationId: 'acme', users: 1, using: 1 }]), organizations: [partner('acme', 4)] };
    expect(decideSeat(context, null)).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
    expect(decideSeat(context, 'acme').ok).toBe(true);
  });

  it('a partner without a quota shares the unallocated pool with the host', () => {
    const context = { area: area(5), counts: counts(3, [{ organizationId: 'free', users: 1, using: 1 }]), organizations: [partner('free', null), partner('acme', 2)] };
    expect(decideSeat(context, 'free')).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', organizationId: 'free' } });
  });

  it('a partner with quota left is still refused when the area itself is full (over-allocated area)', () => {
    const context = { area: area(3), counts: counts(3), organizations: [partner('acme', 5)] };
    expect(decideSeat(context, 'acme')).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
  });
});
