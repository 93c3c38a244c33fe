import { describe, expect, it } from 'vitest';
import { ConfigurationRefusedError, type Area, type Organization } from '../../src/index.js';
import { emptyAreaCounts } from '../../src/core/usage.js';
import { licenseRequestIssues, licenseRequestSchema, licenseRequestSummary, planLicenseChange, type AreaFigures } from '../../src/core/license-request.js';

const at = new Date(0);
function figures(id: string, maxUsers: number, using: number, organizations: Organization[] = []): [string, AreaFigures] {
  const area: Area = { id, kind: id === 'primary' ? 'primary' : 'extranet', name: id.toUpperCase(), maxUsers, graceSeats: 0, createdAt: at, updatedAt: at };
  return [id, { area, counts: { ...emptyAreaCounts(id), users: using, using }, organizations }];
}

describe('licenseRequestIssues', () => {
  it('a purchase needs at least the minimum: 4 is refused, 5 accepted (default minimum 5)', () => {
    expect(licenseRequestIssues({ type: 'add', quantity: 4 }, 5)).toEqual([
      expect.objectContaining({ path: ['quantity'], code: 'too_small' }),
    ]);
    expect(licenseRequestIssues({ type: 'add', quantity: 5 }, 5)).toEqual([]);
  });

  it('a move needs two different areas and has no minimum', () => {
    expect(licenseRequestIssues({ type: 'move', from: 'a', to: 'a' }, 5)).toHaveLength(1);
    expect(licenseRequestIssues({ type: 'move', from: 'a', to: 'b' }, 5)).toEqual([]);
  });
});

describe('planLicenseChange', () => {
  const areas = new Map([figures('primary', 100, 80), figures('extranet', 20, 12)]);

  it('a purchase adds the quantity to the area', () => {
    expect(planLicenseChange({ type: 'add', areaId: 'extranet', quantity: 5 }, areas)).toEqual([
      { areaId: 'extranet', maxUsersBefore: 20, maxUsersAfter: 25 },
    ]);
  });

  it('a move takes from the source and gives to the target; down to exactly its use is allowed', () => {
    expect(planLicenseChange({ type: 'move', from: 'primary', to: 'extranet', quantity: 20 }, areas)).toEqual([
      { areaId: 'primary', maxUsersBefore: 100, maxUsersAfter: 80 },
      { areaId: 'extranet', maxUsersBefore: 20, maxUsersAfter: 40 },
    ]);
  });

  it('a move never leaves the source below its use unless allowOverLimit', () => {
    const move = { type: 'move' as const, from: 'primary', to: 'extranet', quantity: 21 };
    expect(() => planLicenseChange(move, areas)).toThrow(ConfigurationRefusedError);
    expect(() => planLicenseChange(move, areas)).toThrow(/79 seats for 80 users/);
    expect(planLicenseChange({ ...move, allowOverLimit: true }, areas)[0]).toMatchObject({ maxUsersAfter: 79 });
  });

  it('a move never takes more seats than the source has, even with allowOverLimit', () => {
    expect(() => planLicenseChange({ type: 'move', from: 'extranet', to: 'primary', quantity: 21, allowOverLimit: true }, areas)).toThrow(
      /has only 20/,
    );
  });

  it('a move never leaves the source below its partner quotas unless allowOverLimit', () => {
    const quota: Organization = { id: 'acme', areaId: 'extranet', name: 'Acme', access: 'granted', maxUsers: 15, createdAt: at, updatedAt: at };
    const withQuota = new Map([figures('primary', 100, 80), figures('extranet', 20, 2, [quota])]);
    const move = { type: 'move' as const, from: 'extranet', to: 'primary', quantity: 6 };
    expect(() => planLicenseChange(move, withQuota)).toThrow(/partner quotas/);
    expect(planLicenseChange({ ...move, quantity: 5 }, withQuota)[0]).toMatchObject({ maxUsersAfter: 15 });
  });
});

describe('license requests as values', () => {
  const add = {
    id: 'req-1',
    type: 'add' as const,
    areaId: 'primary',
    areaName: 'Primary Area',
    quantity: 5,
    maxUsersBefore: 100,
    maxUsersAfter: 105,
    using: 100,
    requestedAt: '2026-01-01T00:00:00.000Z',
    note: 'PO 4711',
  };

  it('the summary names the request, the area and the figures in plain text', () => {
    const text = licenseRequestSummary(add);
    expect(text).toContain('License purchase request req-1');
    expect(text).toContain('Please add 5 user licenses to Primary Area (primary).');
    expect(text).toContain('Licenses now: 100; in use: 100; after the purchase: 105.');
    expect(text).toContain('Note: PO 4711');
  });

  it('a request survives a JSON round trip and validates again', () => {
    const request = { ...add, summary: licenseRequestSummary(add) };
    expect(licenseRequestSchema.parse(JSON.parse(JSON.stringify(request)))).toEqual(request);
    expect(licenseRequestSchema.safeParse({ ...request, requestedAt: 'yesterday' }).success).toBe(false);
    expect(licenseRequestSchema.safeParse({ ...request, extra: 1 }).success).toBe(false);
  });
});
