import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownUserError } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

async function setup() {
  const clock = fixedClock('2026-01-01T00:00:00Z');
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 3 });
  await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 2 });
  return { seats, clock };
}

async function create(seats: Awaited<ReturnType<typeof setup>>['seats'], username: string, organizationId: string | null = null) {
  const r = await seats.createUser({ username, areaId: 'primary', organizationId });
  if (!r.ok) throw new Error(r.reason.message);
  return r.user;
}

describe('explainUser', () => {
  it('explains a partner user\'s seat with its quota', async () => {
    const { seats } = await setup();
    const bob = await create(seats, 'bob', 'acme');
    const why = await seats.explainUser(bob.id);
    expect(why).toMatchObject({
      userId: bob.id,
      holdsSeat: true,
      code: 'HOLDS_SEAT',
      facts: { area: { areaId: 'primary', using: 1, maxUsers: 3 }, organization: { organizationId: 'acme', using: 1, maxUsers: 2, remaining: 1 } },
    });
    expect(why.explanation).toMatch(/as a user of Acme \(partner quota: 1 of 2 used\)/);
  });

  it('says who blocked a user and when, and whether a seat would be free to reinstate it', async () => {
    const { seats, clock } = await setup();
    const dave = await create(seats, 'dave');
    clock.advance(3_600_000);
    await seats.blockUser(dave.id, { blockedBy: 'jane' });
    const why = await seats.explainUser(dave.id);
    expect(why).toMatchObject({
      holdsSeat: false,
      code: 'BLOCKED_BY_ADMIN',
      facts: { blockedBy: 'jane', blockReason: 'admin', blockedAt: new Date('2026-01-01T01:00:00Z'), seatNow: { ok: true } },
    });
    // The host company may hold 3 - 2 (set aside for Acme) = 1 seat: now taken by erin.
    await create(seats, 'erin');
    expect((await seats.explainUser(dave.id)).facts.seatNow).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
  });

  it('explains system accounts', async () => {
    const { seats } = await setup();
    await seats.ensureSystemUsers();
    const su = await seats.findUserByUsername('superuser');
    expect(await seats.explainUser(su?.id ?? '')).toMatchObject({ holdsSeat: false, code: 'SYSTEM_ACCOUNT' });
  });

  it('a user of a partner denied later keeps its seat', async () => {
    const { seats } = await setup();
    const bob = await create(seats, 'bob', 'acme');
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'denied', maxUsers: 2 });
    expect(await seats.explainUser(bob.id)).toMatchObject({ holdsSeat: true, code: 'HOLDS_SEAT_PARTNER_DENIED' });
  });

  it('rejects unknown and malformed ids', async () => {
    const { seats } = await setup();
    await expect(seats.explainUser('nope')).rejects.toBeInstanceOf(UnknownUserError);
    await expect(seats.explainUser('')).rejects.toBeInstanceOf(InvalidInputError);
  });
});
