/**
 * MySQL's part of the row mapping (the rest is shared by both SQL
 * repositories, `../sql/rows.ts`): JSON columns read as text.
 */
import type { JsonValue } from '../../ports/repository.js';
import { OUTBOX_COLUMNS } from '../sql/rows.js';

/**
 * A JSON text column as a value. Read it as `CAST(column AS CHAR)` (see
 * {@link jsonText}): MariaDB reports a `LONGTEXT CHECK (JSON_VALID(...))`
 * column as JSON, and `mysql2` would then parse it itself, so that a stored
 * string could not be told from stored JSON text.
 */
export function fromJsonText<T = JsonValue>(value: string): T {
  return JSON.parse(value) as T;
}

/** A JSON column as plain text in a SELECT list, under its own name. */
export function jsonText(column: string): string {
  return `CAST(${column} AS CHAR) AS ${column}`;
}

/** The outbox columns for a SELECT list: the notification as JSON text. */
export const OUTBOX_SELECT = OUTBOX_COLUMNS.replace('notification', jsonText('notification'));
