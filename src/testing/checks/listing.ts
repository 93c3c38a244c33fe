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
    if (after !== null) assert.ok(page.users.length > 0, `a cursor is returned only when another user matches (filter ${JSON.stringify(filter)}, page size ${limit})`);
    users.push(...page.users);
    if (page.next === null) return users;
    after = page.next;
  }
}

/** The ids a search finds, read page by page, in listing order. */
async function found(repository: SeatRepository, search: string, filter: UserFilter = {}, limit = 50): Promise<string[]> {
  return (await readAll(repository, { ...filter, search }, limit)).map((u) => u.id);
}

/** Ids in the order `listUsers` returns their users. */
function idsInListOrder(users: readonly User[], ids: readonly string[]): string[] {
  return inListOrder(users.filter((u) => ids.includes(u.id))).map((u) => u.id);
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

  check(
    'listing',
    'search finds a text anywhere in the username, display name or email, ignoring case, width and accents, NFC and NFD alike',
    async (repository) => {
      const users = [
        user('zola', { username: 'EZola', displayName: 'Émile Zola', email: 'emile.zola@example.org' }),
        // Stored decomposed (e + U+0301): found by composed and decomposed searches alike.
        user('manet', { username: 'E\u0301douard', displayName: 'E\u0301douard Manet' }),
        user('zoe', { username: 'zoe', displayName: 'Zoë Kravitz', email: 'ZK@Example.COM' }),
        user('mallory', { username: 'mallory', email: 'mallory@corp.example' }),
        user('oystein', { username: 'Øystein', displayName: 'Øystein Ås' }),
        user('odd', { username: '50%off', displayName: 'a_b \\ c', email: 'odd@shop.test' }),
        // The fields are searched one by one: "bc" spans "ab" and "cd" and finds nothing.
        user('split', { username: 'ab', displayName: 'cd', email: 'ef@x.test' }),
        // Width and full case folding, as usernames compare: fullwidth letters, ß and ss.
        user('wide', { username: 'Ｍａｒｉａ', displayName: 'Hauptstraße 1' }),
      ];
      await seed(repository, { areas: [area('a')], users });
      const expectations: ReadonlyArray<readonly [search: string, ids: readonly string[]]> = [
        ['zola', ['zola']],
        ['ÉMILE', ['zola']],
        ['emile', ['zola']],
        ['e\u0301mile', ['zola']],
        ['EDOUARD', ['manet']],
        ['Édouard manet', ['manet']],
        ['kravitz', ['zoe']],
        ['zoe', ['zoe']],
        ['Zoë', ['zoe']],
        ['zo', ['zola', 'zoe']],
        ['example', ['zola', 'zoe', 'mallory']],
        ['EXAMPLE.com', ['zoe']],
        ['@corp.', ['mallory']],
        ['øystein', ['oystein']],
        ['as', ['oystein', 'wide']],
        ['oystein', []],
        ['%', ['odd']],
        ['50%o', ['odd']],
        ['_', ['odd']],
        ['\\', ['odd']],
        ['bc', []],
        ['abcd', []],
        ['cd', ['split']],
        ['nobody', []],
        ['maria', ['wide']],
        ['ＭＡＲ', ['wide']],
        ['STRASSE', ['wide']],
        ['straße 1', ['wide']],
      ];
      for (const [search, ids] of expectations) {
        assert.deepEqual(await found(repository, search), idsInListOrder(users, ids), `search ${JSON.stringify(search)}`);
      }
      // A search that folds to nothing narrows nothing.
      const everyone = inListOrder(users).map((u) => u.id);
      for (const search of ['', '\u0301']) assert.deepEqual(await found(repository, search), everyone, `search ${JSON.stringify(search)}`);
    },
  ),

  check('listing', 'search combines with every other filter, and paging through the matches with after returns each once, in order', async (repository) => {
    const users = Array.from({ length: 60 }, (_, i) => {
      const base = user(`u${String(i).padStart(2, '0')}`, {
        username: `${i % 3 === 0 ? 'Renée' : 'rene'}-${String(i).padStart(2, '0')}`,
        displayName: i % 4 === 0 ? 'Ana Müller' : null,
        email: i % 5 === 0 ? `${i}.MULLER@example.org` : null,
        areaId: i % 2 === 0 ? 'a' : 'b',
        organizationId: i % 7 === 0 ? (i % 2 === 0 ? 'acme' : 'initech') : null,
      });
      return i % 6 === 1 ? blocked(base, 'admin') : base;
    });
    await seed(repository, { areas: [area('a'), area('b')], organizations: [organization('acme', 'a'), organization('initech', 'b')], users });
    const searches: ReadonlyArray<readonly [search: string, matches: (u: User) => boolean]> = [
      ['RENEE', (u) => u.username.startsWith('Renée')],
      ['ren', () => true],
      ['muller', (u) => u.displayName !== null || u.email !== null],
      ['müller@', (u) => u.email !== null],
    ];
    const filters: UserFilter[] = [{}, { areaId: 'a' }, { areaId: 'b', state: 'blocked' }, { organizationId: null }, { organizationId: 'acme' }, { state: 'active', kind: 'licensed' }];
    for (const [search, matches] of searches) {
      for (const filter of filters) {
        const expected = inListOrder(
          users.filter(
            (u) =>
              matches(u) &&
              (filter.areaId === undefined || u.areaId === filter.areaId) &&
              (filter.organizationId === undefined || u.organizationId === filter.organizationId) &&
              (filter.state === undefined || u.state === filter.state) &&
              (filter.kind === undefined || u.kind === filter.kind),
          ),
        ).map((u) => u.id);
        for (const limit of [1, 7, 100]) {
          assert.deepEqual(await found(repository, search, filter, limit), expected, `search ${JSON.stringify(search)}, filter ${JSON.stringify(filter)}, page size ${limit}`);
        }
      }
    }
  }),

  check('listing', 'a changed username, display name or email is found by its new text and no longer by its old one', async (repository) => {
    const before = user('u1', { username: 'jdoe', displayName: 'Jane Doe', email: 'jane@old.example' });
    await seed(repository, { areas: [area('a')], users: [before, user('u2', { username: 'other' })] });
    await repository.transaction({ areaIds: ['a'] }, (tx) =>
      tx.updateUsers([{ ...before, username: 'jsmith', displayName: 'Jane Smith', email: 'jane@new.example', updatedAt: at(1_000) }]),
    );
    for (const search of ['jdoe', 'doe', 'old.example']) assert.deepEqual(await found(repository, search), [], `old text ${JSON.stringify(search)}`);
    for (const search of ['jsmith', 'Smith', 'NEW.example']) assert.deepEqual(await found(repository, search), ['u1'], `new text ${JSON.stringify(search)}`);
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([{ ...before, username: 'jsmith', displayName: null, email: null, updatedAt: at(2_000) }]));
    assert.deepEqual(await found(repository, 'smith'), ['u1'], 'the username still matches');
    assert.deepEqual(await found(repository, 'new.example'), [], 'a cleared email no longer matches');
  }),

  check('listing', 'paging is stable while users are added and deleted: every user present throughout comes once, in order, the cursor never repeats or skips one', async (repository) => {
    const users = Array.from({ length: 20 }, (_, i) => user(`u${String(i * 10).padStart(3, '0')}`));
    await seed(repository, { areas: [area('a')], users });
    const seen: string[] = [];
    let page = await repository.listUsers({}, { after: null, limit: 5 });
    seen.push(...page.users.map((u) => u.id));
    let round = 0;
    while (page.next !== null) {
      round++;
      // Before the cursor (never seen now), after it (seen when reached), and a deletion ahead.
      await repository.transaction({ areaIds: ['a'] }, async (tx) => {
        await tx.insertUsers([user(`u${String(round * 10 - 5).padStart(3, '0')}`), user(`u${String(round * 10 + 95).padStart(3, '0')}x`)]);
        await tx.deleteUser(`u${String(190 - round * 10).padStart(3, '0')}`);
      });
      page = await repository.listUsers({}, { after: page.next, limit: 5 });
      seen.push(...page.users.map((u) => u.id));
    }
    assert.equal(new Set(seen).size, seen.length, 'no user is returned twice');
    assert.deepEqual(seen, [...seen].sort(), 'users come in username order');
    const deleted = new Set(Array.from({ length: round }, (_, i) => `u${String(190 - (i + 1) * 10).padStart(3, '0')}`));
    for (const u of users) if (!deleted.has(u.id)) assert.ok(seen.includes(u.id), `${u.id}, present throughout, is returned`);
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
