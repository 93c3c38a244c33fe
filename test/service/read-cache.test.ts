import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, type SeatTransaction, type TransactionScope, type User } from '../../src/index.js';
import { ReadCachingTransaction } from '../../src/service/read-cache.js';
import { area, blocked, organization, seed, user } from '../../src/testing/fixtures.js';

/** An in-memory repository that counts the reads of areas and counts made through its transactions. */
class CountingRepository extends InMemorySeatRepository {
  reads = { getArea: 0, countUsers: 0 };

  override async transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    return super.transaction(scope, (tx) =>
      work(
        new Proxy(tx, {
          get: (target, property) => {
            if (property === 'getArea' || property === 'countUsers') this.reads[property]++;
            const member: unknown = Reflect.get(target, property);
            return typeof member === 'function' ? member.bind(target) : member;
          },
        }),
      ),
    );
  }
}

describe('ReadCachingTransaction', () => {
  it('a createUser reads its area and counts once: the watch after the write reads neither again', async () => {
    const repository = new CountingRepository();
    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
    repository.reads = { getArea: 0, countUsers: 0 };
    expect((await seats.createUser({ username: 'alice', areaId: 'primary' })).ok).toBe(true);
    expect(repository.reads).toEqual({ getArea: 1, countUsers: 1 });
    expect(await repository.getSetting('alert:primary')).toMatchObject({ lastUsing: 1 });
  });

  it('the counts it hands out after each kind of write are the repository counts', async () => {
    const repository = new InMemorySeatRepository();
    await seed(repository, { areas: [area('a'), area('b')], organizations: [organization('acme', 'a')], users: [user('h1'), user('h2', { areaId: 'b' })] });
    await repository.transaction({ areaIds: ['a', 'b'] }, async (raw) => {
      const tx = new ReadCachingTransaction(raw);
      const same = async () => {
        for (const id of ['a', 'b']) expect(await tx.countUsers(id)).toEqual(await raw.countUsers(id));
      };
      const writes: Array<() => Promise<unknown>> = [
        () => tx.insertUsers([user('p1', { organizationId: 'acme' })]),
        () => tx.insertUsers([blocked(user('p2', { organizationId: 'acme' }), 'license-limit')]),
        () => tx.insertUsers([user('s1', { kind: 'system', systemRole: 'guest' })]),
        () => tx.insertUsers([user('b1', { areaId: 'b' })]),
        () => tx.insertUsers([user('m1'), user('m2', { areaId: 'b' })]),
        () => tx.updateUsers([{ ...user('h1'), areaId: 'b' } satisfies User]),
        () => tx.deleteUser('p1'),
      ];
      for (const write of writes) {
        await tx.countUsers('a');
        await tx.countUsers('b');
        await write();
        await same();
      }
    });
  });

  it('an area written through it is read again', async () => {
    const repository = new InMemorySeatRepository();
    await seed(repository, { areas: [area('a')] });
    await repository.transaction({ areaIds: ['a'] }, async (raw) => {
      const tx = new ReadCachingTransaction(raw);
      expect((await tx.getArea('a'))?.maxUsers).toBe(area('a').maxUsers);
      await tx.putArea({ ...area('a'), maxUsers: 3 });
      expect((await tx.getArea('a'))?.maxUsers).toBe(3);
      expect(await tx.getArea('missing')).toBeNull();
    });
  });
});
