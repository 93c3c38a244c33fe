/**
 * PostgreSQL's part of the row mapping (the rest is shared by both SQL
 * repositories, `../sql/rows.ts`): users written as one array per column, so
 * any number of rows is one `INSERT ... SELECT FROM unnest(...)` with a fixed
 * number of parameters.
 */
import type { User } from '../../core/schemas.js';
import { USER_COLUMN_NAMES, USER_WRITE_COLUMNS, userValues } from '../sql/rows.js';

/** Each user column with its array type, in {@link userColumnArrays} order: the shape of `unnest($1::text[], ...)`. */
export const USER_COLUMN_TYPES: ReadonlyArray<readonly [column: string, type: string]> = USER_COLUMN_NAMES.map((column) => [
  column,
  column.endsWith('_at') ? 'timestamptz' : 'text',
]);

/** `unnest($1::text[], $2::text[], ...) AS v(id, username, ...)` over every user column, fed by {@link userColumnArrays}. */
export const USER_UNNEST = `unnest(${USER_COLUMN_TYPES.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS v(${USER_WRITE_COLUMNS})`;

/** Users as one array per column, in `USER_COLUMN_NAMES` order. */
export function userColumnArrays(users: readonly User[]): unknown[][] {
  const columns: unknown[][] = USER_COLUMN_NAMES.map(() => []);
  for (const user of users) userValues(user).forEach((value, index) => columns[index]?.push(value));
  return columns;
}
