import assert from 'node:assert/strict';
import type { TimeCursor } from '../../core/audit.js';
import type { InactiveUserFilter, SeatRepository } from '../../ports/repository.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, blocked, countsOf, seed, user } from '../fixtures.js';

/** Every inactive user matching `filter`, read page by page, with the number of pages. */
async function readAll(repository: SeatRepository, filter: InactiveUserFilter, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: TimeCursor | null = null;
  let pages = 0;
  do {
    const page = await repository.listInactiveUsers(filter, { after, limit });
    pages++;
    assert.ok(page.users.length <= limit, `a page holds at most ${limit} users`);
    ids.push(...page.users.map((u) => u.id));
    after = page.next;
    assert.ok(pages < 100, 'paging must end');
  } while (after !== null);
  return { ids, pages };
}

/**
 * Users of areas a and b, each last seen at a known time: by their activity,
 * or by their creation when later or without activity.
 */
const site = () => ({
  areas: [area('a'), area('b')],
  users: [
    user('old', { createdAt: at(1_000), lastActivityAt: at(5_000) }),
    user('never', { createdAt: at(2_000) }),
    user('recent', { createdAt: at(1_000), lastActivityAt: at(50_000) }),
    user('new', { createdAt: at(40_000) }),
    // Activity before its creation (a clock moved back): seen at its creation.
    user('imported', { createdAt: at(6_000), lastActivityAt: at(500) }),
    user('tied', { createdAt: at(2_000) }),
    user('other-area', { areaId: 'b', createdAt: at(3_000) }),
    blocked(user('blocked', { createdAt: at(1_000) }), 'admin'),
    user('system', { kind: 'system', systemRole: 'superuser', createdAt: at(1_000) }),
  ],
});

/** Recording activity, and listing the active licensed users nobody has seen since a time. */
export const activityChecks: readonly SeatRepositoryCheck[] = [
  check('activity', 'recordActivity keeps the later time, changes nothing else, and returns the user as stored', async (repository) => {
    const ann = user('u1', { createdAt: at(1), updatedAt: at(2) });
    await seed(repository, { areas: [area('a')], users: [ann] });
    assert.deepEqual(await repository.recordActivity('u1', at(5_000)), { ...ann, lastActivityAt: at(5_000) });
    assert.deepEqual(await repository.recordActivity('u1', at(4_000)), { ...ann, lastActivityAt: at(5_000) }, 'an earlier time never moves it back');
    assert.deepEqual(await repository.recordActivity('u1', at(6_000)), { ...ann, lastActivityAt: at(6_000) });
    assert.deepEqual(await repository.getUser('u1'), { ...ann, lastActivityAt: at(6_000) }, 'updatedAt stays');
    assert.deepEqual(await countsOf(repository, 'a'), { areaId: 'a', users: 1, using: 1, activeSystem: 0, blocked: 0, organizations: [] });
    assert.equal(await repository.recordActivity('nobody', at(1)), null);
  }),

  check('activity', 'a write never moves the last activity back: a user read before a recordActivity keeps the newer time', async (repository) => {
    const ann = user('u1', { lastActivityAt: at(1_000) });
    await seed(repository, { areas: [area('a')], users: [ann] });
    let signIn: Promise<void> | undefined;
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      const read = await tx.getUser('u1');
      assert.ok(read !== null);
      // A sign-in while the transaction holds the user it read. A store with one connection (PGlite) runs it after the
      // transaction, so it is not awaited here: the transaction would wait for it, and it for the transaction.
      signIn = repository.recordActivity('u1', at(9_000)).then(() => undefined);
      await Promise.race([signIn, new Promise((resolve) => setTimeout(resolve, 100))]);
      await tx.updateUsers([{ ...read, displayName: 'Ann' }]);
    });
    await signIn;
    assert.deepEqual(await repository.getUser('u1'), { ...ann, displayName: 'Ann', lastActivityAt: at(9_000) });
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([{ ...ann, lastActivityAt: at(12_000) }]));
    assert.deepEqual((await repository.getUser('u1'))?.lastActivityAt, at(12_000), 'a later time given is kept');
  }),

  check('activity', 'listInactiveUsers lists active licensed users last seen before the time, least recently seen first', async (repository) => {
    await seed(repository, site());
    const page = await repository.listInactiveUsers({ before: at(10_000), areaIds: null }, { after: null, limit: 100 });
    assert.deepEqual(
      page.users.map((u) => u.id),
      ['never', 'tied', 'other-area', 'old', 'imported'],
      'by last activity, or creation when later or without activity; ties by id; never blocked or system users',
    );
    assert.deepEqual(page.users[3], site().users[0], 'the users as stored');
    assert.equal(page.next, null);
    const exact = await repository.listInactiveUsers({ before: at(5_000), areaIds: null }, { after: null, limit: 100 });
    assert.deepEqual(exact.users.map((u) => u.id), ['never', 'tied', 'other-area'], 'last seen at the time itself is not before it');
  }),

  check('activity', 'listInactiveUsers keeps to the areas asked for, and pages by keyset with next null exactly when no user follows', async (repository) => {
    await seed(repository, site());
    const all = ['never', 'tied', 'other-area', 'old', 'imported'];
    for (const limit of [1, 2, 3, 5, 6]) {
      const read = await readAll(repository, { before: at(10_000), areaIds: null }, limit);
      assert.deepEqual(read, { ids: all, pages: Math.ceil(5 / limit) }, `pages of ${limit}`);
    }
    const first = await repository.listInactiveUsers({ before: at(10_000), areaIds: null }, { after: null, limit: 2 });
    assert.deepEqual(first.next, { at: at(2_000), id: 'tied' }, 'the cursor is the last user\'s last-seen time and id');
    assert.deepEqual((await readAll(repository, { before: at(10_000), areaIds: ['a'] }, 2)).ids, ['never', 'tied', 'old', 'imported']);
    assert.deepEqual((await readAll(repository, { before: at(10_000), areaIds: ['b'] }, 2)).ids, ['other-area']);
    assert.deepEqual((await readAll(repository, { before: at(10_000), areaIds: ['nowhere'] }, 2)).ids, []);
  }),

  check('activity', 'the dormant block reason is stored and listed like any other', async (repository) => {
    const dormant = blocked(user('u1'), 'dormant', at(7_000));
    await seed(repository, { areas: [area('a')], users: [dormant] });
    assert.deepEqual(await repository.getUser('u1'), dormant);
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      assert.deepEqual(await tx.listBlockedUsers('a', 'dormant', 10), [dormant]);
    });
  }),
];
