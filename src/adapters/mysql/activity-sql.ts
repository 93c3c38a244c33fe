/**
 * Activity: the last sign-in of each user, kept on its row, and the key of
 * users by state, kind and when they were last seen that dormant-user plans
 * read. `last_seen_at` is a stored generated column, `GREATEST(created_at,
 * last_activity_at)` (a user never seen is last seen at its creation), so one
 * key serves the plan on MySQL and MariaDB alike.
 */
import type { User } from '../../core/schemas.js';
import type { InactiveUserFilter, InactiveUserPage, TimePageRequest } from '../../ports/repository.js';
import { toDate } from '../sql/rows.js';
import { select, sqlTime, write, type Queryable } from './queryable.js';
import { USER_COLUMNS, userFromRow, type UserRow } from '../sql/rows.js';
import type { Tables } from './tables.js';

/**
 * Moves the user's last activity forward to `at` (never back), without a
 * transaction or an area lock, and reads the user as it is afterwards: two
 * statements (MySQL has no `UPDATE ... RETURNING`).
 */
export async function updateLastActivity(db: Queryable, t: Tables, userId: string, at: Date): Promise<User | null> {
  const time = sqlTime(at);
  await write(db, `UPDATE ${t.users} SET last_activity_at = GREATEST(COALESCE(last_activity_at, ?), ?) WHERE id = ?`, [time, time, userId], 'recording activity');
  const [row] = await select<UserRow>(db, `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE id = ?`, [userId], 'recording activity');
  return row === undefined ? null : userFromRow(row);
}

/** One page of active licensed users last seen before the cutoff, least recently first, by keyset on the `last_seen` key. */
export async function selectInactiveUsers(db: Queryable, t: Tables, filter: InactiveUserFilter, page: TimePageRequest): Promise<InactiveUserPage> {
  const conditions = [`state = 'active'`, `kind = 'licensed'`, 'last_seen_at < ?'];
  const values: unknown[] = [sqlTime(filter.before)];
  if (filter.areaIds !== null) {
    if (filter.areaIds.length === 0) return { users: [], next: null };
    conditions.push('area_id IN (?)');
    values.push([...filter.areaIds]);
  }
  if (page.after !== null) {
    conditions.push('(last_seen_at > ? OR (last_seen_at = ? AND id > ?))');
    const at = sqlTime(page.after.at);
    values.push(at, at, page.after.id);
  }
  const rows = await select<UserRow & { readonly last_seen_at: Date | string }>(
    db,
    `SELECT ${USER_COLUMNS}, last_seen_at FROM ${t.users} WHERE ${conditions.join(' AND ')} ORDER BY last_seen_at, id LIMIT ?`,
    [...values, page.limit + 1],
    'listing inactive users',
  );
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { users: pageRows.map(userFromRow), next: more && last !== undefined ? { at: toDate(last.last_seen_at), id: last.id } : null };
}
