/**
 * The names of the tables seatkeeper keeps in PostgreSQL, quoted and, when a
 * schema is configured, qualified with it. Every statement builds its SQL from
 * these, so one repository can live in its own schema beside the host's tables.
 */

import { tableNames, type TableNames } from '../sql/tables.js';

/** Quoted (and schema-qualified) table names of one repository. */
export interface Tables extends TableNames {
  /** The schema, or `null` to use the connection's `search_path`. */
  readonly schema: string | null;
}

/** Quotes an SQL identifier, doubling embedded quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The table names inside `schema`, or unqualified when `schema` is null. */
export function tablesIn(schema: string | null): Tables {
  return { schema, ...tableNames((table) => qualifiedName(schema, `seatkeeper_${table}`)) };
}

/** A quoted object name (a table, a function) inside `schema`, or unqualified when `schema` is null. */
export function qualifiedName(schema: string | null, name: string): string {
  return schema === null ? quoteIdentifier(name) : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/**
 * Names of the unique indexes on users. A unique violation names the index it
 * hit, which tells which key collided.
 */
export const USER_UNIQUE_INDEXES = {
  id: 'seatkeeper_users_pkey',
  username: 'seatkeeper_users_username_key',
  externalId: 'seatkeeper_users_external_id_key',
} as const;

/**
 * The partial unique index that keeps at most one primary area per schema. A
 * unique violation naming it means another primary area exists (or is being
 * defined at the same moment by another server).
 */
export const ONE_PRIMARY_AREA_INDEX = 'seatkeeper_areas_one_primary';
