/**
 * Activity: the last sign-in of each user, kept on its row, and the index of
 * active licensed users by when they were last seen that dormant-user plans read.
 */
import type { User } from '../../core/schemas.js';
import type { InactiveUserFilter, InactiveUserPage, TimePageRequest } from '../../ports/repository.js';
import { run, type Queryable } from './queryable.js';
import { USER_COLUMNS, userFromRow, type UserRow } from '../sql/rows.js';
import type { Tables } from './tables.js';

/**
 * When a user was last seen, in SQL: its last activity, or its creation when
 * later (`greatest` ignores a NULL activity). The expression of the
 * `seatkeeper_users_last_seen_idx` index: a query must spell it the same way.
 */
export const LAST_SEEN = 'greatest(created_at, last_activity_at)';

/** The rows that index covers, spelled as its predicate. */
export const ACTIVE_LICENSED = `state = 'active' AND kind = 'licensed'`;

/**
 * Moves the user's last activity forward to `at` (never back) and returns the
 * user as it is afterwards: one statement, no area lock.
 */
export async function updateLastActivity(db: Queryable, t: Tables, userId: string, at: Date): Promise<User | null> {
  const { rows } = await run<UserRow>(
    db,
    `UPDATE ${t.users} SET last_activity_at = greatest(last_activity_at, $2::timestamptz) WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [userId, at.toISOString()],
    'recording activity',
  );
  return rows[0] === undefined ? null : userFromRow(rows[0]);
}

/** One page of active licensed users last seen before the cutoff, least recently first, by keyset on the index. */
export async function selectInactiveUsers(db: Queryable, t: Tables, filter: InactiveUserFilter, page: TimePageRequest): Promise<InactiveUserPage> {
  const values: unknown[] = [filter.before.toISOString()];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const conditions = [ACTIVE_LICENSED, `${LAST_SEEN} < $1`];
  if (filter.areaIds !== null) conditions.push(`area_id = ANY(${param([...filter.areaIds])}::text[])`);
  if (page.after !== null) conditions.push(`(${LAST_SEEN}, id) > (${param(page.after.at.toISOString())}::timestamptz, ${param(page.after.id)})`);
  const { rows } = await run<UserRow & { readonly last_seen: Date | string }>(
    db,
    `SELECT ${USER_COLUMNS}, ${LAST_SEEN} AS last_seen FROM ${t.users} WHERE ${conditions.join(' AND ')} ORDER BY ${LAST_SEEN}, id LIMIT ${param(page.limit + 1)}`,
    values,
    'listing inactive users',
  );
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    users: pageRows.map(userFromRow),
    next: more && last !== undefined ? { at: last.last_seen instanceof Date ? last.last_seen : new Date(last.last_seen), id: last.id } : null,
  };
}
