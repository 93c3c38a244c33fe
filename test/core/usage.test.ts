import { describe, expect, it } from 'vitest';
import type { Area, Organization } from '../../src/core/schemas.js';
import { areaUsage, addToCounts, emptyAreaCounts, siteSummary, type AreaSeatCounts } from '../../src/core/usage.js';

const at = new Date('2026-01-01T00:00:00Z');
const area = (maxUsers: number, extra: Partial<Area> = {}): Area => ({
  id: 'primary',
  kind: 'primary',
  name: 'Primary Area',
  maxUsers,
  graceSeats: 0,
  createdAt: at,
  updatedAt: at,
  ...extra,
});
const counts = (extra: Partial<AreaSeatCounts>): AreaSeatCounts => ({ ...emptyAreaCounts('primary'), ...extra });
const partner = (id: string, maxUsers: number | null, access: 'granted' | 'denied' = 'granted'): Organization => ({
  id,
  areaId: 'primary',
  name: id,
  access,
  maxUsers,
  createdAt: at,
  updatedAt: at,
});

describe('areaUsage', () => {
  it('counts system users in total active users but not in using (seed: 22 active, 20 using)', () => {
    const usage = areaUsage(area(25), counts({ users: 24, using: 20, activeSystem: 2, blocked: 2 }), []);
    expect(usage).toMatchObject({ using: 20, totalActiveUsers: 22, remaining: 5, overBy: 0, blocked: 2, users: 24 });
  });

  it('reports overBy and exceeded when using is above the limit, never a negative remaining', () => {
    const usage = areaUsage(area(10), counts({ using: 12, users: 12 }), []);
    expect(usage).toMatchObject({ remaining: 0, overBy: 2, status: 'exceeded', usingRatio: 1.2 });
  });

  it('usingRatio is null when maxUsers is 0', () => {
    expect(areaUsage(area(0), counts({}), []).usingRatio).toBeNull();
  });

  it('a denied partner with a quota still counts in allocated and against the host unallocated seats', () => {
    const usage = areaUsage(
      area(100),
      counts({ using: 30, users: 30, organizations: [{ organizationId: 'acme', users: 5, using: 5 }] }),
      [partner('acme', 10), partner('old', 20, 'denied'), partner('free', null)],
    );
    // 100 - (10 + 20) allocated - 25 seats used outside quotas
    expect(usage).toMatchObject({ allocated: 30, unallocatedRemaining: 45 });
    expect(usage.organizations.find((o) => o.organizationId === 'acme')).toMatchObject({ using: 5, remaining: 5, usingRatio: 0.5, status: 'ok' });
    expect(usage.organizations.find((o) => o.organizationId === 'free')).toMatchObject({ remaining: null, usingRatio: null, status: null });
  });
});

describe('siteSummary', () => {
  it('puts the primary area first and totals every area; intranet users are the primary area', () => {
    const primary = areaUsage(area(100), counts({ using: 20, activeSystem: 2, users: 25, blocked: 3 }), []);
    const extranet = areaUsage(area(10, { id: 'x', kind: 'extranet', name: 'Extranet' }), { ...emptyAreaCounts('x'), using: 12, users: 12 }, []);
    const summary = siteSummary([extranet, primary]);
    expect(summary.areas.map((a) => a.areaId)).toEqual(['primary', 'x']);
    expect(summary.totals).toEqual({
      intranet: { areas: 1, maxUsers: 100, using: 20, remaining: 80, overBy: 0 },
      extranet: { areas: 1, maxUsers: 10, using: 12, remaining: 0, overBy: 2 },
      using: 32,
      totalActiveUsers: 34,
      intranetUsers: 20,
      blocked: 3,
      users: 37,
    });
  });
});

describe('addToCounts', () => {
  it('advances area and partner counts without changing the input', () => {
    const before = counts({ using: 1, users: 1 });
    const after = addToCounts(addToCounts(before, { kind: 'licensed', state: 'active', organizationId: 'acme' }), { kind: 'licensed', state: 'blocked', organizationId: null });
    expect(before).toMatchObject({ using: 1, users: 1, organizations: [] });
    expect(after).toMatchObject({ using: 2, users: 3, blocked: 1, organizations: [{ organizationId: 'acme', users: 1, using: 1 }] });
  });

  it('advances a partner already counted in its own entry, leaving the input and the other partners as they were', () => {
    const partners = [
      { organizationId: 'acme', users: 3, using: 2 },
      { organizationId: 'globex', users: 1, using: 1 },
    ];
    const before = counts({ using: 3, users: 4, organizations: partners });
    const after = addToCounts(addToCounts(before, { kind: 'licensed', state: 'active', organizationId: 'globex' }), { kind: 'licensed', state: 'blocked', organizationId: 'globex' });
    expect(after.organizations).toEqual([
      { organizationId: 'acme', users: 3, using: 2 },
      { organizationId: 'globex', users: 3, using: 2 },
    ]);
    expect(after).toMatchObject({ users: 6, using: 4, blocked: 1 });
    expect(before.organizations).toEqual([
      { organizationId: 'acme', users: 3, using: 2 },
      { organizationId: 'globex', users: 1, using: 1 },
    ]);
  });
});
