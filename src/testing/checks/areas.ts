import assert from 'node:assert/strict';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, byId, organization, seed } from '../fixtures.js';

/** Areas and partner organizations. */
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
];
