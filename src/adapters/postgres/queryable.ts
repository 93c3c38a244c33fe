/**
 * The one way statements reach PostgreSQL: every driver failure is turned into
 * a typed seatkeeper error at the point it happens, naming what was being done.
 * Date parameters travel as ISO 8601 strings written here (also inside arrays),
 * the same with `pg` and with PGlite.
 */
import type { QueryResultRow } from 'pg';
import { timestampsWritten } from '../sql/rows.js';
import { toSeatkeeperError } from './errors.js';

const isoTime = (date: Date): string => date.toISOString();

/** What runs a statement: a `pg.Pool` (auto-commit) or a checked-out `pg.PoolClient` (inside a transaction). */
export interface Queryable {
  /** Runs one parameterised statement. */
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<{ readonly rows: R[]; readonly rowCount: number | null; readonly command: string }>;
}

/** The rows and row count of a statement. */
export interface Result<R> {
  /** The returned rows. */
  readonly rows: R[];
  /** Rows written or returned. */
  readonly rowCount: number;
  /** The command tag, e.g. `INSERT` or `ROLLBACK`. */
  readonly command: string;
}

/**
 * Runs a statement and maps any failure to a {@link SeatkeeperError} subclass.
 *
 * @param db - the pool or client
 * @param text - the SQL
 * @param values - its parameters
 * @param doing - what the statement is for, in words, used in error messages
 */
export async function run<R extends QueryResultRow = QueryResultRow>(db: Queryable, text: string, values: unknown[], doing: string): Promise<Result<R>> {
  try {
    const result = await db.query<R>(text, values.map((value) => timestampsWritten(value, isoTime)));
    return { rows: result.rows, rowCount: result.rowCount ?? 0, command: result.command };
  } catch (error) {
    throw toSeatkeeperError(error, doing);
  }
}

/**
 * Runs statements without parameters in one round trip (the simple query
 * protocol) and returns the rows of each, in order. Only for fixed SQL and
 * values quoted by `escapeLiteral`; everything else goes through {@link run}.
 *
 * @param db - the client
 * @param script - the statements, separated by `;`
 * @param doing - what the statements are for, in words, used in error messages
 */
export async function runScript(db: Queryable, script: string, doing: string): Promise<ReadonlyArray<readonly QueryResultRow[]>> {
  try {
    // Several statements answer with one result each; pg returns them as an array (one result alone as itself).
    const results = (await db.query(script)) as unknown as { readonly rows: QueryResultRow[] } | ReadonlyArray<{ readonly rows: QueryResultRow[] }>;
    return Array.isArray(results) ? results.map((r) => r.rows ?? []) : [(results as { readonly rows: QueryResultRow[] }).rows];
  } catch (error) {
    throw toSeatkeeperError(error, doing);
  }
}
