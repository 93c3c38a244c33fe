import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Organization } from '../../src/index.js';
import { addToCounts, areaUsage, unallocatedRemaining } from '../../src/core/usage.js';
import { decideSeat } from '../../src/core/seat-policy.js';
import { area, counts, partner } from '../support/partners.js';

describe('decideSeat with partner organizations', () => {
  it('a partner with a quota gets a seat up to its quota exactly, then PARTNER_QUOTA_REACHED', () => {
    const organizations = [partner('acme', 3)];
    expect(decideSeat({ area: area(100), counts: counts(0, { acme: 2 }), organizations }, 'acme')).toEqual({ ok: true });
    expect(decideSeat({ area: area(100), counts: counts(0, { acme: 3 }), organizations }, 'acme')).toEqual({
      ok: false,
      reason: expect.objectContaining({ code: 'PARTNER_QUOTA_REACHED', areaId: 'primary', organizationId: 'acme', maxUsers: 3, using: 3 }),
    });
  });

  it('a partner with a quota of 0 gets no seat', () => {
    const decision = decideSeat({ area: area(100), counts: counts(0), organizations: [partner('acme', 0)] }, 'acme');
    expect(decision).toMatchObject({ ok: false, reason: { code: 'PARTNER_QUOTA_REACHED', maxUsers: 0, using: 0 } });
  });

  it('a denied partner gets no seat, even with quota and area seats left', () => {
    const decision = decideSeat({ area: area(100), counts: counts(0), organizations: [partner('acme', 10, 'denied')] }, 'acme');
    expect(decision).toMatchObject({ ok: false, reason: { code: 'PARTNER_ACCESS_DENIED', organizationId: 'acme', maxUsers: 10, using: 0 } });
  });

  it('a denied partner is refused for its access before the area limit is looked at', () => {
    const decision = decideSeat({ area: area(1), counts: counts(1), organizations: [partner('acme', null, 'denied')] }, 'acme');
    expect(decision).toMatchObject({ ok: false, reason: { code: 'PARTNER_ACCESS_DENIED' } });
  });

  it('a host user needs an unallocated seat: the seats set aside by quotas are not the host company\'s', () => {
    const organizations = [partner('acme', 4)];
    // 10 seats, 4 set aside: the host company may hold 6.
    expect(decideSeat({ area: area(10), counts: counts(5), organizations }, null)).toEqual({ ok: true });
    const refused = decideSeat({ area: area(10), counts: counts(6), organizations }, null);
    expect(refused).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', areaId: 'primary', maxUsers: 10, using: 6 } });
    expect(refused.ok ? undefined : refused.reason.organizationId).toBeUndefined();
  });

  it('a denied partner with a quota still counts against the host company\'s remaining', () => {
    const organizations = [partner('gone', 4, 'denied')];
    expect(decideSeat({ area: area(10), counts: counts(5), organizations }, null)).toEqual({ ok: true });
    expect(decideSeat({ area: area(10), counts: counts(6), organizations }, null)).toMatchObject({
      ok: false,
      reason: { code: 'LICENSE_LIMIT_REACHED' },
    });
  });

  it('a denied partner with a quota of 0 sets nothing aside', () => {
    const organizations = [partner('gone', 0, 'denied')];
    expect(decideSeat({ area: area(10), counts: counts(9), organizations }, null)).toEqual({ ok: true });
  });

  it('a partner without a quota draws from the unallocated seats like the host company', () => {
    const organizations = [partner('acme', 4), partner('beta', null)];
    expect(decideSeat({ area: area(10), counts: counts(3, { beta: 2 }), organizations }, 'beta')).toEqual({ ok: true });
    expect(decideSeat({ area: area(10), counts: counts(3, { beta: 3 }), organizations }, 'beta')).toMatchObject({
      ok: false,
      reason: { code: 'LICENSE_LIMIT_REACHED', organizationId: 'beta', using: 3 },
    });
  });

  it("a refusal for a partner's user carries only what its admin's view shows: no area figures, no quota unless every partner has one", () => {
    const unquoted = decideSeat({ area: area(10), counts: counts(3, { beta: 3 }), organizations: [partner('acme', 4), partner('beta', null)] }, 'beta');
    if (unquoted.ok) throw new Error('refusal expected');
    expect(unquoted.reason).toEqual({ code: 'LICENSE_LIMIT_REACHED', areaId: 'primary', organizationId: 'beta', using: 3, message: unquoted.reason.message });
    expect(unquoted.reason.message).not.toMatch(/\b(10|6)\b/);
    // acme has a quota, but beta has none: acme's admin does not see its remaining seats, so the refusal has no quota either.
    const hidden = decideSeat({ area: area(10), counts: counts(4, { acme: 4 }), organizations: [partner('acme', 4), partner('beta', null)] }, 'acme');
    expect(hidden.ok ? null : hidden.reason).toMatchObject({ code: 'PARTNER_QUOTA_REACHED', using: 4 });
    expect(hidden.ok ? null : hidden.reason).not.toHaveProperty('maxUsers');
    const shown = decideSeat({ area: area(10), counts: counts(4, { acme: 4 }), organizations: [partner('acme', 4), partner('beta', 0)] }, 'acme');
    expect(shown.ok ? null : shown.reason).toMatchObject({ code: 'PARTNER_QUOTA_REACHED', maxUsers: 4, using: 4 });
  });

  it("a refusal for a host-company user carries the area's figures", () => {
    const decision = decideSeat({ area: area(10), counts: counts(10), organizations: [] }, null);
    expect(decision).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', areaId: 'primary', maxUsers: 10, using: 10 } });
  });

  it('a partner with quota left gets a seat although the unallocated seats are gone', () => {
    const organizations = [partner('acme', 4)];
    expect(decideSeat({ area: area(10), counts: counts(6, { acme: 3 }), organizations }, 'acme')).toEqual({ ok: true });
  });

  it('a partner with quota left is still refused when the area has no seat left', () => {
    // Over-allocated area (allowed with allowOverLimit): the area limit still holds.
    const organizations = [partner('acme', 12)];
    const decision = decideSeat({ area: area(10), counts: counts(1, { acme: 9 }), organizations }, 'acme');
    expect(decision).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', organizationId: 'acme', maxUsers: 12, using: 9 } });
  });

  it('grace seats extend the area and the unallocated seats, never a partner quota', () => {
    const noPartner: Organization[] = [];
    expect(decideSeat({ area: area(10, 2), counts: counts(11), organizations: noPartner }, null)).toEqual({ ok: true });
    expect(decideSeat({ area: area(10, 2), counts: counts(12), organizations: noPartner }, null)).toMatchObject({ ok: false });

    const organizations = [partner('acme', 4)];
    // 10 + 2 grace - 4 set aside: the host company may hold 8.
    expect(decideSeat({ area: area(10, 2), counts: counts(7), organizations }, null)).toEqual({ ok: true });
    expect(decideSeat({ area: area(10, 2), counts: counts(8), organizations }, null)).toMatchObject({
      ok: false,
      reason: { code: 'LICENSE_LIMIT_REACHED' },
    });
    expect(decideSeat({ area: area(10, 2), counts: counts(0, { acme: 4 }), organizations }, 'acme')).toMatchObject({
      ok: false,
      reason: { code: 'PARTNER_QUOTA_REACHED' },
    });
  });

  it('a partner beyond its quota takes its extra seats from the unallocated seats', () => {
    // acme's quota was lowered to 5 below its 6 seats (allowOverLimit): its sixth seat is not set aside, it is taken.
    const organizations = [partner('acme', 5)];
    const c = counts(2, { acme: 6 });
    expect(unallocatedRemaining(area(10), c, organizations)).toBe(2);
    expect(areaUsage(area(10), c, organizations)).toMatchObject({ remaining: 2, allocated: 5, unallocatedRemaining: 2 });
    expect(decideSeat({ area: area(10), counts: counts(3, { acme: 6 }), organizations }, null)).toEqual({ ok: true });
    expect(decideSeat({ area: area(10), counts: counts(4, { acme: 6 }), organizations }, null)).toMatchObject({
      ok: false,
      reason: { code: 'LICENSE_LIMIT_REACHED' },
    });
  });

  it('however seats are asked for, no area exceeds its seats plus grace and no partner its quota', () => {
    const scenario = fc.record({
      maxUsers: fc.integer({ min: 0, max: 30 }),
      graceSeats: fc.integer({ min: 0, max: 3 }),
      quotas: fc.array(fc.option(fc.integer({ min: 0, max: 15 }), { nil: null }), { minLength: 1, maxLength: 4 }),
      denied: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      requests: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 80 }),
    });
    fc.assert(
      fc.property(scenario, ({ maxUsers, graceSeats, quotas, denied, requests }) => {
        const a = area(maxUsers, graceSeats);
        const organizations = quotas.map((q, i) => partner(`p${i}`, q, denied[i] ? 'denied' : 'granted'));
        let c = counts(0);
        for (const request of requests) {
          const organization = request < 0 || request >= organizations.length ? null : (organizations[request] as Organization);
          const decision = decideSeat({ area: a, counts: c, organizations }, organization?.id ?? null);
          if (decision.ok) c = addToCounts(c, { kind: 'licensed', state: 'active', organizationId: organization?.id ?? null });
        }
        expect(c.using).toBeLessThanOrEqual(maxUsers + graceSeats);
        for (const o of organizations) {
          const using = c.organizations.find((x) => x.organizationId === o.id)?.using ?? 0;
          if (o.access === 'denied') expect(using).toBe(0);
          if (o.maxUsers !== null) expect(using).toBeLessThanOrEqual(o.maxUsers);
        }
        const usage = areaUsage(a, c, organizations);
        expect(usage.unallocatedRemaining).toBeLessThanOrEqual(usage.remaining);
        const quotedUsing = c.organizations.reduce((sum, x) => (quotas[Number(x.organizationId.slice(1))] === null ? sum : sum + x.using), 0);
        expect(c.using - quotedUsing).toBeLessThanOrEqual(Math.max(0, maxUsers + graceSeats - usage.allocated));
      }),
    );
  });
});
