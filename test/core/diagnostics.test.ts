import { describe, expect, it } from 'vitest';
import { type AreaUsage, type Organization } from '../../src/index.js';
import { areaUsage } from '../../src/core/usage.js';
import { diagnoseConfiguration, type DiagnosticsInput } from '../../src/core/diagnostics.js';
import { area, counts, partner } from '../support/partners.js';

function diagnose(areas: AreaUsage[], overrides: Partial<DiagnosticsInput> = {}) {
  return diagnoseConfiguration({ areas, responsiblePerson: 'licences@example.com', legacyGuests: [], ...overrides });
}

function codes(areas: AreaUsage[], overrides: Partial<DiagnosticsInput> = {}) {
  return diagnose(areas, overrides).map((f) => f.code);
}

const usage = (maxUsers: number, host: number, organizations: Organization[] = [], using: Record<string, number> = {}) =>
  areaUsage(area(maxUsers), counts(host, using), organizations);

describe('diagnoseConfiguration', () => {
  it('finds nothing in a sound configuration', () => {
    expect(diagnose([usage(100, 10, [partner('acme', 10), partner('gone', 0, 'denied')], { acme: 4 })])).toEqual([]);
  });

  it('a denied partner holding a quota is a warning that tells to set it to 0', () => {
    const [f] = diagnose([usage(100, 0, [partner('gone', 10, 'denied', 'Gone Ltd')])]);
    expect(f).toMatchObject({ code: 'DENIED_PARTNER_HOLDS_QUOTA', severity: 'warning', areaId: 'primary', organizationId: 'gone' });
    expect(f?.fix).toBe('Set its Maximum Users to 0.');
    expect(f?.message).toMatch(/^Gone Ltd is denied access but keeps a Maximum Users of 10: those seats still count against the host company's remaining/);
    expect(f?.message.endsWith(f.fix)).toBe(true);
  });

  it('a denied partner with a quota of 0 raises nothing', () => {
    expect(codes([usage(100, 0, [partner('gone', 0, 'denied')])])).toEqual([]);
  });

  it('a denied partner without a quota is a warning: it hides Remaining from every partner admin', () => {
    const [f] = diagnose([usage(100, 0, [partner('gone', null, 'denied')])]);
    expect(f).toMatchObject({ code: 'DENIED_PARTNER_WITHOUT_QUOTA', severity: 'warning', organizationId: 'gone', fix: 'Set its Maximum Users to 0.' });
    expect(f?.message).toMatch(/no partner admin of Primary Area sees their Remaining seats/);
  });

  it('a denied partner whose users still hold seats is told to block them first, and that denying blocked nobody', () => {
    const findings = diagnose([usage(100, 0, [partner('gone', 5, 'denied')], { gone: 2 })]);
    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ['DENIED_PARTNER_HOLDS_QUOTA', 'warning'],
      ['DENIED_PARTNER_HAS_ACTIVE_USERS', 'info'],
    ]);
    expect(findings[0]?.fix).toBe('Set its Maximum Users to 0 (it still uses 2 seat(s): block those users first, or pass allowOverLimit: true).');
    expect(findings[1]?.message).toMatch(/2 of its users are still active and hold seats: denying access blocks nobody/);
  });

  it('an over-allocated area is an error with the excess', () => {
    const findings = diagnose([usage(10, 0, [partner('acme', 8), partner('beta', 5)])]);
    expect(findings).toEqual([expect.objectContaining({ code: 'AREA_OVER_ALLOCATED', severity: 'error', areaId: 'primary' })]);
    expect(findings[0]?.message).toMatch(/add up to 13 but the area has 10 seats/);
    expect(findings[0]?.fix).toMatch(/Lower the partner quotas by 3 in total, or purchase 5 licenses/);
  });

  it('quotas that allocate the area exactly are not over-allocated', () => {
    expect(codes([usage(10, 0, [partner('acme', 5), partner('beta', 5)])])).toEqual([]);
  });

  it('an area over its limit is an error that says how many seats to buy or free', () => {
    const findings = diagnose([usage(10, 12)], { minimumPurchase: 5 });
    expect(findings).toEqual([expect.objectContaining({ code: 'AREA_OVER_LIMIT', severity: 'error', areaId: 'primary' })]);
    expect(findings[0]?.message).toMatch(/uses 12 seats but has 10: it is over its limit by 2/);
    expect(findings[0]?.fix).toMatch(/Purchase at least 5 licenses .* block or delete at least 3 profiles/);
    expect(codes([usage(10, 11)])).toEqual(['AREA_OVER_LIMIT']);
    expect(codes([usage(10, 10)])).toEqual([]);
  });

  it('quotas set aside seats the host company already uses: a warning', () => {
    // 10 seats, quota 5, host uses 6: the partner can reach 4, not 5.
    const findings = diagnose([usage(10, 6, [partner('acme', 5)])]);
    expect(findings).toEqual([expect.objectContaining({ code: 'QUOTAS_NOT_COVERED', severity: 'warning' })]);
    expect(findings[0]?.message).toMatch(/already use 6 of its 10: partners with a quota can be refused 1 seat\(s\)/);
    expect(codes([usage(10, 5, [partner('acme', 5)])])).toEqual([]);
  });

  it('a partner over its quota is a warning', () => {
    const findings = diagnose([usage(100, 0, [partner('acme', 3)], { acme: 5 })]);
    expect(findings).toEqual([expect.objectContaining({ code: 'PARTNER_OVER_QUOTA', severity: 'warning', organizationId: 'acme' })]);
    expect(findings[0]?.fix).toBe('Block 2 of its users, or raise its Maximum Users to 5.');
    expect(codes([usage(100, 0, [partner('acme', 3)], { acme: 3 })])).toEqual([]);
  });

  it('a granted partner without a quota is worth knowing: partner admins see no Remaining', () => {
    expect(diagnose([usage(100, 0, [partner('acme', 10), partner('beta', null)])])).toEqual([
      expect.objectContaining({ code: 'PARTNER_WITHOUT_QUOTA', severity: 'info', organizationId: 'beta' }),
    ]);
  });

  it('no responsible person is a warning', () => {
    expect(diagnose([usage(10, 0)], { responsiblePerson: null })).toEqual([
      expect.objectContaining({ code: 'NO_RESPONSIBLE_PERSON', severity: 'warning', fix: 'Set one with setResponsiblePerson(email); a group address is fine.' }),
    ]);
  });

  it('a renamed legacy guest not yet migrated is a warning naming the user', () => {
    const findings = diagnose([usage(10, 0)], { legacyGuests: [{ id: 'u1', username: 'visitor', areaId: 'primary' }] });
    expect(findings).toEqual([expect.objectContaining({ code: 'LEGACY_GUEST_NOT_MIGRATED', severity: 'warning', userId: 'u1', areaId: 'primary' })]);
    expect(findings[0]?.fix).toMatch(/migrateLegacyGuest\(\): "visitor" becomes an active licensed user taking a seat in Primary Area/);
  });

  it('usernames that are one name by the comparison rules are a warning naming both users, and asking for a rename', () => {
    const holder = { id: 'u1', username: 'straße', areaId: 'primary' };
    const other = { id: 'u2', username: 'STRASSE', areaId: 'extranet' };
    const findings = diagnose([usage(10, 0)], { usernameCollisions: [[holder, other]] });
    expect(findings).toEqual([expect.objectContaining({ code: 'USERNAME_COLLISION', severity: 'warning', userId: 'u2', areaId: 'extranet' })]);
    expect(findings[0]?.message).toContain('"straße" (id u1) and "STRASSE" (id u2)');
    expect(findings[0]?.fix).toMatch(/^Rename one of them with updateUser/);
  });

  it('no primary area is an error', () => {
    const extranet = { ...usage(10, 0), kind: 'extranet' as const };
    expect(codes([extranet])).toEqual(['NO_PRIMARY_AREA']);
    expect(codes([])).toEqual(['NO_PRIMARY_AREA']);
  });

  it('orders errors, then warnings, then information', () => {
    const findings = diagnose([usage(10, 12, [partner('beta', null), partner('gone', 3, 'denied')])], { responsiblePerson: null });
    expect(findings.map((f) => f.severity)).toEqual(['error', 'warning', 'warning', 'info']);
    expect(findings.map((f) => f.code)).toEqual(['AREA_OVER_LIMIT', 'NO_RESPONSIBLE_PERSON', 'DENIED_PARTNER_HOLDS_QUOTA', 'PARTNER_WITHOUT_QUOTA']);
  });
});
