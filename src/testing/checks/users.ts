import assert from 'node:assert/strict';
import type { User } from '../../core/schemas.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, blocked, byId, byName, conflictOn, hasCode, seed, user } from '../fixtures.js';

const everyField: User = {
  id: 'u-full',
  username: 'Grace.Hopper',
  email: 'grace@example.com',
  displayName: 'Grace Hopper',
  externalId: 'ad-0001',
  areaId: 'a',
  organizationId: 'acme',
  kind: 'system',
  systemRole: 'guest',
  state: 'blocked',
  blockReason: 'directory-disabled',
  blockedAt: at(1_234),
  blockedBy: 'directory',
  source: 'directory',
  createdAt: at(5),
  updatedAt: at(987_654_321),
  lastActivityAt: at(987_654_000),
};

/** Storing, finding, changing and deleting users; unique keys. */
export const userChecks: readonly SeatRepositoryCheck[] = [
  check('users', 'a user round-trips every field exactly, Dates and nulls included', async (repository) => {
    const minimal = user('u-min');
    await seed(repository, { areas: [area('a')], users: [everyField, minimal] });
    assert.deepEqual(await repository.getUser('u-full'), everyField);
    assert.deepEqual(await repository.getUser('u-min'), minimal);
    assert.equal(await repository.getUser('missing'), null);
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      assert.deepEqual(await tx.getUser('u-full'), everyField);
      assert.equal(await tx.getUser('missing'), null);
    });
  }),

  check('users', 'usernames are found ignoring case, ASCII and non-ASCII alike; unknown names are null', async (repository) => {
    const alice = user('u1', { username: 'Alice' });
    const emile = user('u2', { username: 'Émile' });
    const sigma = user('u3', { username: 'ΣΟΦΙΑ' });
    await seed(repository, { areas: [area('a')], users: [alice, emile, sigma] });
    assert.deepEqual(await byName(repository, 'alice'), alice);
    assert.deepEqual(await byName(repository, 'ALICE'), alice);
    assert.deepEqual(await byName(repository, 'émile'), emile);
    assert.deepEqual(await byName(repository, 'ÉMILE'), emile);
    assert.deepEqual(await byName(repository, 'σοφια'), sigma);
    assert.equal(await byName(repository, 'alicia'), null);
    assert.equal(await byName(repository, 'emile'), null, 'É and E are different letters');
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      assert.deepEqual(await byName(tx, 'aLiCe'), alice);
      assert.equal(await byName(tx, 'nobody'), null);
    });
  }),

  check('users', 'usernames compare by their canonical form (usernameKey): ß is ss, composed is decomposed, full-width is ordinary', async (repository) => {
    const strasse = user('u1', { username: 'straße' });
    const emile = user('u2', { username: '\u00e9mile' });
    const admin = user('u3', { username: 'admin' });
    await seed(repository, { areas: [area('a')], users: [strasse, emile, admin] });
    assert.deepEqual(await byName(repository, 'STRASSE'), strasse);
    assert.deepEqual(await byName(repository, 'e\u0301mile'), emile);
    assert.deepEqual(await byName(repository, '\uff41\uff44\uff4d\uff49\uff4e'), admin);
    const sameNames: readonly (readonly [string, string])[] = [
      ['u4', 'Strasse'],
      ['u5', 'E\u0301MILE'],
      ['u6', '\uff21\uff24\uff2d\uff29\uff2e'],
    ];
    for (const [id, username] of sameNames) {
      await assert.rejects(
        repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user(id, { username })])),
        conflictOn('username'),
        `${username} is the same name as a stored one`,
      );
    }
    // A store written through the port alone never holds two users of one name.
    if (repository.findUsernameCollisions !== undefined) assert.deepEqual(await repository.findUsernameCollisions(), []);
  }),

  check('users', 'batched look-ups by username and external id return each match once and skip unknown keys', async (repository) => {
    const users = [user('u1', { username: 'Ann', externalId: 'x1' }), user('u2', { username: 'Bob', externalId: 'x2' }), user('u3', { username: 'Cy' })];
    await seed(repository, { areas: [area('a')], users });
    assert.deepEqual(byId(await repository.findUsersByUsernames(['ann', 'ANN', 'Bob', 'nobody'])), [users[0], users[1]]);
    assert.deepEqual(await repository.findUsersByUsernames([]), []);
    assert.deepEqual(byId(await repository.findUsersByExternalIds(['x2', 'x1', 'x2', 'x9'])), [users[0], users[1]]);
    assert.deepEqual(await repository.findUsersByExternalIds(['X1']), [], 'external ids are compared exactly');
    assert.deepEqual(await repository.findUsersByExternalIds([]), []);
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      assert.deepEqual(byId(await tx.findUsersByUsernames(['CY', 'ann'])), [users[0], users[2]]);
      assert.deepEqual(byId(await tx.findUsersByExternalIds(['x1', 'nope'])), [users[0]]);
    });
  }),

  check('users', 'a username taken ignoring case is a ConflictError and nothing of the batch is written', async (repository) => {
    await seed(repository, { areas: [area('a')], users: [user('u1', { username: 'Alice' })] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u2', { username: 'fresh' }), user('u3', { username: 'ALICE' })])),
      conflictOn('username'),
    );
    assert.equal(await repository.getUser('u2'), null);
    assert.equal(await byName(repository, 'fresh'), null);
    assert.equal((await repository.countUsers(['a']))[0]?.users, 1);
  }),

  check('users', 'a taken external id or user id is a ConflictError naming that key, and nothing is written', async (repository) => {
    await seed(repository, { areas: [area('a')], users: [user('u1', { externalId: 'ext-1' })] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u2'), user('u3', { externalId: 'ext-1' })])),
      conflictOn('externalId'),
    );
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u4'), user('u1', { username: 'other' })])),
      conflictOn('id'),
    );
    assert.equal(await repository.getUser('u2'), null);
    assert.equal(await repository.getUser('u4'), null);
    assert.equal((await repository.countUsers(['a']))[0]?.users, 1);
  }),

  check('users', 'two users of one batch with the same username ignoring case are a ConflictError', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1', { username: 'Twin' }), user('u2', { username: 'tWIN' })])),
      conflictOn('username'),
    );
    assert.equal((await repository.countUsers(['a']))[0]?.users, 0);
  }),

  check('users', 'updating replaces a user by id, and a renamed user frees its old username for others', async (repository) => {
    const ann = user('u1', { username: 'ann', externalId: 'x1' });
    await seed(repository, { areas: [area('a'), area('b')], users: [ann] });
    const renamed: User = { ...ann, username: 'Annie', email: 'annie@example.com', externalId: 'x1b', areaId: 'b', updatedAt: at(10) };
    await repository.transaction({ areaIds: ['a', 'b'] }, async (tx) => {
      await tx.updateUsers([renamed]);
      assert.deepEqual(await tx.getUser('u1'), renamed);
      assert.equal(await byName(tx, 'ann'), null, 'the old username is free inside the transaction');
    });
    assert.deepEqual(await repository.getUser('u1'), renamed);
    assert.deepEqual(await byName(repository, 'ANNIE'), renamed);
    assert.equal(await byName(repository, 'ann'), null);
    assert.deepEqual(await repository.findUsersByExternalIds(['x1']), []);
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u2', { username: 'ANN', externalId: 'x1' })]));
    assert.equal((await byName(repository, 'ann'))?.id, 'u2');
  }),

  check('users', 'an update to a taken username or external id is a ConflictError and changes nothing', async (repository) => {
    const ann = user('u1', { username: 'ann', externalId: 'x1' });
    const bob = user('u2', { username: 'bob', externalId: 'x2' });
    await seed(repository, { areas: [area('a')], users: [ann, bob] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([{ ...ann, email: 'changed@example.com' }, { ...bob, username: 'ANN' }])),
      conflictOn('username'),
    );
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([{ ...bob, externalId: 'x1' }])),
      conflictOn('externalId'),
    );
    assert.deepEqual(await repository.getUser('u1'), ann);
    assert.deepEqual(await repository.getUser('u2'), bob);
  }),

  check('users', 'updating a user that does not exist throws a SeatkeeperError and writes nothing', async (repository) => {
    const ann = user('u1');
    await seed(repository, { areas: [area('a')], users: [ann] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([{ ...ann, displayName: 'Changed' }, user('ghost')])),
      (error) => hasCode(error, 'STORAGE_ERROR') || hasCode(error, 'UNKNOWN_USER'),
    );
    assert.deepEqual(await repository.getUser('u1'), ann);
    assert.equal(await repository.getUser('ghost'), null);
  }),

  check('users', 'deleting a user removes it for good and frees its username and external id; deleting again is false', async (repository) => {
    await seed(repository, { areas: [area('a')], users: [user('u1', { username: 'Dora', externalId: 'x1' }), user('u2')] });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      assert.equal(await tx.deleteUser('u1'), true);
      assert.equal(await tx.getUser('u1'), null, 'a transaction sees its own delete');
      assert.equal(await tx.deleteUser('u1'), false);
      assert.equal(await tx.deleteUser('missing'), false);
    });
    assert.equal(await repository.getUser('u1'), null);
    assert.equal(await byName(repository, 'dora'), null);
    assert.deepEqual(await repository.findUsersByExternalIds(['x1']), []);
    assert.equal((await repository.countUsers(['a']))[0]?.users, 1);
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u3', { username: 'dora', externalId: 'x1' })]));
    assert.equal((await byName(repository, 'DORA'))?.id, 'u3');
  }),

  check('users', 'a failed write leaves its transaction usable: the later writes commit, the failed batch does not', async (repository) => {
    await seed(repository, { areas: [area('a')], users: [user('u1', { username: 'taken' })] });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await assert.rejects(tx.insertUsers([user('u2'), user('u3', { username: 'TAKEN' })]), conflictOn('username'));
      assert.equal(await tx.getUser('u2'), null, 'nothing of the failed batch is visible');
      await tx.insertUsers([user('u4')]);
      await tx.updateUsers([blocked(user('u1', { username: 'taken' }), 'admin')]);
    });
    assert.equal(await repository.getUser('u2'), null);
    assert.equal((await repository.getUser('u4'))?.id, 'u4');
    assert.equal((await repository.getUser('u1'))?.state, 'blocked');
  }),
];
