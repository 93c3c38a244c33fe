import assert from 'node:assert/strict';
import type { User } from '../../core/schemas.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, blocked, inListOrder, seed, user } from '../fixtures.js';

/** Large batches, as a directory sync writes them. */
export const bulkChecks: readonly SeatRepositoryCheck[] = [
  check('bulk', 'a batch of 2,000 users is inserted in one call, then counted, looked up, updated and paged in full', async (repository) => {
    await seed(repository, { areas: [area('a', 5_000)] });
    const users: User[] = Array.from({ length: 2_000 }, (_, i) => {
      const u = user(`bulk-${i}`, { username: `Person ${String(i).padStart(4, '0')}`, externalId: `dir-${i}`, source: 'directory' });
      return i % 4 === 0 ? blocked(u, 'license-limit') : u;
    });
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers(users));
    const [counts] = await repository.countUsers(['a']);
    assert.deepEqual({ users: counts?.users, using: counts?.using, blocked: counts?.blocked }, { users: 2_000, using: 1_500, blocked: 500 });
    assert.equal((await repository.findUsersByUsernames(users.map((u) => u.username.toUpperCase()))).length, 2_000);
    assert.equal((await repository.findUsersByExternalIds(users.map((u) => u.externalId as string))).length, 2_000);

    const activated = users.filter((u) => u.state === 'blocked').map((u) => ({ ...u, state: 'active' as const, blockReason: null, blockedAt: null, blockedBy: null }));
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers(activated));
    assert.equal((await repository.countUsers(['a']))[0]?.using, 2_000);

    const listed: string[] = [];
    let after: string | null = null;
    do {
      const page = await repository.listUsers({ areaId: 'a' }, { after, limit: 700 });
      listed.push(...page.users.map((u) => u.id));
      after = page.next;
    } while (after !== null);
    assert.deepEqual(listed, inListOrder(users).map((u) => u.id));
  }),
];
