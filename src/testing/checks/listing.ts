import assert from 'node:assert/strict';
import type { User, UserFilter } from '../../core/schemas.js';
import type { SeatRepository } from '../../ports/repository.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, blocked, inListOrder, organization, seed, user } from '../fixtures.js';

/** ASCII and non-ASCII names in mixed case; their order ignoring case is by code point. */
const NAMES = ['bob', 'Alice', 'émile', 'Zoë', 'Ärger', 'zed', 'ñandú', 'Ωmega', 'carol', '李雷', 'Mallory', 'dave', 'Åsa', 'eve', 'Øystein', '_admin', 'x-ray', '0day'];

/** Reads every page of a listing. Checks the cursor contract on the way. */
async function readAll(repository: SeatRepository, filter: UserFilter, limit: number): Promise<User[]> {
  const users: User[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    assert.ok(pages <= 1_000, 'listUsers keeps returning a cursor');
    const page = await repository.listUsers(filter, { after, limit });
    assert.ok(page.users.length <= limit, `a page holds at most ${limit} users`);
    if (page.users.length < limit) assert.equal(page.next, null, 'a short page is the last page');
    users.push(...page.users);
    if (page.next === null) return users;
    after = page.next;
  }
}

/** `listUsers` and `listBlockedUsers`. */
export const listingChecks: readonly SeatRepositoryCheck[] = [
  check('listing', 'listUsers orders by username ignoring case, by code point, ASCII and non-ASCII alike', async (repository) => {
    const users = NAMES.map((name, i) => user(`u${i}`, { username: name }));
    await seed(repository, { areas: [area('a')], users });
    const page = await repository.listUsers({}, { after: null, limit: 100 });
    assert.deepEqual(
      page.users.map((u) => u.username),
      inListOrder(users).map((u) => u.username),
    );
    assert.equal(page.next, null);
  }),

  check('listing', 'paging with any page size returns every user exactly once, in order', async (repository) => {
    const users = NAMES.map((name, i) => user(`u${i}`, { username: name }));
    await seed(repository, { areas: [area('a')], users });
    const expected = inListOrder(users).map((u) => u.id);
    for (const limit of [1, 2, 3, 5, 17, 18, 19, 100]) {
      assert.deepEqual((await readAll(repository, {}, limit)).map((u) => u.id), expected, `page size ${limit}`);
    }
  }),

  check('listing', 'listUsers filters by area, organization (null: host company), state, kind, block reason and source, combined', async (repository) => {
    const users = [
      user('u1', { username: 'Hank' }),
      blocked(user('u2', { username: 'ivy', source: 'csv' }), 'admin'),
      user('u3', { username: 'Jack', organizationId: 'acme', source: 'directory' }),
      blocked(user('u4', { username: 'kim', organizationId: 'acme', source: 'directory' }), 'license-limit'),
      user('u5', { username: 'Leo', kind: 'system', systemRole: 'superuser', source: 'system' }),
      user('u6', { username: 'mia', areaId: 'b' }),
      blocked(user('u7', { username: 'Ned', areaId: 'b', organizationId: 'initech' }), 'license-limit'),
    ];
    await seed(repository, { areas: [area('a'), area('b')], organizations: [organization('acme', 'a'), organization('initech', 'b')], users });
    const filters: UserFilter[] = [
      { areaId: 'a' },
      { areaId: 'b' },
      { organizationId: null },
      { organizationId: 'acme' },
      { state: 'blocked' },
      { state: 'active', kind: 'licensed' },
      { kind: 'system' },
      { blockReason: 'license-limit' },
      { blockReason: 'license-limit', areaId: 'a' },
      { source: 'directory' },
      { areaId: 'a', organizationId: null, state: 'active' },
      { areaId: 'nowhere' },
    ];
    for (const filter of filters) {
      const expected = inListOrder(
        users.filter(
          (u) =>
            (filter.areaId === undefined || u.areaId === filter.areaId) &&
            (filter.organizationId === undefined || u.organizationId === filter.organizationId) &&
            (filter.state === undefined || u.state === filter.state) &&
            (filter.kind === undefined || u.kind === filter.kind) &&
            (filter.blockReason === undefined || u.blockReason === filter.blockReason) &&
            (filter.source === undefined || u.source === filter.source),
        ),
      );
      for (const limit of [1, 2, 50]) {
        assert.deepEqual(await readAll(repository, filter, limit), expected, `filter ${JSON.stringify(filter)}, page size ${limit}`);
      }
    }
  }),

  check('listing', 'an empty listing is one empty page without a cursor', async (repository) => {
    assert.deepEqual(await repository.listUsers({}, { after: null, limit: 10 }), { users: [], next: null });
    await seed(repository, { areas: [area('a')], users: [user('u1')] });
    assert.deepEqual(await repository.listUsers({ state: 'blocked' }, { after: null, limit: 10 }), { users: [], next: null });
  }),

  check('listing', 'listBlockedUsers gives one area and reason, oldest blockedAt first then id, up to the limit, own writes included', async (repository) => {
    // Ids deliberately out of time order, so ordering by id alone would be caught.
    const users = [
      blocked(user('p-a'), 'license-limit', at(3_000)),
      blocked(user('p-c'), 'license-limit', at(1_000)),
      blocked(user('p-d'), 'license-limit', at(2_000)),
      blocked(user('p-b'), 'license-limit', at(2_000)),
      blocked(user('adm'), 'admin', at(500)),
      blocked(user('other-area', { areaId: 'b' }), 'license-limit', at(100)),
      user('active'),
    ];
    await seed(repository, { areas: [area('a'), area('b')], users });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      assert.deepEqual(
        (await tx.listBlockedUsers('a', 'license-limit', 10)).map((u) => u.id),
        ['p-c', 'p-b', 'p-d', 'p-a'],
      );
      assert.deepEqual((await tx.listBlockedUsers('a', 'license-limit', 2)).map((u) => u.id), ['p-c', 'p-b']);
      assert.deepEqual((await tx.listBlockedUsers('a', 'admin', 10)).map((u) => u.id), ['adm']);
      assert.deepEqual(await tx.listBlockedUsers('a', 'directory-removed', 10), []);
      await tx.insertUsers([blocked(user('p-z'), 'license-limit', at(10))]);
      await tx.updateUsers([{ ...(users[1] as User), state: 'active', blockReason: null, blockedAt: null, blockedBy: null }]);
      assert.deepEqual(
        (await tx.listBlockedUsers('a', 'license-limit', 10)).map((u) => u.id),
        ['p-z', 'p-b', 'p-d', 'p-a'],
        'the transaction sees its own inserts and activations',
      );
    });
    assert.equal((await repository.getUser('p-z'))?.blockReason, 'license-limit');
  }),
];
