import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownAreaError, UnknownUserError } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

function setup(maxUsers = 10) {
  const clock = fixedClock('2026-01-01T00:00:00Z');
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock });
  return { seats, clock, ready: seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers }) };
}

describe('createUser', () => {
  it('creates an active licensed manual user when a seat is free', async () => {
    const { seats, ready } = setup();
    await ready;
    const r = await seats.createUser({ username: 'alice', areaId: 'primary', email: 'alice@example.com' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.user).toMatchObject({ username: 'alice', kind: 'licensed', state: 'active', source: 'manual', organizationId: null });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 1, remaining: 9 });
  });

  it('refuses with LICENSE_LIMIT_REACHED when no seat is free, and writes nothing', async () => {
    const { seats, ready } = setup(1);
    await ready;
    expect((await seats.createUser({ username: 'a', areaId: 'primary' })).ok).toBe(true);
    const r = await seats.createUser({ username: 'b', areaId: 'primary' });
    expect(r).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', areaId: 'primary', maxUsers: 1, using: 1 } });
    expect(await seats.findUserByUsername('b')).toBeNull();
  });

  it('usernames are unique site-wide ignoring case', async () => {
    const { seats, ready } = setup();
    await ready;
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
    await seats.createUser({ username: 'Alice', areaId: 'primary' });
    const r = await seats.createUser({ username: 'ALICE', areaId: 'x' });
    expect(r).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN', areaId: 'x', maxUsers: 5, using: 0 } });
    expect((await seats.findUserByUsername('alice'))?.username).toBe('Alice');
  });

  it('throws typed errors for bad input and unknown ids, writing nothing', async () => {
    const { seats, ready } = setup();
    await ready;
    await expect(seats.createUser({ username: 'a', areaId: 'primary', email: 'not-an-email' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.createUser({ username: 'a', areaId: 'nope' })).rejects.toBeInstanceOf(UnknownAreaError);
    await expect(seats.blockUser('missing')).rejects.toBeInstanceOf(UnknownUserError);
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('checkSeat answers what createUser would, without taking the seat', async () => {
    const { seats, ready } = setup(1);
    await ready;
    expect(await seats.checkSeat('primary')).toEqual({ ok: true });
    expect(await seats.checkSeat('primary')).toEqual({ ok: true });
    await seats.createUser({ username: 'a', areaId: 'primary' });
    expect(await seats.checkSeat('primary')).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', using: 1 } });
    await expect(seats.checkSeat('nope')).rejects.toBeInstanceOf(UnknownAreaError);
  });

  it('200 concurrent creations on a 10-seat area grant exactly 10', async () => {
    const { seats, ready } = setup(10);
    await ready;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => seats.createUser({ username: `u${i}`, areaId: 'primary' })));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok && r.reason.code === 'LICENSE_LIMIT_REACHED')).toHaveLength(190);
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 10, remaining: 0, status: 'exhausted' });
  });
});
