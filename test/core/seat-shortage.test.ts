import { describe, expect, it } from 'vitest';
import { type Area, type AreaSeatCounts, type Organization } from '../../src/index.js';
import { seatShortage } from '../../src/core/seat-shortage.js';
import { type SeatContext } from '../../src/core/seat-policy.js';

const at = new Date('2026-01-01T00:00:00Z');

function context(
  area: { maxUsers: number; graceSeats?: number },
  counts: { using: number; organizations?: { organizationId: string; using: number }[] },
  organizations: { id: string; maxUsers: number | null; access?: 'granted' | 'denied' }[] = [],
): SeatContext {
  const a: Area = { id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: area.maxUsers, graceSeats: area.graceSeats ?? 0, createdAt: at, updatedAt: at };
  const c: AreaSeatCounts = {
    areaId: 'primary',
    users: counts.using,
    using: counts.using,
    activeSystem: 0,
    blocked: 0,
    organizations: (counts.organizations ?? []).map((o) => ({ ...o, users: o.using })),
  };
  const orgs: Organization[] = organizations.map((o) => ({
    id: o.id,
    areaId: 'primary',
    name: `Org ${o.id}`,
    access: o.access ?? 'granted',
    maxUsers: o.maxUsers,
    createdAt: at,
    updatedAt: at,
  }));
  return { area: a, counts: c, organizations: orgs };
}

const host = (n: number) => ({ unallocated: n, partners: new Map<string, number>() });

describe('seatShortage', () => {
  it('is null when the wanted seats fit exactly, and one seat short one more', () => {
    expect(seatShortage(context({ maxUsers: 10 }, { using: 8 }), host(2), 5)).toBeNull();
    expect(seatShortage(context({ maxUsers: 10 }, { using: 8 }), host(3), 5)).toMatchObject({ areaId: 'primary', needed: 3, short: 1, maxUsers: 10, using: 8 });
  });

  it('the smallest purchase is the minimum purchase when fewer seats are short, else the shortage itself', () => {
    expect(seatShortage(context({ maxUsers: 10 }, { using: 8 }), host(6), 5)?.smallestPurchase).toBe(5); // 4 short
    expect(seatShortage(context({ maxUsers: 10 }, { using: 8 }), host(7), 5)?.smallestPurchase).toBe(5); // 5 short
    expect(seatShortage(context({ maxUsers: 10 }, { using: 8 }), host(8), 5)?.smallestPurchase).toBe(6); // 6 short
    expect(seatShortage(context({ maxUsers: 10 }, { using: 8 }), host(3), 1)?.smallestPurchase).toBe(1);
  });

  it('grace seats count as capacity', () => {
    expect(seatShortage(context({ maxUsers: 10, graceSeats: 2 }, { using: 10 }), host(2), 5)).toBeNull();
    expect(seatShortage(context({ maxUsers: 10, graceSeats: 2 }, { using: 10 }), host(3), 5)?.short).toBe(1);
  });

  it('counts seats an area is already over by', () => {
    expect(seatShortage(context({ maxUsers: 10 }, { using: 12 }), host(1), 1)?.short).toBe(3);
  });

  it('host users need unallocated seats: seats set aside by partner quotas do not count', () => {
    // 10 seats, 6 set aside for acme (unused), host uses 2: 2 unallocated left, 3 wanted.
    const ctx = context({ maxUsers: 10 }, { using: 2 }, [{ id: 'acme', maxUsers: 6 }]);
    expect(seatShortage(ctx, host(2), 5)).toBeNull();
    expect(seatShortage(ctx, host(3), 5)).toMatchObject({ short: 1, smallestPurchase: 5, partnerQuotas: [] });
  });

  it('a partner over its quota is told to raise it, and buying area seats is not needed while unallocated seats cover the raise', () => {
    const ctx = context({ maxUsers: 10 }, { using: 1, organizations: [{ organizationId: 'acme', using: 1 }] }, [{ id: 'acme', maxUsers: 2 }]);
    const shortage = seatShortage(ctx, { unallocated: 0, partners: new Map([['acme', 3]]) }, 5);
    expect(shortage).toMatchObject({
      short: 0,
      smallestPurchase: 0,
      needed: 3,
      partnerQuotas: [{ organizationId: 'acme', maxUsers: 2, using: 1, needed: 3, short: 2 }],
    });
    expect(shortage?.message).toContain('Org acme needs its Maximum Users raised by 2 (from 2 to 4)');
  });

  it('raising a quota that would over-allocate the area adds to the purchase', () => {
    // 10 seats: acme quota 8 fully used, host uses 2. acme wants 2 more: its quota must grow by 2,
    // which needs 2 unallocated seats the area does not have.
    const ctx = context({ maxUsers: 10 }, { using: 10, organizations: [{ organizationId: 'acme', using: 8 }] }, [{ id: 'acme', maxUsers: 8 }]);
    const shortage = seatShortage(ctx, { unallocated: 0, partners: new Map([['acme', 2]]) }, 5);
    expect(shortage).toMatchObject({ short: 2, smallestPurchase: 5, partnerQuotas: [{ organizationId: 'acme', short: 2 }] });
  });

  it('a partner without a quota takes unallocated seats like the host company', () => {
    const ctx = context({ maxUsers: 10 }, { using: 4 }, [{ id: 'open', maxUsers: null }, { id: 'acme', maxUsers: 4 }]);
    expect(seatShortage(ctx, host(2), 5)).toBeNull();
    expect(seatShortage(ctx, host(3), 5)?.short).toBe(1);
  });

  it('the message says how many seats are short and the smallest purchase', () => {
    const message = seatShortage(context({ maxUsers: 10 }, { using: 8 }), host(5), 5)?.message;
    expect(message).toContain('Primary Area is 3 seats short for 5 new active users');
    expect(message).toContain('The smallest purchase that covers it is 5 seats (the minimum purchase)');
  });
});
