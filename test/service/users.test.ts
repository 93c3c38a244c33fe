import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownAreaError, UnknownUserError } from '../../src/index.js';
import { user } from '../../src/testing/fixtures.js';
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

  it('usernames are unique site-wide ignoring case, and the refusal carries no seat figures', async () => {
    const { seats, ready } = setup();
    await ready;
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
    await seats.createUser({ username: 'Alice', areaId: 'primary' });
    const r = await seats.createUser({ username: 'ALICE', areaId: 'x' });
    expect(r).toEqual({
      ok: false,
      reason: {
        code: 'USERNAME_TAKEN',
        areaId: 'x',
        message: 'The username "ALICE" is taken by "Alice" (usernames are compared ignoring case, width and accent composition). Choose another.',
      },
    });
    expect((await seats.findUserByUsername('alice'))?.username).toBe('Alice');
  });

  it('usernames compare by their canonical form: straße is STRASSE, composed é is decomposed é, full-width is ordinary', async () => {
    const { seats, ready } = setup();
    await ready;
    for (const username of ['straße', '\u00e9mile', 'admin']) expect((await seats.createUser({ username, areaId: 'primary' })).ok).toBe(true);
    for (const username of ['STRASSE', 'e\u0301mile', '\uff41\uff44\uff4d\uff49\uff4e']) {
      expect(await seats.createUser({ username, areaId: 'primary' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
    }
    expect((await seats.findUserByUsername('STRASSE'))?.username).toBe('straße');
    expect((await seats.findUserByUsername('e\u0301mile'))?.username).toBe('\u00e9mile');
  });

  it("a USERNAME_TAKEN refusal names the holder only to its own organization; EXTERNAL_ID_TAKEN names nobody", async () => {
    const { seats, ready } = setup();
    await ready;
    await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 5 });
    await seats.defineOrganization({ id: 'globex', areaId: 'primary', name: 'Globex', access: 'granted', maxUsers: 5 });
    await seats.createUser({ username: 'bob', areaId: 'primary', organizationId: 'acme', externalId: 'ext-1' });
    const fromGlobex = await seats.createUser({ username: 'BOB', areaId: 'primary', organizationId: 'globex' });
    expect(fromGlobex).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
    expect(fromGlobex.ok ? '' : fromGlobex.reason.message).not.toContain('"bob"');
    const fromHost = await seats.createUser({ username: 'BOB', areaId: 'primary' });
    expect(fromHost.ok ? '' : fromHost.reason.message).not.toContain('"bob"');
    const fromAcme = await seats.createUser({ username: 'BOB', areaId: 'primary', organizationId: 'acme' });
    expect(fromAcme.ok ? '' : fromAcme.reason.message).toContain('is taken by "bob"');
    const external = await seats.createUser({ username: 'carol', areaId: 'primary', organizationId: 'globex', externalId: 'ext-1' });
    expect(external).toEqual({
      ok: false,
      reason: { code: 'EXTERNAL_ID_TAKEN', areaId: 'primary', message: 'Another user already has external id "ext-1". External ids are unique.' },
    });
  });

  it('refuses a username that could pass for another with USERNAME_NOT_ALLOWED, naming the rule and the code point', async () => {
    const { seats, ready } = setup();
    await ready;
    const cases: [string, string][] = [
      ['admin\u200b', 'invisible character U+200B'],
      ['ad\u00admin', 'invisible character U+00AD'],
      ['\u0430dmin', 'mixes letters of Cyrillic and Latin'],
      ['ab\u202ecd', 'bidi control U+202E'],
    ];
    for (const [username, says] of cases) {
      const r = await seats.createUser({ username, areaId: 'primary' });
      expect(r).toMatchObject({ ok: false, reason: { code: 'USERNAME_NOT_ALLOWED', areaId: 'primary', message: expect.stringContaining(says) } });
      expect(r.ok ? {} : r.reason).not.toHaveProperty('maxUsers');
    }
    expect((await seats.summary()).totals.users).toBe(0);
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

describe('updateUser: usernames', () => {
  it("checks a new username, but never the name a user already has, even one today's rules would refuse", async () => {
    const repository = new InMemorySeatRepository();
    const seats = createSeatkeeper({ repository, clock: fixedClock('2026-01-01T00:00:00Z') });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
    // A profile stored before the rules (written straight to the repository).
    const old = user('old', { username: 'admin\u200b', areaId: 'primary' });
    await repository.transaction({ areaIds: ['primary'] }, (tx) => tx.insertUsers([old]));
    const alice = await seats.createUser({ username: 'alice', areaId: 'primary' });
    if (!alice.ok) throw new Error('alice');

    expect(await seats.updateUser('old', { email: 'old@example.com' })).toMatchObject({ ok: true, user: { username: 'admin\u200b' } });
    expect(await seats.updateUser('old', { username: 'admin\u200b', displayName: 'Old' })).toMatchObject({ ok: true });
    expect(await seats.updateUser(alice.user.id, { username: 'ali\u200bce' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_NOT_ALLOWED', areaId: 'primary' } });
    expect(await seats.updateUser(alice.user.id, { username: '\u0430lice' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_NOT_ALLOWED' } });
    const taken = await seats.updateUser('old', { username: 'ALICE' });
    expect(taken).toEqual({
      ok: false,
      reason: {
        code: 'USERNAME_TAKEN',
        areaId: 'primary',
        message: 'The username "ALICE" is taken by "alice" (usernames are compared ignoring case, width and accent composition). Choose another.',
      },
    });
    expect(await seats.updateUser('old', { username: 'admin' })).toMatchObject({ ok: true, user: { username: 'admin' } });
  });
});
