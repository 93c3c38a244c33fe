import type { Pool } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { MySqlSeatRepository } from '../../../src/adapters/mysql/index.js';
import { SerializationFailureError } from '../../../src/index.js';

/**
 * A stand-in pool that answers every statement with nothing and fails the
 * statements matching `fail` as told, recording what it was sent and whether
 * every checked-out connection got back: the retry rules without a server.
 */
function scriptedPool(fail: (sql: string, count: number) => Error | null) {
  const sent: string[] = [];
  const outcomes: string[] = [];
  let count = 0;
  const listeners = new Set<unknown>();
  const unheard: string[] = [];
  const query = async (options: string | { sql: string }) => {
    const sql = typeof options === 'string' ? options : options.sql;
    sent.push(sql);
    const error = fail(sql, ++count);
    if (error !== null) throw error;
    return [/^SELECT/.test(sql.trim()) ? [] : { affectedRows: 0, info: '' }, []];
  };
  const pool = {
    query,
    async getConnection() {
      return {
        // Every statement on a checked-out connection runs while seatkeeper listens for its 'error'.
        query: (options: string | { sql: string }) => {
          if (listeners.size === 0) unheard.push(typeof options === 'string' ? options : options.sql);
          return query(options);
        },
        on: (_event: string, listener: unknown) => listeners.add(listener),
        off: (_event: string, listener: unknown) => listeners.delete(listener),
        release: () => outcomes.push('released'),
        destroy: () => outcomes.push('destroyed'),
      };
    },
  } as unknown as Pool;
  return { pool, sent, outcomes, listeners, unheard };
}

const deadlock = () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 });

describe('retries', () => {
  it('a deadlock met while taking the area locks starts the transaction again, before the work ever ran', async () => {
    let locks = 0;
    const { pool, sent, outcomes, listeners, unheard } = scriptedPool((sql) => (sql.includes('FOR UPDATE') && ++locks === 1 ? deadlock() : null));
    let runs = 0;
    const result = await new MySqlSeatRepository(pool).transaction({ areaIds: ['b', 'a'] }, async () => ++runs);
    expect(result).toBe(1);
    expect(sent.filter((s) => s === 'START TRANSACTION')).toHaveLength(2);
    expect(sent.filter((s) => s === 'ROLLBACK')).toHaveLength(1);
    expect(outcomes).toEqual(['released', 'released']);
    expect(listeners.size).toBe(0);
    expect(unheard).toEqual([]);
  });

  it('the lock is tried three times at most, then SerializationFailureError', async () => {
    const { pool, sent } = scriptedPool((sql) => (sql.includes('FOR UPDATE') ? deadlock() : null));
    await expect(new MySqlSeatRepository(pool).transaction({ areaIds: ['a'] }, async () => 1)).rejects.toBeInstanceOf(SerializationFailureError);
    expect(sent.filter((s) => s.includes('FOR UPDATE'))).toHaveLength(3);
  });

  it('a deadlock once the work has run is not retried: the work runs once, the error surfaces typed', async () => {
    const { pool, sent } = scriptedPool((sql) => (sql.startsWith('DELETE') ? deadlock() : null));
    let runs = 0;
    await expect(
      new MySqlSeatRepository(pool).transaction({ areaIds: ['a'] }, async (tx) => {
        runs++;
        await tx.deleteUser('u1');
      }),
    ).rejects.toBeInstanceOf(SerializationFailureError);
    expect(runs).toBe(1);
    expect(sent.filter((s) => s === 'COMMIT')).toEqual([]);
  });
});
