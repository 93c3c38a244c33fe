import { describe, expect, it } from 'vitest';
import { PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { createSeatkeeper, type Seatkeeper } from '../../../src/index.js';
import { testNotifier } from '../../support/notifier.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** Fails (instead of hanging the run) when `promise` has not settled within `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * No operation needs a second connection while it holds one: a transaction
 * reads through its own connection only, so a pool as small as one connection
 * serves every operation, and callers queueing for connections never starve the
 * one holding a lock. The pools time out waiting for a connection, so a
 * regression fails with an error instead of hanging.
 */
describe.skipIf(unavailable !== null)('small pools: a transaction never waits for a second connection', () => {
  const database = useTestDatabase('pool_limits');

  async function instance(schema: string, max: number): Promise<Seatkeeper> {
    const pool = database().newPool({ max, connectionTimeoutMillis: 3_000 });
    const repository = new PostgresSeatRepository(pool, { schema });
    await repository.migrate();
    return createSeatkeeper({ repository, notifier: testNotifier() });
  }

  it('with a pool of one connection, ensureSystemUsers() returns', async () => {
    const seats = await instance('one_connection', 1);
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 5 });
    const created = await within(10_000, 'ensureSystemUsers()', seats.ensureSystemUsers());
    expect(created.map((u) => u.systemRole).sort()).toEqual(['guest', 'superuser']);
    expect(await within(10_000, 'ensureSystemUsers() again', seats.ensureSystemUsers())).toEqual([]);
  });

  it('two instances calling ensureSystemUsers at once create each system user once', async () => {
    const [a, b] = [await instance('system_users_race', 2), await instance('system_users_race', 2)];
    await a.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 5 });
    const results = await within(10_000, 'ensureSystemUsers() twice', Promise.all([a.ensureSystemUsers(), b.ensureSystemUsers()]));
    expect(results.map((created) => created.length).sort()).toEqual([0, 2]);
    const { rows } = await database().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM system_users_race.seatkeeper_users WHERE kind = 'system'`);
    expect(rows[0]?.n).toBe(2);
  });

  it('with a pool of three connections, six parallel applyLicenseChange calls on one area all settle', async () => {
    const seats = await instance('three_connections', 3);
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 5 });
    const requests = [];
    for (let i = 0; i < 6; i++) requests.push(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 }));

    const results = await within(20_000, 'six applyLicenseChange calls', Promise.all(requests.map((r) => seats.applyLicenseChange(r))));
    expect(results.map((r) => r.applied)).toEqual([true, true, true, true, true, true]);
    expect((await seats.summary()).areas[0]?.maxUsers).toBe(35);
    // The same requests again, in parallel: each was applied once.
    const again = await within(20_000, 'six applyLicenseChange calls again', Promise.all(requests.map((r) => seats.applyLicenseChange(r))));
    expect(again.map((r) => r.applied)).toEqual([false, false, false, false, false, false]);
    expect(again.map((r) => r.changes.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await seats.licenseHistory('primary')).toHaveLength(6);
  });

  it('with a pool of one connection, every kind of write completes', async () => {
    const seats = await instance('every_write', 1);
    const run = <T>(what: string, promise: Promise<T>) => within(10_000, what, promise);
    await run('defineArea', seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 3 }));
    await run('defineArea', seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Extranet', maxUsers: 3 }));
    await run('defineOrganization', seats.defineOrganization({ id: 'acme', areaId: 'extranet', name: 'Acme', access: 'granted', maxUsers: 2 }));
    await run('setResponsiblePerson', seats.setResponsiblePerson('licences@example.com'));
    await run('ensureSystemUsers', seats.ensureSystemUsers());
    const guest = await seats.findUserByUsername('guest');
    await run('updateUser', seats.updateUser(guest?.id ?? '', { username: 'visitor' }));
    await run('migrateLegacyGuest', seats.migrateLegacyGuest());
    const alice = await run('createUser', seats.createUser({ username: 'alice', areaId: 'primary' }));
    if (!alice.ok) throw new Error('alice was refused');
    await run('blockUser', seats.blockUser(alice.user.id));
    await run('reinstateUser', seats.reinstateUser(alice.user.id));
    await run('createUser', seats.createUser({ username: 'bob', areaId: 'primary' }));
    await run('createUser refused', seats.createUser({ username: 'cody', areaId: 'primary' }));
    await run('createUsers', seats.createUsers([{ username: 'carl', areaId: 'extranet', organizationId: 'acme' }]));
    await run('syncDirectory', seats.syncDirectory([{ externalId: 'ad-dora', username: 'dora', areaId: 'extranet' }]));
    await run('syncDirectory move', seats.syncDirectory([{ externalId: 'ad-dora', username: 'dora', areaId: 'primary' }]));
    const request = await run('requestLicenses', seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 }));
    await run('applyLicenseChange', seats.applyLicenseChange(request));
    await run('recordUsageSnapshot', seats.recordUsageSnapshot());
    await run('deliverPendingNotifications', seats.deliverPendingNotifications());
    await run('deleteUser', seats.deleteUser(alice.user.id));
    const { rows } = await database().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM every_write.seatkeeper_users WHERE state = 'active' AND kind = 'licensed'`);
    expect((await seats.summary()).totals.using).toBe(rows[0]?.n);
  });
});
