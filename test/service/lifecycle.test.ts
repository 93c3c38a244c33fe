import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, NoPrimaryAreaError, type User } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

async function site(maxUsers: number) {
  const clock = fixedClock('2026-03-01T09:00:00Z');
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  return { seats, clock };
}

async function fill(seats: Awaited<ReturnType<typeof site>>['seats'], n: number, prefix = 'user'): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < n; i++) {
    const r = await seats.createUser({ username: `${prefix}${i}`, areaId: 'primary' });
    if (!r.ok) throw new Error(r.reason.message);
    users.push(r.user);
  }
  return users;
}

describe('status boundaries through the service', () => {
  it('100 seats: 5 left is ok, 4 left warning, 0 left exhausted', async () => {
    const { seats } = await site(100);
    await fill(seats, 95);
    expect((await seats.summary()).areas[0]).toMatchObject({ remaining: 5, status: 'ok' });
    await fill(seats, 1, 'more');
    expect((await seats.summary()).areas[0]).toMatchObject({ remaining: 4, status: 'warning' });
    await fill(seats, 4, 'last');
    expect((await seats.summary()).areas[0]).toMatchObject({ remaining: 0, status: 'exhausted', overBy: 0 });
  });
});

describe('blocking, reinstating, deleting', () => {
  it('blocking a user frees its seat; the profile stays, blocked by an admin', async () => {
    const { seats, clock } = await site(1);
    const [alice] = await fill(seats, 1);
    expect((await seats.createUser({ username: 'bob', areaId: 'primary' })).ok).toBe(false);
    clock.advance(60_000);
    const blocked = await seats.blockUser(alice!.id, { blockedBy: 'admin-jo' });
    expect(blocked).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-jo', blockedAt: new Date('2026-03-01T09:01:00Z') });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 0, blocked: 1, users: 1 });
    expect((await seats.createUser({ username: 'bob', areaId: 'primary' })).ok).toBe(true);
  });

  it('reinstate is refused at the limit and allowed once a seat is free', async () => {
    const { seats } = await site(1);
    const [alice] = await fill(seats, 1);
    await seats.blockUser(alice!.id);
    const bob = await seats.createUser({ username: 'bob', areaId: 'primary' });
    expect(await seats.reinstateUser(alice!.id)).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', maxUsers: 1, using: 1 } });
    expect((await seats.getUser(alice!.id))?.state).toBe('blocked');
    if (!bob.ok) throw new Error('bob');
    await seats.deleteUser(bob.user.id);
    const again = await seats.reinstateUser(alice!.id);
    expect(again).toMatchObject({ ok: true, user: { state: 'active', blockReason: null, blockedAt: null } });
  });

  it('reinstating an active user changes nothing', async () => {
    const { seats } = await site(1);
    const [alice] = await fill(seats, 1);
    expect(await seats.reinstateUser(alice!.id)).toEqual({ ok: true, user: alice });
  });

  it('delete is permanent and frees the seat', async () => {
    const { seats } = await site(1);
    const [alice] = await fill(seats, 1);
    expect(await seats.deleteUser(alice!.id)).toEqual(alice);
    expect(await seats.getUser(alice!.id)).toBeNull();
    expect(await seats.findUserByUsername('user0')).toBeNull();
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 0, users: 0 });
  });
});

describe('updateUser', () => {
  it('renames, keeping usernames unique ignoring case', async () => {
    const { seats } = await site(5);
    const [a, b] = await fill(seats, 2);
    expect(await seats.updateUser(a!.id, { username: 'USER1' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
    const renamed = await seats.updateUser(a!.id, { username: 'Anna', email: 'anna@example.com', displayName: 'Anna A.' });
    expect(renamed).toMatchObject({ ok: true, user: { username: 'Anna', email: 'anna@example.com', displayName: 'Anna A.' } });
    expect((await seats.findUserByUsername('anna'))?.id).toBe(a!.id);
    expect(await seats.findUserByUsername('user0')).toBeNull();
    expect((await seats.updateUser(b!.id, { email: null })).ok).toBe(true);
    // changing the case of one's own username is allowed
    expect(await seats.updateUser(b!.id, { username: 'User1' })).toMatchObject({ ok: true, user: { username: 'User1' } });
  });
});

describe('system users', () => {
  it('SuperUser and Guest are active, counted in total active users, never in using', async () => {
    const { seats } = await site(20);
    await fill(seats, 20);
    const created = await seats.ensureSystemUsers();
    expect(created.map((u) => [u.username, u.systemRole, u.kind, u.state])).toEqual([
      ['superuser', 'superuser', 'system', 'active'],
      ['guest', 'guest', 'system', 'active'],
    ]);
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 20, totalActiveUsers: 22, status: 'exhausted' });
    expect(await seats.ensureSystemUsers()).toEqual([]);
  });

  it('parallel ensureSystemUsers calls create each system user once; the others find them', async () => {
    const { seats } = await site(5);
    const results = await Promise.all([seats.ensureSystemUsers(), seats.ensureSystemUsers(), seats.ensureSystemUsers()]);
    expect(results.map((created) => created.length).sort()).toEqual([0, 0, 2]);
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 0, totalActiveUsers: 2 });
  });

  it('a renamed (legacy) guest still counts as the guest: ensureSystemUsers adds no second one', async () => {
    const { seats } = await site(5);
    await seats.ensureSystemUsers();
    const guest = await seats.findUserByUsername('guest');
    await seats.updateUser(guest!.id, { username: 'visitor' });
    expect(await seats.ensureSystemUsers()).toEqual([]);
  });

  it('system users can be reinstated at the limit: they need no seat', async () => {
    const { seats } = await site(0);
    const [, guest] = await seats.ensureSystemUsers();
    await seats.blockUser(guest!.id);
    expect((await seats.reinstateUser(guest!.id)).ok).toBe(true);
  });

  it('needs a primary area', async () => {
    const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
    await expect(seats.ensureSystemUsers()).rejects.toBeInstanceOf(NoPrimaryAreaError);
  });
});

describe('legacy guest', () => {
  it('a renamed guest becomes an active licensed user, even over the limit, and a new inactive guest is created', async () => {
    const { seats } = await site(2);
    await fill(seats, 2);
    await seats.ensureSystemUsers();
    const guest = await seats.findUserByUsername('guest');
    await seats.updateUser(guest!.id, { username: 'reception' });
    const migration = await seats.migrateLegacyGuest();
    expect(migration.migrated).toEqual([expect.objectContaining({ id: guest!.id, username: 'reception', kind: 'licensed', state: 'active', systemRole: null })]);
    expect(migration.createdGuest).toMatchObject({ username: 'guest', kind: 'system', systemRole: 'guest', state: 'blocked' });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 3, overBy: 1, status: 'exceeded', totalActiveUsers: 4 });
  });

  it('migration is idempotent', async () => {
    const { seats } = await site(5);
    await seats.ensureSystemUsers();
    const guest = await seats.findUserByUsername('guest');
    await seats.updateUser(guest!.id, { username: 'lobby' });
    await seats.migrateLegacyGuest();
    const before = await seats.summary();
    expect(await seats.migrateLegacyGuest()).toEqual({ migrated: [], createdGuest: null });
    expect(await seats.summary()).toEqual(before);
    // and ensureSystemUsers does not add a second guest
    expect(await seats.ensureSystemUsers()).toEqual([]);
  });

  it('with no renamed guest there is nothing to migrate', async () => {
    const { seats } = await site(5);
    await seats.ensureSystemUsers();
    expect(await seats.migrateLegacyGuest()).toEqual({ migrated: [], createdGuest: null });
  });
});

describe('listUsers', () => {
  it('pages through every matching user, ordered by username ignoring case', async () => {
    const { seats } = await site(50);
    const users = await fill(seats, 23);
    await seats.blockUser(users[3]!.id);
    await seats.blockUser(users[17]!.id);
    const all: string[] = [];
    for await (const u of seats.listUsers({ pageSize: 5 })) all.push(u.username);
    expect(all).toEqual([...all].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(all).toHaveLength(23);
    const blocked: string[] = [];
    for await (const u of seats.listUsers({ areaId: 'primary', state: 'blocked', pageSize: 1 })) blocked.push(u.username);
    expect(blocked).toEqual(['user17', 'user3']);
  });
});

describe('defineArea', () => {
  it('allows exactly one primary area', async () => {
    const { seats } = await site(5);
    await expect(seats.defineArea({ id: 'other', kind: 'primary', name: 'Other', maxUsers: 5 })).rejects.toMatchObject({ code: 'CONFIGURATION_REFUSED' });
  });

  it('lowering the limit below use keeps every user and reports exceeded', async () => {
    const { seats } = await site(5);
    await fill(seats, 4);
    await seats.setAreaLicenses('primary', 3, { reason: 'the contract shrank', allowBelowUse: true });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 4, overBy: 1, status: 'exceeded' });
  });

  it('rejects malformed input with every issue listed', async () => {
    const { seats } = await site(5);
    await expect(seats.defineArea({ id: '', kind: 'intranet' as 'primary', name: 'x', maxUsers: -1 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: expect.arrayContaining([
        expect.objectContaining({ path: ['id'] }),
        expect.objectContaining({ path: ['kind'] }),
        expect.objectContaining({ path: ['maxUsers'] }),
      ]),
    });
  });
});
