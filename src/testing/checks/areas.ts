import assert from 'node:assert/strict';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, byId, countsOf, organization, seed, user } from '../fixtures.js';

/** Areas and partner organizations: stored, replaced and deleted. */
export const areaChecks: readonly SeatRepositoryCheck[] = [
  check('areas', 'an area is stored, read back equal, replaced by id, and an unknown area is null', async (repository) => {
    const a = area('a', 10, { kind: 'primary', name: 'Primary Area', graceSeats: 2 });
    const b = area('b', 0);
    await seed(repository, { areas: [a, b] });
    assert.deepEqual(await repository.getArea('a'), a);
    assert.deepEqual(byId(await repository.listAreas()), [a, b]);
    assert.equal(await repository.getArea('missing'), null);

    const changed = { ...a, name: 'Intranet', maxUsers: 25, graceSeats: 0, updatedAt: at(60_000) };
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await tx.putArea(changed);
      assert.deepEqual(await tx.getArea('a'), changed, 'a transaction reads its own area write');
      assert.equal(await tx.getArea('missing'), null);
    });
    assert.deepEqual(await repository.getArea('a'), changed);
    assert.equal((await repository.listAreas()).length, 2, 'replacing an area does not add one');
  }),

  check('areas', 'organizations are stored per area, replaced by id, and an unknown organization is null', async (repository) => {
    const acme = organization('acme', 'a', { maxUsers: 5 });
    const globex = organization('globex', 'a', { access: 'denied', maxUsers: 0 });
    const initech = organization('initech', 'b');
    await seed(repository, { areas: [area('a'), area('b')], organizations: [acme, globex, initech] });
    assert.deepEqual(await repository.getOrganization('acme'), acme);
    assert.equal(await repository.getOrganization('missing'), null);
    assert.deepEqual(byId(await repository.listOrganizations()), [acme, globex, initech]);
    assert.deepEqual(byId(await repository.listOrganizations('a')), [acme, globex]);
    assert.deepEqual(await repository.listOrganizations('nowhere'), []);

    const changed = { ...acme, name: 'ACME Corp', maxUsers: null, updatedAt: at(1) };
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await tx.putOrganization(changed);
      assert.deepEqual(await tx.getOrganization('acme'), changed, 'a transaction reads its own organization write');
      assert.deepEqual(byId(await tx.listOrganizations('a')), [changed, globex]);
      assert.equal(await tx.getOrganization('missing'), null);
    });
    assert.deepEqual(await repository.getOrganization('acme'), changed);
    assert.equal((await repository.listOrganizations()).length, 3);
  }),

  check('areas', 'a deleted organization is gone through the transaction and after commit; deleting a missing one is false', async (repository) => {
    const acme = organization('acme', 'a');
    const globex = organization('globex', 'a', { maxUsers: 4 });
    await seed(repository, { areas: [area('a')], organizations: [acme, globex] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, async (tx) => {
        assert.equal(await tx.deleteOrganization('acme'), true);
        throw new Error('the retirement failed');
      }),
    );
    assert.deepEqual(await repository.getOrganization('acme'), acme, 'a delete in a failed transaction is not kept');

    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      assert.equal(await tx.deleteOrganization('acme'), true);
      assert.equal(await tx.getOrganization('acme'), null, 'a transaction reads its own delete');
      assert.deepEqual(await tx.listOrganizations('a'), [globex]);
      assert.equal(await tx.deleteOrganization('acme'), false, 'deleting it twice finds nothing the second time');
      assert.equal(await tx.deleteOrganization('missing'), false);
    });
    assert.equal(await repository.getOrganization('acme'), null);
    assert.deepEqual(await repository.listOrganizations(), [globex]);
    assert.deepEqual(await repository.listOrganizations('a'), [globex]);

    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.putOrganization(acme));
    assert.deepEqual(await repository.getOrganization('acme'), acme, 'a deleted id can be defined again');
  }),

  check('areas', 'a deleted area is gone through the transaction and after commit, and its counts with it; other areas stay', async (repository) => {
    const a = area('a', 10, { kind: 'primary' });
    const b = area('b', 5);
    await seed(repository, { areas: [a, b], users: [user('u1', { areaId: 'b' })] });
    // The service moves an area's users out before it deletes the area, in the same transaction.
    await repository.transaction({ areaIds: ['a', 'b'] }, async (tx) => {
      const moved = await tx.getUser('u1');
      assert.ok(moved !== null);
      await tx.updateUsers([{ ...moved, areaId: 'a' }]);
      assert.equal(await tx.deleteArea('b'), true);
      assert.equal(await tx.getArea('b'), null, 'a transaction reads its own delete');
      assert.deepEqual(await tx.listAreas(), [a]);
      assert.deepEqual((await tx.countUsers()).map((c) => c.areaId), ['a'], 'countUsers() without ids reports the areas that exist');
      assert.equal(await tx.deleteArea('b'), false, 'deleting it twice finds nothing the second time');
      assert.equal(await tx.deleteArea('missing'), false);
    });
    assert.equal(await repository.getArea('b'), null);
    assert.deepEqual(await repository.listAreas(), [a]);
    assert.deepEqual((await repository.countUsers()).map((c) => c.areaId), ['a']);
    assert.equal((await countsOf(repository, 'a')).using, 1, 'the moved user counts in the area it moved to');
    assert.deepEqual(await countsOf(repository, 'b'), { areaId: 'b', users: 0, using: 0, activeSystem: 0, blocked: 0, organizations: [] });

    await repository.transaction({ areaIds: ['b'] }, (tx) => tx.putArea(b));
    assert.deepEqual(await repository.getArea('b'), b, 'a deleted id can be defined again');
    assert.equal((await countsOf(repository, 'b')).users, 0, 'and starts with no users');
  }),
];
