import { describe, expect, it } from 'vitest';
import { type Organization } from '../../src/index.js';
import { decideOrganizationChange, type OrganizationChangeContext } from '../../src/core/organization-policy.js';
import { area, counts, partner } from '../support/partners.js';

function context(overrides: Partial<OrganizationChangeContext>): OrganizationChangeContext {
  return { area: area(10), counts: counts(0), organizations: [], before: null, usersLeftBehind: 0, ...overrides };
}

function rule(ctx: OrganizationChangeContext, after: Organization, allowOverLimit = false) {
  const decision = decideOrganizationChange(ctx, after, allowOverLimit);
  return decision.ok ? 'ok' : decision.rule;
}

describe('decideOrganizationChange', () => {
  it('a quota that allocates the area exactly is allowed; one seat more is OVER_ALLOCATED', () => {
    const ctx = context({ organizations: [partner('beta', 4)] });
    expect(rule(ctx, partner('acme', 6))).toBe('ok');
    expect(rule(ctx, partner('acme', 7))).toBe('OVER_ALLOCATED');
  });

  it('a denied partner\'s quota counts in the allocation a new quota must fit into', () => {
    const ctx = context({ organizations: [partner('gone', 4, 'denied')] });
    expect(rule(ctx, partner('acme', 7))).toBe('OVER_ALLOCATED');
  });

  it('the refusal says how far the quota may go', () => {
    const decision = decideOrganizationChange(context({ organizations: [partner('beta', 4)] }), partner('acme', 7), false);
    expect(decision.ok ? '' : decision.message).toMatch(/allocate 11 of Primary Area's 10 seats.*at most 6.*allowOverLimit: true/);
  });

  it('changing a quota counts the partner\'s own old quota once', () => {
    const before = partner('acme', 6);
    const ctx = context({ organizations: [before, partner('beta', 4)], before });
    expect(rule(ctx, partner('acme', 6, 'denied'))).toBe('ok');
    expect(rule(ctx, partner('acme', 7))).toBe('OVER_ALLOCATED');
  });

  it('allowOverLimit lets a quota over-allocate the area', () => {
    expect(rule(context({}), partner('acme', 11), true)).toBe('ok');
  });

  it('an over-allocated area may still have a quota lowered, but not raised', () => {
    const before = partner('acme', 8);
    const ctx = context({ area: area(5), organizations: [before], before });
    expect(rule(ctx, partner('acme', 7))).toBe('ok');
    expect(rule(ctx, partner('acme', 8))).toBe('ok');
    expect(rule(ctx, partner('acme', 9))).toBe('OVER_ALLOCATED');
  });

  it('no quota (null) never over-allocates', () => {
    expect(rule(context({ area: area(0) }), partner('acme', null))).toBe('ok');
  });

  it('a quota equal to the partner\'s use is allowed; one below is BELOW_USE', () => {
    const before = partner('acme', 10);
    const ctx = context({ organizations: [before], before, counts: counts(0, { acme: 5 }) });
    expect(rule(ctx, partner('acme', 5))).toBe('ok');
    expect(rule(ctx, partner('acme', 4))).toBe('BELOW_USE');
    expect(rule(ctx, partner('acme', 4), true)).toBe('ok');
  });

  it('setting a first quota below the partner\'s use is BELOW_USE; removing a quota is not', () => {
    const before = partner('acme', null);
    const ctx = context({ organizations: [before], before, counts: counts(0, { acme: 5 }) });
    expect(rule(ctx, partner('acme', 3))).toBe('BELOW_USE');
    const quoted = partner('acme', 6);
    expect(rule(context({ organizations: [quoted], before: quoted, counts: counts(0, { acme: 5 }) }), partner('acme', null))).toBe('ok');
  });

  it('setting a denied partner that still uses seats to 0 is BELOW_USE unless allowed', () => {
    const before = partner('gone', 5, 'denied');
    const ctx = context({ organizations: [before], before, counts: counts(0, { gone: 2 }) });
    expect(rule(ctx, partner('gone', 0, 'denied'))).toBe('BELOW_USE');
    expect(rule(ctx, partner('gone', 0, 'denied'), true)).toBe('ok');
  });

  it('a partner already below its use may be renamed or raised, not lowered further', () => {
    const before = partner('acme', 3);
    const ctx = context({ organizations: [before], before, counts: counts(0, { acme: 5 }) });
    expect(rule(ctx, partner('acme', 3, 'granted', 'Acme Ltd'))).toBe('ok');
    expect(rule(ctx, partner('acme', 4))).toBe('ok');
    expect(rule(ctx, partner('acme', 2))).toBe('BELOW_USE');
  });

  it('an organization cannot move to another area while it has users there, even with allowOverLimit', () => {
    const before: Organization = { ...partner('acme', 2), areaId: 'extranet' };
    expect(rule(context({ before, usersLeftBehind: 1 }), partner('acme', 2), true)).toBe('MOVE_WITH_USERS');
    expect(rule(context({ before, usersLeftBehind: 0 }), partner('acme', 2))).toBe('ok');
  });

  it('a moving organization\'s quota must fit into its new area', () => {
    const before: Organization = { ...partner('acme', 5), areaId: 'extranet' };
    expect(rule(context({ before, organizations: [partner('beta', 6)] }), partner('acme', 5))).toBe('OVER_ALLOCATED');
    expect(rule(context({ before, organizations: [partner('beta', 5)] }), partner('acme', 5))).toBe('ok');
  });
});
