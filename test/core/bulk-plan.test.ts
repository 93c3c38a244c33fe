import { describe, expect, it } from 'vitest';
import { UnknownAreaError, type Area, type AreaSeatCounts, type Organization } from '../../src/index.js';
import { planBulkCreate, type BulkCandidate } from '../../src/core/bulk-plan.js';
import { usernameKey } from '../../src/core/schemas.js';
import { type SeatContext } from '../../src/core/seat-policy.js';

const at = new Date('2026-01-01T00:00:00Z');

function seatContext(areaId: string, maxUsers: number, using: number, organizations: Partial<Organization>[] = [], orgUsing: Record<string, number> = {}): SeatContext {
  const area: Area = { id: areaId, kind: areaId === 'primary' ? 'primary' : 'extranet', name: `Area ${areaId}`, maxUsers, graceSeats: 0, createdAt: at, updatedAt: at };
  const counts: AreaSeatCounts = {
    areaId,
    users: using,
    using,
    activeSystem: 0,
    blocked: 0,
    organizations: Object.entries(orgUsing).map(([organizationId, n]) => ({ organizationId, users: n, using: n })),
  };
  return {
    area,
    counts,
    organizations: organizations.map((o) => ({ id: 'x', areaId, name: o.id ?? 'x', access: 'granted', maxUsers: null, createdAt: at, updatedAt: at, ...o })),
  };
}

function candidate(username: string, extra: Partial<BulkCandidate> = {}): BulkCandidate {
  return { username, externalId: null, areaId: 'primary', organizationId: null, active: true, ...extra };
}

/** A stored username, of the host company unless an organization is given. */
type Stored = string | { readonly username: string; readonly organizationId: string | null };

function plan(candidates: BulkCandidate[], contexts: SeatContext[], taken: { usernames?: Stored[]; externalIds?: string[] } = {}) {
  const holders = (taken.usernames ?? []).map((u) => (typeof u === 'string' ? { username: u, organizationId: null } : u));
  return planBulkCreate({
    candidates,
    contexts: new Map(contexts.map((c) => [c.area.id, c])),
    takenUsernames: new Map(holders.map((h) => [usernameKey(h.username), h])),
    takenExternalIds: new Set(taken.externalIds ?? []),
    minimumPurchase: 5,
  });
}

const codes = (p: ReturnType<typeof plan>) => p.decisions.map((d) => (d.ok ? 'ok' : d.reason.code));

describe('planBulkCreate', () => {
  it('accepts candidates in order until the area is full, then refuses with LICENSE_LIMIT_REACHED', () => {
    const p = plan([candidate('a'), candidate('b'), candidate('c'), candidate('d')], [seatContext('primary', 3, 1)]);
    expect(codes(p)).toEqual(['ok', 'ok', 'LICENSE_LIMIT_REACHED', 'LICENSE_LIMIT_REACHED']);
    expect(p.decisions[2]).toMatchObject({ ok: false, reason: { areaId: 'primary', maxUsers: 3, using: 3 } });
    expect(p.shortages).toMatchObject([{ areaId: 'primary', needed: 4, short: 2, smallestPurchase: 5 }]);
  });

  it('candidates created blocked take no seat and are accepted in a full area', () => {
    const p = plan([candidate('a', { active: false }), candidate('b'), candidate('c', { active: false })], [seatContext('primary', 1, 1)]);
    expect(codes(p)).toEqual(['ok', 'LICENSE_LIMIT_REACHED', 'ok']);
    expect(p.shortages).toMatchObject([{ needed: 1, short: 1 }]);
  });

  it('a username taken in storage, ignoring case, or by an earlier candidate is USERNAME_TAKEN', () => {
    const p = plan([candidate('Alice'), candidate('bob'), candidate('BOB')], [seatContext('primary', 10, 0)], { usernames: ['alice'] });
    expect(codes(p)).toEqual(['USERNAME_TAKEN', 'ok', 'USERNAME_TAKEN']);
    expect(p.decisions[0]).toMatchObject({ ok: false, reason: { message: expect.stringContaining('is taken by "alice"') } });
    expect(p.decisions[2]).toMatchObject({ ok: false, reason: { message: expect.stringContaining('more than once in this batch') } });
    expect(p.shortages).toEqual([]);
  });

  it('usernames compare by their canonical form: ß is ss, composed is decomposed, full-width is ordinary', () => {
    const p = plan([candidate('STRASSE'), candidate('e\u0301mile'), candidate('\uff41dmin')], [seatContext('primary', 10, 0)], {
      usernames: ['straße', '\u00e9mile', 'admin'],
    });
    expect(codes(p)).toEqual(['USERNAME_TAKEN', 'USERNAME_TAKEN', 'USERNAME_TAKEN']);
    expect(p.decisions[0]).toMatchObject({
      ok: false,
      reason: { message: 'The username "STRASSE" is taken by "straße" (usernames are compared ignoring case, width and accent composition). Choose another.' },
    });
  });

  it('a USERNAME_TAKEN refusal names the holder only to a requester of its own organization, and no key refusal carries seat figures', () => {
    const p = plan(
      [candidate('ALICE', { organizationId: 'acme' }), candidate('BOB', { organizationId: 'acme' }), candidate('CAROL'), candidate('dan', { externalId: 'x1' })],
      [seatContext('primary', 10, 0, [{ id: 'acme' }])],
      { usernames: [{ username: 'alice', organizationId: null }, { username: 'bob', organizationId: 'acme' }, { username: 'carol', organizationId: 'globex' }], externalIds: ['x1'] },
    );
    const messages = p.decisions.map((d) => (d.ok ? '' : d.reason.message));
    expect(messages[0]).not.toContain('"alice"');
    expect(messages[1]).toContain('is taken by "bob"');
    expect(messages[2]).not.toContain('"carol"');
    expect(messages[3]).toBe('Another user already has external id "x1". External ids are unique.');
    for (const decision of p.decisions) {
      expect(decision.ok).toBe(false);
      if (!decision.ok) expect(Object.keys(decision.reason).sort()).toEqual(['areaId', 'code', 'message']);
    }
  });

  it('a username that could pass for another is USERNAME_NOT_ALLOWED, and claims nothing', () => {
    const p = plan([candidate('admin\u200b'), candidate('\u0430dmin'), candidate('ab\u202ecd'), candidate('admin')], [seatContext('primary', 10, 0)]);
    expect(codes(p)).toEqual(['USERNAME_NOT_ALLOWED', 'USERNAME_NOT_ALLOWED', 'USERNAME_NOT_ALLOWED', 'ok']);
    expect(p.decisions[0]).toMatchObject({ ok: false, reason: { message: expect.stringContaining('invisible character U+200B') } });
  });

  it('the first candidate with a username claims it even when refused a seat', () => {
    const p = plan([candidate('a'), candidate('b'), candidate('B', { active: false })], [seatContext('primary', 1, 0)]);
    expect(codes(p)).toEqual(['ok', 'LICENSE_LIMIT_REACHED', 'USERNAME_TAKEN']);
  });

  it('an external id taken in storage or earlier in the batch is EXTERNAL_ID_TAKEN', () => {
    const p = plan(
      [candidate('a', { externalId: 'x1' }), candidate('b', { externalId: 'x2' }), candidate('c', { externalId: 'x2' })],
      [seatContext('primary', 10, 0)],
      { externalIds: ['x1'] },
    );
    expect(codes(p)).toEqual(['EXTERNAL_ID_TAKEN', 'ok', 'EXTERNAL_ID_TAKEN']);
  });

  it('a refused candidate takes nothing, so a later partner with quota left still gets a seat', () => {
    // 10 seats: acme has 5 set aside (unused), the host uses the other 5.
    const ctx = seatContext('primary', 10, 5, [{ id: 'acme', maxUsers: 5 }]);
    const p = plan([candidate('host1'), candidate('p1', { organizationId: 'acme' }), candidate('host2'), candidate('p2', { organizationId: 'acme' })], [ctx]);
    expect(codes(p)).toEqual(['LICENSE_LIMIT_REACHED', 'ok', 'LICENSE_LIMIT_REACHED', 'ok']);
    expect(p.shortages).toMatchObject([{ needed: 4, short: 2 }]);
  });

  it('a partner quota stops its users at the quota; others still fit', () => {
    const ctx = seatContext('primary', 10, 1, [{ id: 'acme', maxUsers: 2 }], { acme: 1 });
    const p = plan([candidate('p1', { organizationId: 'acme' }), candidate('p2', { organizationId: 'acme' }), candidate('h1')], [ctx]);
    expect(codes(p)).toEqual(['ok', 'PARTNER_QUOTA_REACHED', 'ok']);
    expect(p.shortages).toMatchObject([{ short: 0, smallestPurchase: 0, partnerQuotas: [{ organizationId: 'acme', short: 1 }] }]);
  });

  it("a denied partner's users are refused, and no purchase is suggested for them", () => {
    const ctx = seatContext('primary', 10, 0, [{ id: 'gone', access: 'denied', maxUsers: null }]);
    const p = plan([candidate('d1', { organizationId: 'gone' }), candidate('h1')], [ctx]);
    expect(codes(p)).toEqual(['PARTNER_ACCESS_DENIED', 'ok']);
    expect(p.shortages).toEqual([]);
  });

  it('decides each area against its own seats and reports each short area', () => {
    const p = plan(
      [candidate('a'), candidate('x1', { areaId: 'extranet' }), candidate('x2', { areaId: 'extranet' }), candidate('b')],
      [seatContext('primary', 5, 3), seatContext('extranet', 1, 0)],
    );
    expect(codes(p)).toEqual(['ok', 'ok', 'LICENSE_LIMIT_REACHED', 'ok']);
    expect(p.shortages).toMatchObject([{ areaId: 'extranet', needed: 2, short: 1 }]);
  });

  it('throws UnknownAreaError for an area without a seat context', () => {
    expect(() => plan([candidate('a', { areaId: 'nowhere' })], [seatContext('primary', 5, 0)])).toThrow(UnknownAreaError);
  });
});
