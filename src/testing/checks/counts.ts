import assert from 'node:assert/strict';
import type { User } from '../../core/schemas.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, blocked, countsOf, expectedCounts, normalizeCounts, organization, seed, user } from '../fixtures.js';

/** A mix of every kind and state of profile over two areas and two partners. */
function mixedUsers(): User[] {
  return [
    user('h1'),
    user('h2'),
    blocked(user('h3'), 'admin'),
    user('p1', { organizationId: 'acme' }),
    user('p2', { organizationId: 'acme' }),
    blocked(user('p3', { organizationId: 'acme' }), 'license-limit'),
    blocked(user('g1', { organizationId: 'globex' }), 'directory-removed'),
    user('s1', { kind: 'system', systemRole: 'superuser', source: 'system' }),
    blocked(user('s2', { kind: 'system', systemRole: 'guest', source: 'system' }), 'admin'),
    user('b1', { areaId: 'b' }),
    blocked(user('b2', { areaId: 'b', organizationId: 'initech' }), 'admin'),
  ];
}

/** Aggregate counts. */
export const countChecks: readonly SeatRepositoryCheck[] = [
  check('counts', 'counts after mixed inserts, updates and deletes match the users: using, activeSystem, blocked, users, per partner', async (repository) => {
    let users = mixedUsers();
    await seed(repository, {
      areas: [area('a'), area('b')],
      organizations: [organization('acme', 'a'), organization('globex', 'a'), organization('initech', 'b')],
      users,
    });
    const report = async () => (await repository.countUsers(['a', 'b'])).map(normalizeCounts);
    assert.deepEqual(await report(), [expectedCounts(users, 'a'), expectedCounts(users, 'b')]);

    const byId = new Map(users.map((u) => [u.id, u]));
    const get = (id: string) => byId.get(id) as User;
    const changes: User[] = [
      blocked(get('h1'), 'admin', at(5_000)),
      { ...get('p3'), state: 'active', blockReason: null, blockedAt: null, blockedBy: null },
      { ...get('p2'), organizationId: 'globex' },
      { ...get('b1'), areaId: 'a', organizationId: 'acme' },
      { ...get('s2'), state: 'active', blockReason: null, blockedAt: null, blockedBy: null },
    ];
    await repository.transaction({ areaIds: ['a', 'b'] }, async (tx) => {
      await tx.updateUsers(changes);
      await tx.deleteUser('g1');
      await tx.insertUsers([user('n1', { areaId: 'b' }), user('n2', { organizationId: 'globex' })]);
      users = [...users.filter((u) => u.id !== 'g1' && !changes.some((c) => c.id === u.id)), ...changes, user('n1', { areaId: 'b' }), user('n2', { organizationId: 'globex' })];
      assert.deepEqual(normalizeCounts(await countsOf(tx, 'a')), expectedCounts(users, 'a'), 'a transaction counts its own writes');
      assert.deepEqual(normalizeCounts(await countsOf(tx, 'b')), expectedCounts(users, 'b'));
    });
    assert.deepEqual(await report(), [expectedCounts(users, 'a'), expectedCounts(users, 'b')]);
  }),

  check('counts', 'an area whose partner lost its last profile no longer lists that partner', async (repository) => {
    await seed(repository, { areas: [area('a')], organizations: [organization('acme', 'a')], users: [user('p1', { organizationId: 'acme' }), user('h1')] });
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.deleteUser('p1'));
    assert.deepEqual((await repository.countUsers(['a'])).map(normalizeCounts), [{ areaId: 'a', users: 1, using: 1, activeSystem: 0, blocked: 0, organizations: [] }]);
  }),

  check('counts', 'unknown areas count zeros; without ids every defined area is counted, empty ones too', async (repository) => {
    await seed(repository, { areas: [area('a'), area('empty')], users: [user('h1'), user('h2', { kind: 'system', systemRole: 'superuser' })] });
    const zeros = (areaId: string) => ({ areaId, users: 0, using: 0, activeSystem: 0, blocked: 0, organizations: [] });
    assert.deepEqual((await repository.countUsers(['nowhere'])).map(normalizeCounts), [zeros('nowhere')]);
    const all = (await repository.countUsers()).map(normalizeCounts).sort((x, y) => (x.areaId < y.areaId ? -1 : 1));
    assert.deepEqual(all, [{ areaId: 'a', users: 2, using: 1, activeSystem: 1, blocked: 0, organizations: [] }, zeros('empty')]);
    assert.deepEqual(
      (await repository.countUsers(['empty', 'a'])).map((c) => c.areaId),
      ['empty', 'a'],
      'counts come back in the order asked',
    );
    await repository.transaction({ areaIds: [] }, async (tx) => assert.deepEqual(normalizeCounts(await countsOf(tx, 'nowhere')), zeros('nowhere')));
  }),
];
