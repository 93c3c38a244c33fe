import assert from 'node:assert/strict';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, byName, conflictOn, countsOf, seed, user } from '../fixtures.js';

/**
 * Races. A repository whose transactions do not exclude each other per area
 * (a naive check-then-insert) fails the first three.
 */
export const concurrencyChecks: readonly SeatRepositoryCheck[] = [
  check('concurrency', 'concurrent check-then-insert transactions on one area never take more seats than it has', async (repository) => {
    await seed(repository, { areas: [area('race', 5)] });
    const attempts = 40;
    const granted = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        repository.transaction({ areaIds: ['race'] }, async (tx) => {
          const raceArea = await tx.getArea('race');
          const { using } = await countsOf(tx, 'race');
          if (raceArea === null || using >= raceArea.maxUsers) return false;
          // The service reads more between its check and its write; so does this.
          await byName(tx, `racer-${i}`);
          await tx.insertUsers([user(`racer-${i}`, { areaId: 'race' })]);
          return true;
        }),
      ),
    );
    const using = (await repository.countUsers(['race']))[0]?.using;
    assert.equal(granted.filter(Boolean).length, 5, `granted ${granted.filter(Boolean).length} seats of 5`);
    assert.equal(using, 5, `the area holds ${using} users for 5 seats`);
  }),

  check('concurrency', 'transactions on the same area never overlap', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    let active = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        repository.transaction({ areaIds: ['a'] }, async (tx) => {
          active += 1;
          most = Math.max(most, active);
          await tx.getArea('a');
          await countsOf(tx, 'a');
          await tx.insertUsers([user(`u${i}`)]);
          active -= 1;
        }),
      ),
    );
    assert.equal(most, 1, `${most} transactions on one area ran at once`);
  }),

  check('concurrency', 'transactions naming the same areas in opposite orders never deadlock and never overlap', async (repository) => {
    await seed(repository, { areas: [area('a'), area('b')] });
    await repository.transaction({ areaIds: [] }, (tx) => tx.putSetting('counter', 0));
    const rounds = 20;
    await Promise.all(
      Array.from({ length: rounds }, (_, i) =>
        repository.transaction({ areaIds: i % 2 === 0 ? ['a', 'b'] : ['b', 'a'] }, async (tx) => {
          const counter = (await tx.getSetting('counter')) as number;
          await countsOf(tx, 'a');
          await tx.putSetting('counter', counter + 1);
        }),
      ),
    );
    assert.equal(await repository.getSetting('counter'), rounds, 'an increment was lost: two transactions overlapped');
  }),

  check('concurrency', 'a username raced by transactions in two areas is taken by exactly one; the other gets ConflictError', async (repository) => {
    await seed(repository, { areas: [area('a'), area('b')] });
    const outcomes = await Promise.allSettled([
      repository.transaction({ areaIds: ['a'] }, async (tx) => {
        await countsOf(tx, 'a');
        await tx.insertUsers([user('u-a', { username: 'Same', areaId: 'a' })]);
      }),
      repository.transaction({ areaIds: ['b'] }, async (tx) => {
        await countsOf(tx, 'b');
        await tx.insertUsers([user('u-b', { username: 'sAME', areaId: 'b' })]);
      }),
    ]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    const failure = outcomes.find((o) => o.status === 'rejected');
    assert.ok(failure !== undefined && conflictOn('username')(failure.reason), `expected a username ConflictError, got ${String(failure?.reason)}`);
    assert.equal((await repository.findUsersByUsernames(['same'])).length, 1);
  }),
];
