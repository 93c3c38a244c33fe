import { describe, expect, it } from 'vitest';
import { type Organization } from '../../src/index.js';
import { explainSeat } from '../../src/core/explain.js';
import { area, counts, partner, user } from '../support/partners.js';

const BLOCKED_AT = new Date('2026-02-03T04:05:06Z');

describe('explainSeat', () => {
  it('an active host user holds a seat in its area', () => {
    const e = explainSeat({ user: user(), area: area(10), counts: counts(4), organizations: [] });
    expect(e).toMatchObject({ userId: 'u1', holdsSeat: true, code: 'HOLDS_SEAT' });
    expect(e.explanation).toBe('"alice" holds a seat in Primary Area (4 of 10 in use) as a host company user.');
    expect(e.facts).toMatchObject({
      username: 'alice',
      kind: 'licensed',
      state: 'active',
      organization: null,
      seatNow: null,
      area: { areaId: 'primary', name: 'Primary Area', maxUsers: 10, using: 4, remaining: 6, unallocatedRemaining: 6 },
    });
  });

  it('an active partner user holds a seat within its partner quota', () => {
    const organizations = [partner('acme', 10, 'granted', 'Acme')];
    const e = explainSeat({ user: user({ organizationId: 'acme' }), area: area(100), counts: counts(20, { acme: 4 }), organizations });
    expect(e).toMatchObject({ holdsSeat: true, code: 'HOLDS_SEAT' });
    expect(e.explanation).toBe('"alice" holds a seat in Primary Area (24 of 100 in use) as a user of Acme (partner quota: 4 of 10 used).');
    expect(e.facts.organization).toEqual({ organizationId: 'acme', name: 'Acme', access: 'granted', maxUsers: 10, using: 4, remaining: 6 });
  });

  it('a partner without a quota takes its seats from the unallocated seats', () => {
    const e = explainSeat({ user: user({ organizationId: 'beta' }), area: area(100), counts: counts(0, { beta: 1 }), organizations: [partner('beta', null, 'granted', 'Beta')] });
    expect(e.explanation).toMatch(/Beta has no quota: it takes seats from the area's unallocated seats/);
  });

  it('a user of a denied partner keeps its seat, and is told the partner gets no new one', () => {
    const organizations = [partner('gone', 3, 'denied', 'Gone')];
    const e = explainSeat({ user: user({ organizationId: 'gone' }), area: area(100), counts: counts(0, { gone: 2 }), organizations });
    expect(e).toMatchObject({ holdsSeat: true, code: 'HOLDS_SEAT_PARTNER_DENIED', facts: { organization: { access: 'denied' } } });
    expect(e.explanation).toMatch(/Gone has been denied access: its users keep their seats, but it gets no new or reinstated seat/);
  });

  it('a system account never needs a seat, active or not', () => {
    const su = user({ username: 'superuser', kind: 'system', systemRole: 'superuser', source: 'system' });
    expect(explainSeat({ user: su, area: area(10), counts: counts(0), organizations: [] })).toMatchObject({
      holdsSeat: false,
      code: 'SYSTEM_ACCOUNT',
      explanation: '"superuser" is a system account (SuperUser): it never needs a seat. It counts in Primary Area\'s total active users, not in Using.',
      facts: { seatNow: null },
    });
    const guest = user({ username: 'guest', kind: 'system', systemRole: 'guest', state: 'blocked', blockReason: 'admin', blockedBy: 'seatkeeper' });
    expect(explainSeat({ user: guest, area: area(10), counts: counts(0), organizations: [] })).toMatchObject({
      holdsSeat: false,
      code: 'SYSTEM_ACCOUNT',
      explanation: '"guest" is a system account (Guest), currently inactive: it never needs a seat.',
      facts: { seatNow: null },
    });
  });

  it('a renamed guest is a legacy guest waiting for migration', () => {
    const legacy = user({ username: 'visitor', kind: 'system', systemRole: 'guest' });
    const e = explainSeat({ user: legacy, area: area(10), counts: counts(0), organizations: [] });
    expect(e).toMatchObject({ holdsSeat: false, code: 'LEGACY_GUEST' });
    expect(e.explanation).toMatch(/Run migrateLegacyGuest\(\)/);
  });

  it('a user blocked by an admin says by whom and when, and whether a seat is free to reinstate it', () => {
    const blocked = user({ state: 'blocked', blockReason: 'admin', blockedBy: 'jane', blockedAt: BLOCKED_AT });
    const free = explainSeat({ user: blocked, area: area(10), counts: counts(4), organizations: [] });
    expect(free).toMatchObject({ holdsSeat: false, code: 'BLOCKED_BY_ADMIN', facts: { blockedBy: 'jane', blockReason: 'admin', blockedAt: BLOCKED_AT, seatNow: { ok: true } } });
    expect(free.explanation).toBe(
      '"alice" was blocked by an admin (jane) since 2026-02-03T04:05:06.000Z and holds no seat. A directory sync never re-activates it; reinstateUser() does. A seat is free for it now.',
    );
    const full = explainSeat({ user: blocked, area: area(4), counts: counts(4), organizations: [] });
    expect(full.facts.seatNow).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
    expect(full.explanation).toMatch(/No seat is free for it now: Primary Area has no user license left \(4 of 4 in use\)/);
  });

  it('a user waiting for a license says why it still waits: here its partner\'s quota', () => {
    const organizations: Organization[] = [partner('acme', 2, 'granted', 'Acme')];
    const waiting = user({ organizationId: 'acme', state: 'blocked', blockReason: 'license-limit', blockedBy: 'directory', blockedAt: BLOCKED_AT, source: 'directory' });
    const e = explainSeat({ user: waiting, area: area(100), counts: counts(0, { acme: { using: 2, blocked: 1 } }), organizations });
    expect(e).toMatchObject({ holdsSeat: false, code: 'WAITING_FOR_SEAT', facts: { seatNow: { ok: false, reason: { code: 'PARTNER_QUOTA_REACHED' } } } });
    expect(e.explanation).toMatch(/^"alice" is blocked waiting for a license since 2026-02-03T04:05:06.000Z and holds no seat. It stays blocked until a seat is free. Acme has used its whole quota \(2 of 2\)/);
    const freed = explainSeat({ user: waiting, area: area(100), counts: counts(0, { acme: { using: 1, blocked: 1 } }), organizations });
    expect(freed.explanation).toMatch(/A seat is free now: the next directory sync activates it/);
  });

  it('a blocked user of a denied partner cannot get a seat back', () => {
    const blocked = user({ organizationId: 'gone', state: 'blocked', blockReason: 'admin' });
    const e = explainSeat({ user: blocked, area: area(100), counts: counts(0, { gone: { using: 0, blocked: 1 } }), organizations: [partner('gone', 5, 'denied')] });
    expect(e.facts.seatNow).toMatchObject({ ok: false, reason: { code: 'PARTNER_ACCESS_DENIED' } });
  });

  it('directory blocks are named as such', () => {
    const disabled = user({ state: 'blocked', blockReason: 'directory-disabled', blockedBy: 'directory' });
    const removed = user({ state: 'blocked', blockReason: 'directory-removed', blockedBy: 'directory' });
    expect(explainSeat({ user: disabled, area: area(10), counts: counts(0), organizations: [] })).toMatchObject({ code: 'DISABLED_IN_DIRECTORY', holdsSeat: false });
    expect(explainSeat({ user: removed, area: area(10), counts: counts(0), organizations: [] })).toMatchObject({ code: 'REMOVED_FROM_DIRECTORY', holdsSeat: false });
  });
});
