import { describe, expect, it } from 'vitest';
import { allocation, areaUsage, seatsWithinQuotas } from '../../src/core/usage.js';
import { area, counts, partner } from '../support/partners.js';

describe('partner allocation', () => {
  it('allocated counts every set quota, denied partners included, and no unset one', () => {
    const organizations = [partner('acme', 20), partner('gone', 10, 'denied'), partner('beta', null), partner('zero', 0, 'denied')];
    expect(allocation(counts(0), organizations).allocated).toBe(30);
    expect(areaUsage(area(100), counts(0), organizations).allocated).toBe(30);
  });

  it('unallocatedRemaining = maxUsers - allocated - seats of the host company and of partners without a quota', () => {
    const organizations = [partner('acme', 20), partner('gone', 10, 'denied'), partner('beta', null)];
    const usage = areaUsage(area(100), counts(30, { acme: 5, beta: 7 }), organizations);
    expect(usage).toMatchObject({ using: 42, remaining: 58, allocated: 30, unallocatedRemaining: 100 - 30 - 37 });
  });

  it('a denied partner with a quota lowers the host company\'s unallocated seats; at 0 it does not', () => {
    const held = areaUsage(area(10), counts(5), [partner('gone', 3, 'denied')]);
    const released = areaUsage(area(10), counts(5), [partner('gone', 0, 'denied')]);
    expect(held.unallocatedRemaining).toBe(2);
    expect(released.unallocatedRemaining).toBe(5);
    expect(held.remaining).toBe(5);
  });

  it('unallocatedRemaining is never negative when the area is over-allocated', () => {
    const usage = areaUsage(area(10), counts(3), [partner('acme', 8), partner('beta', 5)]);
    expect(usage).toMatchObject({ allocated: 13, unallocatedRemaining: 0, remaining: 7 });
  });

  it('seats within quotas count each partner up to its quota, and partners without a quota not at all', () => {
    expect(
      seatsWithinQuotas([
        { maxUsers: 5, using: 3 },
        { maxUsers: 5, using: 7 },
        { maxUsers: null, using: 9 },
      ]),
    ).toBe(8);
  });

  it('per-organization figures: users, using, remaining, ratio and status against the quota', () => {
    const organizations = [partner('acme', 10), partner('beta', null)];
    const usage = areaUsage(area(100), counts(0, { acme: { using: 4, blocked: 8 }, beta: 3 }), organizations);
    expect(usage.organizations).toEqual([
      { organizationId: 'acme', name: 'ACME', access: 'granted', maxUsers: 10, users: 12, using: 4, remaining: 6, usingRatio: 0.4, status: 'ok' },
      { organizationId: 'beta', name: 'BETA', access: 'granted', maxUsers: null, users: 3, using: 3, remaining: null, usingRatio: null, status: null },
    ]);
  });

  it('a partner without any profile reports zeros', () => {
    const usage = areaUsage(area(100), counts(4), [partner('acme', 10)]);
    expect(usage.organizations[0]).toMatchObject({ users: 0, using: 0, remaining: 10, usingRatio: 0, status: 'ok' });
  });

  it('a quota of 0 has no ratio and is exhausted', () => {
    const usage = areaUsage(area(100), counts(0), [partner('zero', 0, 'denied')]);
    expect(usage.organizations[0]).toMatchObject({ remaining: 0, usingRatio: null, status: 'exhausted' });
  });

  it('quota status boundaries: 100 with 5 left is ok, with 4 left warning, 0 left exhausted, over it exceeded', () => {
    const status = (using: number) => areaUsage(area(1000), counts(0, { acme: using }), [partner('acme', 100)]).organizations[0]?.status;
    expect(status(95)).toBe('ok');
    expect(status(96)).toBe('warning');
    expect(status(99)).toBe('warning');
    expect(status(100)).toBe('exhausted');
    expect(status(101)).toBe('exceeded');
  });

  it('quota status honours the warning percent', () => {
    const usage = areaUsage(area(1000), counts(0, { acme: 91 }), [partner('acme', 100)], { warningPercent: 10 });
    expect(usage.organizations[0]?.status).toBe('warning');
    expect(areaUsage(area(1000), counts(0, { acme: 90 }), [partner('acme', 100)], { warningPercent: 10 }).organizations[0]?.status).toBe('ok');
  });
});
