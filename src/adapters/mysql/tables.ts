/**
 * The names of the tables and triggers seatkeeper keeps in MySQL / MariaDB,
 * quoted and, when a database is configured, qualified with it. Every
 * statement builds its SQL from these, so one repository can live in its own
 * database, or beside another under its own table prefix.
 */

import { tableNames, type TableNames } from '../sql/tables.js';

/** Quoted (and database-qualified) names of one repository's tables and triggers. */
export interface Tables extends TableNames {
  /** The database, or `null` to use the connection's current database. */
  readonly database: string | null;
  /** The prefix of every table and trigger name. */
  readonly prefix: string;
  /** A trigger's quoted, qualified name (`name` without the prefix). */
  trigger(name: string): string;
  /** A table's bare name with the prefix, unquoted, as `information_schema` lists it. */
  bare(name: string): string;
}

/** The default table prefix: tables are named `seatkeeper_users`, `seatkeeper_areas`... */
export const DEFAULT_TABLE_PREFIX = 'seatkeeper_';

/**
 * The longest table prefix: with it, the longest name (the trigger
 * `users_count_update`) still fits MySQL's 64-character identifiers.
 */
export const MAX_TABLE_PREFIX_LENGTH = 40;

/** Quotes an identifier with backticks, doubling embedded backticks. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** The table names inside `database` (or the connection's current one when `null`), each `prefix` + its name. */
export function tablesIn(database: string | null, prefix: string = DEFAULT_TABLE_PREFIX): Tables {
  const name = (table: string) => (database === null ? quoteIdentifier(prefix + table) : `${quoteIdentifier(database)}.${quoteIdentifier(prefix + table)}`);
  return {
    database,
    prefix,
    ...tableNames(name),
    trigger: name,
    bare: (table) => prefix + table,
  };
}

/** The unique key that allows one primary area (on a generated column that is 1 for the primary area, NULL otherwise). */
export const ONE_PRIMARY_AREA_KEY = 'one_primary_area';

/**
 * Names of the unique keys on users. A duplicate-key error (1062) names the
 * key it hit (MySQL 8 as `table.key`, MariaDB as `key`), which tells which
 * field collided.
 */
export const USER_UNIQUE_KEYS = {
  id: 'PRIMARY',
  username: 'username_key',
  externalId: 'external_id',
} as const;
