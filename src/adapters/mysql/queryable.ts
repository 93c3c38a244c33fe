/**
 * The one way statements reach MySQL: every driver failure is turned into a
 * typed seatkeeper error at the point it happens, naming what was being done.
 *
 * Statements go through `query` (mysql2 formats the `?` placeholders on the
 * client), never `execute`: look-ups with a varying number of keys would each
 * leave a server-side prepared statement behind. Timestamps travel as UTC
 * strings written here, and are read back as UTC whatever the pool's
 * `timezone` option says, so servers in different time zones agree (Date
 * parameters are written by {@link sqlTime} here, also inside arrays).
 */
import type { QueryOptions } from 'mysql2/promise';
import { timestampsWritten } from '../sql/rows.js';
import { toSeatkeeperError, type ErrorContext } from './errors.js';

/** What runs a statement: a `mysql2/promise` pool (auto-commit) or a checked-out connection (inside a transaction). */
export interface Queryable {
  /** Runs one statement. */
  query(options: QueryOptions): Promise<[unknown, unknown]>;
}

/** What a write statement reports. */
export interface WriteResult {
  /** Rows written (for an UPDATE: rows matched, see {@link matchedRows}). */
  readonly affectedRows: number;
  /** The server's summary, e.g. `Rows matched: 3  Changed: 2  Warnings: 0` for an UPDATE. */
  readonly info: string;
}

/**
 * Per-statement options that override the pool's, so rows come back as
 * objects with UTC Dates whatever the host configured.
 */
const STATEMENT_OPTIONS = { rowsAsArray: false, nestTables: false, typeCast: true, timezone: 'Z', namedPlaceholders: false } as const;

/**
 * Runs a statement that returns rows and maps any failure to a typed error.
 *
 * @param db - the pool or connection
 * @param sql - the SQL, with `?` placeholders
 * @param values - its parameters (an array is expanded to a list, an array of arrays to rows)
 * @param doing - what the statement is for, in words, used in error messages
 */
export async function select<R>(db: Queryable, sql: string, values: readonly unknown[], doing: string): Promise<R[]> {
  try {
    const [rows] = await db.query({ ...STATEMENT_OPTIONS, sql, values: values.map((value) => timestampsWritten(value, sqlTime)) });
    return rows as R[];
  } catch (error) {
    throw toSeatkeeperError(error, doing);
  }
}

/**
 * Runs a statement that writes (or sets something) and maps any failure to a typed error.
 *
 * @param db - the pool or connection
 * @param sql - the SQL, with `?` placeholders
 * @param values - its parameters
 * @param doing - what the statement is for, in words, used in error messages
 * @param context - whether it writes users, so that a duplicate key is a `ConflictError`
 */
export async function write(db: Queryable, sql: string, values: readonly unknown[], doing: string, context: ErrorContext = {}): Promise<WriteResult> {
  try {
    const [result] = await db.query({ ...STATEMENT_OPTIONS, sql, values: values.map((value) => timestampsWritten(value, sqlTime)) });
    const header = (result ?? {}) as { affectedRows?: unknown; info?: unknown };
    return { affectedRows: typeof header.affectedRows === 'number' ? header.affectedRows : 0, info: typeof header.info === 'string' ? header.info : '' };
  } catch (error) {
    throw toSeatkeeperError(error, doing, context);
  }
}

/**
 * The rows an UPDATE matched, whether or not it changed them. `affectedRows`
 * means "changed" unless the connection has the FOUND_ROWS flag (mysql2's
 * default), so the server's summary is read first.
 */
export function matchedRows(result: WriteResult): number {
  const matched = /Rows matched:\s*(\d+)/i.exec(result.info)?.[1];
  return matched === undefined ? result.affectedRows : Number(matched);
}

/** A Date as a `DATETIME(3)` value in UTC: `2026-01-01 09:30:00.000`. */
export function sqlTime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

