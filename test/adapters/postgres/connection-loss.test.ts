import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { StorageUnavailableError } from '../../../src/index.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** Where, relative to one statement of the migrating connection, its backend is terminated. */
interface CutPoint {
  /** Which statement: its index on the connection, or the first whose text matches. */
  readonly at: number | RegExp;
  /** Before the statement is sent, or after its answer arrived (before the caller sees it). */
  readonly when: 'before' | 'after';
}

/**
 * A pool whose checked-out connections are terminated by the server
 * (`pg_terminate_backend` from another connection) at one point of their
 * conversation. The termination completes (the client saw its connection end)
 * before the conversation goes on, so the client's 'error' event fires while
 * the connection is checked out.
 */
function cutAt(pool: pg.Pool, admin: pg.Pool, point: CutPoint): pg.Pool {
  const cut = async (client: pg.PoolClient) => {
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    const pid = (client as unknown as { processID: number }).processID;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // Bounded: an 'error' event nobody listens to throws out of the client's handler before 'end' is emitted.
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  };
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver) as unknown;
      return async () => {
        const client = await target.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        let index = 0;
        let done = false;
        (client as unknown as { query: unknown }).query = async (...args: unknown[]) => {
          const text = String(args[0]);
          const here = !done && (typeof point.at === 'number' ? index === point.at : point.at.test(text));
          index++;
          if (here) done = true;
          if (here && point.when === 'before') await cut(client);
          const result = await query(...args);
          if (here && point.when === 'after') await cut(client);
          return result;
        };
        return client;
      };
    },
  });
}

/** The error listeners the process has beyond vitest's own, so an unhandled 'error' event is seen by the test. */
let uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

describe.skipIf(unavailable !== null)('a connection cut while migrate() runs', () => {
  const database = useTestDatabase('connection_loss');
  let counter = 0;

  beforeEach(() => {
    uncaught = [];
    process.on('uncaughtException', onUncaught);
  });
  afterEach(() => {
    process.off('uncaughtException', onUncaught);
  });

  const points: ReadonlyArray<[string, CutPoint]> = [
    ['before BEGIN', { at: 0, when: 'before' }],
    ['before the advisory lock', { at: /pg_advisory_xact_lock/, when: 'before' }],
    ['after the advisory lock', { at: /pg_advisory_xact_lock/, when: 'after' }],
    ['before creating the tables', { at: /CREATE TABLE/, when: 'before' }],
    ['after the first migration', { at: /INSERT INTO .*seatkeeper_schema_version/, when: 'after' }],
    ['before COMMIT', { at: /^COMMIT/, when: 'before' }],
  ];

  it.each(points)('cut %s: migrate() rejects with StorageUnavailableError, the process does not crash, and the next migrate() completes', async (_, point) => {
    const schema = `cut_${++counter}`;
    const pool = database().newPool({ max: 2 });
    const repository = new PostgresSeatRepository(cutAt(pool, database().pool, point), { schema });

    await expect(repository.migrate()).rejects.toBeInstanceOf(StorageUnavailableError);
    await new Promise((resolve) => setTimeout(resolve, 50)); // any late 'error' event
    expect(uncaught).toEqual([]);

    // Nothing half-done stays behind: a fresh migrate() on the same pool applies every version.
    const again = await new PostgresSeatRepository(pool, { schema }).migrate();
    expect(again.version).toBe(CURRENT_SCHEMA_VERSION);
    expect(again.applied.at(-1)).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('cut after COMMIT: migrate() reports the committed migration, and the process does not crash', async () => {
    const schema = `cut_${++counter}`;
    const pool = database().newPool({ max: 2 });
    const repository = new PostgresSeatRepository(cutAt(pool, database().pool, { at: /^COMMIT/, when: 'after' }), { schema });

    expect((await repository.migrate()).version).toBe(CURRENT_SCHEMA_VERSION);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uncaught).toEqual([]);
    expect((await new PostgresSeatRepository(pool, { schema }).migrate()).applied).toEqual([]);
  });

  it('cut while waiting for another server’s migration lock: migrate() rejects with StorageUnavailableError, no crash', async () => {
    const schema = `cut_${++counter}`;
    const pool = database().newPool({ max: 2, application_name: `seatkeeper-cut-${counter}` });
    const other = await database().pool.connect();
    try {
      // Another server is migrating this schema: it holds the migration lock.
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`seatkeeper:migrate:${schema}`]);
      const migrating = new PostgresSeatRepository(pool, { schema }).migrate();
      const settled = migrating.then(
        () => null,
        (error: unknown) => error,
      );
      // Wait until it waits, then cut it.
      for (let i = 0; i < 100; i++) {
        const { rows } = await database().pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [`seatkeeper-cut-${counter}`],
        );
        if (rows[0] !== undefined) {
          await database().pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await settled).toBeInstanceOf(StorageUnavailableError);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uncaught).toEqual([]);
    expect((await new PostgresSeatRepository(pool, { schema }).migrate()).version).toBe(CURRENT_SCHEMA_VERSION);
  });
});
