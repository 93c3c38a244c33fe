import { describe, expect, it } from 'vitest';
import { dormantSkip, isDormant, lastSeenAt, planDormantUsers } from '../../src/core/dormant.js';
import { subDurationUtc } from '../../src/core/duration.js';
import { massBlockOverflow } from '../../src/core/mass-block.js';
import { at, blocked, user } from '../../src/testing/fixtures.js';

const DAY = 86_400_000;

describe('dormant users', () => {
  it('a user was last seen at its last activity, or at its creation when later or without activity', () => {
    expect(lastSeenAt(user('u', { createdAt: at(10), lastActivityAt: null }))).toEqual(at(10));
    expect(lastSeenAt(user('u', { createdAt: at(10), lastActivityAt: at(20) }))).toEqual(at(20));
    expect(lastSeenAt(user('u', { createdAt: at(10), lastActivityAt: at(5) }))).toEqual(at(10));
  });

  it('only active licensed users last seen strictly before the cutoff are dormant', () => {
    const cutoff = at(100);
    expect(isDormant(user('u', { createdAt: at(99) }), cutoff)).toBe(true);
    expect(isDormant(user('u', { createdAt: at(100) }), cutoff)).toBe(false);
    expect(isDormant(user('u', { createdAt: at(1), lastActivityAt: at(100) }), cutoff)).toBe(false);
    expect(isDormant(blocked(user('u', { createdAt: at(1) }), 'admin'), cutoff)).toBe(false);
    expect(isDormant(user('u', { createdAt: at(1), kind: 'system', systemRole: 'guest' }), cutoff)).toBe(false);
  });

  it('the cutoff is the period counted back in UTC: a day is 24 hours, a month a calendar month clamped to its end', () => {
    expect(subDurationUtc(new Date('2026-03-30T01:30:00Z'), { days: 1 }).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(subDurationUtc(new Date('2026-03-31T12:00:00Z'), { months: 1 }).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(subDurationUtc(new Date('2025-03-01T00:00:00Z'), { years: 1, days: 1 }).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(subDurationUtc(new Date('2026-06-30T08:00:00Z'), { weeks: 1, hours: 8, minutes: 1, seconds: 1 }).toISOString()).toBe('2026-06-22T23:58:59.000Z');
  });

  it('a plan leaves out who is excluded, by id or by username in any case, and counts per area for the guard', () => {
    const now = new Date(at(0).getTime() + 100 * DAY);
    const candidates = [user('u1', { username: 'Ann' }), user('u2', { username: 'bob' }), user('u3', { username: 'cid', areaId: 'b' }), user('u4', { username: 'dee' })];
    const plan = planDormantUsers({ now, options: { inactiveFor: { days: 90 }, exclude: ['ANN', 'u2'] }, candidates, using: new Map([['a', 10], ['b', 1]]) });
    expect(plan.users.map((u) => u.userId)).toEqual(['u3', 'u4']);
    expect(plan.areas).toEqual([{ areaId: 'a', blocking: 1, using: 10 }, { areaId: 'b', blocking: 1, using: 1 }]);
    expect(plan.refused).toMatchObject({ code: 'MASS_BLOCK_REFUSED', areas: [{ areaId: 'b', blocking: 1, using: 1, allowed: 0 }] });
    expect(plan.maxBlockShare).toBe(0.2);
    expect(planDormantUsers({ now, options: { inactiveFor: { days: 90 }, force: true }, candidates, using: new Map() }).refused).toBeNull();
  });

  it('applying leaves a user alone that was deleted, moved, blocked or active since the plan', () => {
    const planned = { userId: 'u1', username: 'ann', areaId: 'a', organizationId: null, lastActivityAt: null, createdAt: at(0) };
    const cutoff = at(1_000);
    const ann = user('u1', { username: 'ann', createdAt: at(0) });
    expect(dormantSkip(planned, ann, cutoff)).toBeNull();
    expect(dormantSkip(planned, null, cutoff)?.code).toBe('DELETED');
    expect(dormantSkip(planned, { ...ann, areaId: 'b' }, cutoff)?.code).toBe('MOVED');
    expect(dormantSkip(planned, blocked(ann, 'admin'), cutoff)?.code).toBe('NOT_ACTIVE');
    expect(dormantSkip(planned, { ...ann, lastActivityAt: at(1_000) }, cutoff)?.code).toBe('ACTIVE_SINCE_PLAN');
  });

  it('the mass-block guard allows floor(share x using) per area', () => {
    expect(massBlockOverflow(new Map([['a', 2]]), new Map([['a', 10]]), 0.2)).toEqual([]);
    expect(massBlockOverflow(new Map([['a', 3]]), new Map([['a', 10]]), 0.2)).toEqual([{ areaId: 'a', blocking: 3, using: 10, allowed: 2 }]);
    expect(massBlockOverflow(new Map([['a', 29]]), new Map([['a', 50]]), 0.58)).toEqual([]);
  });
});
