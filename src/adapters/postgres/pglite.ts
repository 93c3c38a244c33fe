/**
 * PGlite (`@electric-sql/pglite`, PostgreSQL compiled to WebAssembly, in
 * process) behind the small part of `pg.Pool` that {@link PostgresSeatRepository}
 * uses, so the same repository, SQL and migrations run on an embedded database
 * in a local folder (or in memory) as on a PostgreSQL server.
 *
 * PGlite is a single connection: checkouts are served one at a time, in the
 * order they were asked for, and a statement on the pool waits its turn like a
 * checkout. The repository never needs a second connection while it holds one,
 * so one connection is enough.
 *
 * @module
 */
import type { Pool } from 'pg';

/** One statement's result as PGlite gives it. */
export interface PgliteResults {
  /** The returned rows. */
  readonly rows: unknown[];
  /** The command tag's verb, e.g. `SELECT` or `ROLLBACK`. */
  readonly command?: string;
  /** The rows returned or written by this statement. */
  readonly rowCount?: number;
  /** The rows written, over the whole query. */
  readonly affectedRows?: number;
}

/**
 * The part of a PGlite instance {@link pglitePool} uses: `query` (one
 * parameterised statement) and `exec` (statements without parameters).
 * A `PGlite` from `@electric-sql/pglite` has both.
 */
export interface PgliteDatabase {
  /** Runs one parameterised statement (the extended protocol), reading columns with `options.parsers` (by type OID). */
  query(text: string, params?: unknown[], options?: { parsers?: { [typeId: number]: (value: string) => unknown } }): Promise<PgliteResults>;
  /** Runs statements without parameters (the simple protocol), one result each, reading columns with `options.parsers`. */
  exec(text: string, options?: { parsers?: { [typeId: number]: (value: string) => unknown } }): Promise<PgliteResults[]>;
}

/**
 * `pg` reads `bigint` and `numeric` columns as strings (their values may not
 * fit a JavaScript number); PGlite reads them as numbers. The repository is
 * written for `pg`, so PGlite is asked to read them as `pg` does.
 */
const PG_PARSERS: { [typeId: number]: (value: string) => unknown } = Object.freeze({
  20: (value: string) => value, // int8
  1700: (value: string) => value, // numeric
});
const OPTIONS = Object.freeze({ parsers: PG_PARSERS });

/** A result in the shape `pg` gives: `rowCount` is `null` for commands that report none, as in `pg`. */
interface PgShapedResult {
  readonly rows: unknown[];
  readonly rowCount: number | null;
  readonly command: string;
}

function pgShaped(result: PgliteResults): PgShapedResult {
  return { rows: result.rows, rowCount: result.rowCount ?? null, command: result.command ?? '' };
}

/**
 * Runs a statement as `pg` would: with parameters, one statement on the
 * extended protocol; without (or with none), the simple protocol, which takes
 * several statements separated by `;` and answers one result per statement
 * (a single result alone, as `pg` does).
 */
async function runAsPg(db: PgliteDatabase, text: string, values?: unknown[]): Promise<PgShapedResult | PgShapedResult[]> {
  if (values !== undefined && values.length > 0) return pgShaped(await db.query(text, values, OPTIONS));
  const results = (await db.exec(text, OPTIONS)).map(pgShaped);
  return results.length === 1 ? (results[0] as PgShapedResult) : results;
}

/**
 * Quotes a string as an SQL literal exactly as `pg`'s `escapeLiteral` does:
 * quotes doubled, and backslashes doubled inside an `E''` literal.
 */
function escapeLiteral(value: string): string {
  const doubled = value.replace(/'/g, "''").replace(/\\/g, '\\\\');
  return value.includes('\\') ? ` E'${doubled}'` : `'${doubled}'`;
}

/** Hands the one connection out one holder at a time, first come first served. */
class Turns {
  #tail: Promise<void> = Promise.resolve();

  /** Waits for the connection; resolves with the function that hands it on. */
  take(): Promise<() => void> {
    let handOn!: () => void;
    const mine = new Promise<void>((resolve) => {
      handOn = resolve;
    });
    const before = this.#tail;
    this.#tail = before.then(() => mine);
    return before.then(() => handOn);
  }

  /** Resolves once every turn asked for so far has been handed on. */
  drained(): Promise<void> {
    return this.#tail;
  }
}

/**
 * Wraps a PGlite database as the `pg.Pool` that {@link PostgresSeatRepository}
 * takes, so the repository, its SQL and its migrations run on an embedded
 * PostgreSQL: in a local folder (`new PGlite('./data')`) for a single-process
 * tool or a trial without a server, or in memory for tests. Moving to a
 * PostgreSQL server later changes nothing but the pool.
 *
 * What it gives the repository, as `pg` does:
 * - `connect()` checks out the connection (one holder at a time: PGlite is a
 *   single connection, so other checkouts and pool statements wait their turn,
 *   first come first served); the client has `query`, `release`,
 *   `escapeLiteral` and `on` / `off('error')`;
 * - `query(text, values)` runs one parameterised statement, and `query(text)`
 *   several statements separated by `;` (PGlite's `exec`), one result each;
 * - `bigint` and `numeric` columns read as strings, timestamps as `Date`s;
 * - a client released with an error (`release(error)`, which makes `pg` discard
 *   the connection) has its open transaction, if any, rolled back first.
 *
 * It implements only what `PostgresSeatRepository` uses; it is not a general
 * `pg.Pool`. `end()` waits for the checkouts under way and does not close the
 * database: you created the PGlite instance, and you `close()` it. One PGlite
 * data folder must be open in one process at a time (PGlite does not lock it).
 *
 * @param db - a PGlite instance (`@electric-sql/pglite`, an optional peer dependency), ready or not
 * @returns the pool to pass to `new PostgresSeatRepository(pool)`
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createSeatkeeper } from 'seatkeeper';
 * import { pglitePool, PostgresSeatRepository } from 'seatkeeper/postgres';
 *
 * const db = await PGlite.create('./.seatkeeper');
 * const repository = new PostgresSeatRepository(pglitePool(db));
 * await repository.migrate();
 * const seats = createSeatkeeper({ repository });
 * // ... and when done:
 * await db.close();
 * ```
 */
export function pglitePool(db: PgliteDatabase): Pool {
  const turns = new Turns();

  const pool = {
    async connect() {
      const handOn = await turns.take();
      let released = false;
      const client = {
        query: (text: string, values?: unknown[]) => runAsPg(db, text, values),
        escapeLiteral,
        // PGlite runs in this process: its one connection is never cut, so there is no 'error' to listen for.
        on: () => client,
        off: () => client,
        release(error?: Error | boolean) {
          if (released) return;
          released = true;
          if (error === undefined || error === false) {
            handOn();
            return;
          }
          // pg would discard the connection, and its transaction with it; this one is kept, so end the transaction.
          db.exec('ROLLBACK').then(handOn, handOn);
        },
      };
      return client;
    },
    async query(text: string, values?: unknown[]) {
      const handOn = await turns.take();
      try {
        return await runAsPg(db, text, values);
      } finally {
        handOn();
      }
    },
    on: () => pool,
    off: () => pool,
    async end() {
      await turns.drained();
    },
  };
  return pool as unknown as Pool;
}
