import { describe, expect, it } from 'vitest';
import { PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { createSeatkeeper, InvalidInputError, SerializationFailureError, StorageUnavailableError } from '../../../src/index.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/**
 * A lock held forever (a half-open connection inside a transaction, a stuck
 * host) must not block every writer of an area with no end: the repository
 * sets lock, statement and idle-in-transaction timeouts on each of its
 * transactions, and a timeout is a typed, retryable error.
 */
describe.skipIf(unavailable !== null)('PostgreSQL timeouts', () => {
  const database = useTestDatabase('timeouts');
  let counter = 0;

  /** A migrated schema with a primary area "a" of 10 seats. */
  async function site(): Promise<string> {
    const schema = `timeouts_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    await createSeatkeeper({ repository }).defineArea({ id: 'a', kind: 'primary', name: 'A', maxUsers: 10 });
    return schema;
  }

  /** Holds area "a"'s row lock from a raw connection, as a stuck app server would, while `during` runs. */
  async function whileLocked<T>(schema: string, during: () => Promise<T>): Promise<T> {
    const holder = await database().pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT id FROM ${schema}.seatkeeper_areas WHERE id = 'a' FOR UPDATE`);
      return await during();
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  }

  const activeUsers = async (schema: string) =>
    (await database().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.seatkeeper_users`)).rows[0]?.n;

  it('with lockTimeout 200 ms, a createUser on an area whose lock another connection holds fails fast with a retryable SerializationFailureError and writes nothing', async () => {
    const schema = await site();
    const seats = createSeatkeeper({ repository: new PostgresSeatRepository(database().newPool({ max: 2 }), { schema, lockTimeout: 200 }) });
    const started = Date.now();
    const error = await whileLocked(schema, () => seats.createUser({ username: 'alice', areaId: 'a' }).catch((e: unknown) => e));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error).toMatchObject({ code: 'SERIALIZATION_FAILURE', message: expect.stringMatching(/lockTimeout.*55P03.*retry/is) });
    expect(await activeUsers(schema)).toBe(0);
    // Once the lock is free, the same call succeeds.
    expect(await seats.createUser({ username: 'alice', areaId: 'a' })).toMatchObject({ ok: true });
  });

  it('with statementTimeout 300 ms and no lock timeout, the lock wait is cancelled by the statement timeout: a retryable SerializationFailureError', async () => {
    const schema = await site();
    const seats = createSeatkeeper({ repository: new PostgresSeatRepository(database().newPool({ max: 2 }), { schema, lockTimeout: 0, statementTimeout: 300 }) });
    const started = Date.now();
    const error = await whileLocked(schema, () => seats.createUser({ username: 'alice', areaId: 'a' }).catch((e: unknown) => e));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error).toMatchObject({ message: expect.stringMatching(/57014.*statement timeout/is) });
    expect(await activeUsers(schema)).toBe(0);
  });

  it('a transaction left idle longer than idleInTransactionTimeout is ended by the server: its lock is freed for other writers, and it fails with StorageUnavailableError, writing nothing', async () => {
    const schema = await site();
    const stuck = new PostgresSeatRepository(database().newPool({ max: 1 }), { schema, idleInTransactionTimeout: 300 });
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    let locked!: () => void;
    const hasLock = new Promise<void>((resolve) => (locked = resolve));
    // A host that hangs inside the transaction while holding area "a"'s lock.
    const hanging = stuck.transaction({ areaIds: ['a'] }, async (tx) => {
      locked();
      await resumed;
      await tx.putSetting('written-by-the-stuck-transaction', true);
    });
    const outcome = hanging.then(
      () => null,
      (error: unknown) => error,
    );
    await hasLock;

    const other = createSeatkeeper({ repository: new PostgresSeatRepository(database().newPool({ max: 2 }), { schema }) });
    const started = Date.now();
    expect(await other.createUser({ username: 'bob', areaId: 'a' })).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(5_000);

    resume();
    const error = await outcome;
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).toMatchObject({ message: expect.stringMatching(/25P03|idle-in-transaction/i) });
    expect(await new PostgresSeatRepository(database().pool, { schema }).getSetting('written-by-the-stuck-transaction')).toBeNull();
    // The pool recovers: the broken connection was discarded.
    await stuck.transaction({ areaIds: ['a'] }, (tx) => tx.putSetting('later', true));
  });

  it('refuses timeouts that are not whole non-negative milliseconds', () => {
    for (const options of [{ lockTimeout: -1 }, { statementTimeout: 1.5 }, { idleInTransactionTimeout: Number.NaN }, { lockTimeout: 2 ** 31 }]) {
      expect(() => new PostgresSeatRepository(database().pool, options)).toThrow(InvalidInputError);
    }
  });
});
