/**
 * Reads shared by the repository (on the pool, auto-commit) and by a
 * transaction (on its connection, seeing its own writes). Every look-up is
 * one statement however many keys it is given; counts are one statement on
 * the counts the triggers keep.
 */
import { searchKey, searchLikePattern } from '../../core/search.js';
import { usernameKey, type Area, type BlockReason, type Organization, type User, type UserFilter } from '../../core/schemas.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import type { JsonValue, PageRequest, UserPage } from '../../ports/repository.js';
import { select, type Queryable } from './queryable.js';
import {
  AREA_COLUMNS,
  ORGANIZATION_COLUMNS,
  USER_COLUMNS,
  areaFromRow,
  countsFromRows,
  organizationFromRow,
  userFromRow,
  type AreaRow,
  type CountRow,
  type OrganizationRow,
  type UserRow,
} from '../sql/rows.js';
import { fromJsonText, jsonText } from './rows.js';
import type { Tables } from './tables.js';

/** The area, or `null`. */
export async function selectArea(db: Queryable, t: Tables, areaId: string): Promise<Area | null> {
  const [row] = await select<AreaRow>(db, `SELECT ${AREA_COLUMNS} FROM ${t.areas} WHERE id = ?`, [areaId], 'reading an area');
  return row === undefined ? null : areaFromRow(row);
}

/** Every area, by id. */
export async function selectAreas(db: Queryable, t: Tables): Promise<Area[]> {
  return (await select<AreaRow>(db, `SELECT ${AREA_COLUMNS} FROM ${t.areas} ORDER BY id`, [], 'listing areas')).map(areaFromRow);
}

/** The organization, or `null`. */
export async function selectOrganization(db: Queryable, t: Tables, organizationId: string): Promise<Organization | null> {
  const [row] = await select<OrganizationRow>(db, `SELECT ${ORGANIZATION_COLUMNS} FROM ${t.organizations} WHERE id = ?`, [organizationId], 'reading an organization');
  return row === undefined ? null : organizationFromRow(row);
}

/** Every organization, or those of one area, by id. */
export async function selectOrganizations(db: Queryable, t: Tables, areaId?: string): Promise<Organization[]> {
  const rows =
    areaId === undefined
      ? await select<OrganizationRow>(db, `SELECT ${ORGANIZATION_COLUMNS} FROM ${t.organizations} ORDER BY id`, [], 'listing organizations')
      : await select<OrganizationRow>(db, `SELECT ${ORGANIZATION_COLUMNS} FROM ${t.organizations} WHERE area_id = ? ORDER BY id`, [areaId], 'listing organizations');
  return rows.map(organizationFromRow);
}

/** The user, or `null`. */
export async function selectUser(db: Queryable, t: Tables, userId: string): Promise<User | null> {
  const [row] = await select<UserRow>(db, `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE id = ?`, [userId], 'reading a user');
  return row === undefined ? null : userFromRow(row);
}

/** Which of these user ids are stored. */
export async function selectUserIds(db: Queryable, t: Tables, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  return (await select<{ id: string }>(db, `SELECT id FROM ${t.users} WHERE id IN (?)`, [userIds], 'looking up user ids')).map((row) => row.id);
}

/** The users holding any of these usernames, by their key: one statement on the unique key. */
export async function selectUsersByUsernames(db: Queryable, t: Tables, usernames: readonly string[]): Promise<User[]> {
  if (usernames.length === 0) return [];
  const keys = [...new Set(usernames.map(usernameKey))];
  const rows = await select<UserRow>(db, `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE username_key IN (?) ORDER BY username_key`, [keys], 'looking up users by username');
  return rows.map(userFromRow);
}

/** The users holding any of these external ids: one statement on the unique key. */
export async function selectUsersByExternalIds(db: Queryable, t: Tables, externalIds: readonly string[]): Promise<User[]> {
  if (externalIds.length === 0) return [];
  const rows = await select<UserRow>(
    db,
    `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE external_id IN (?) ORDER BY username_key`,
    [[...new Set(externalIds)]],
    'looking up users by external id',
  );
  return rows.map(userFromRow);
}

/**
 * One page of users, ordered by username key (code-point order, the
 * `utf8mb4_bin` collation of the column), continuing after the cursor. Reads
 * one row more than asked to know whether another page follows.
 */
export async function selectUserPage(db: Queryable, t: Tables, filter: UserFilter, page: PageRequest): Promise<UserPage> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const equal = (column: string, value: unknown) => {
    conditions.push(`${column} = ?`);
    values.push(value);
  };
  if (filter.areaId !== undefined) equal('area_id', filter.areaId);
  if (filter.organizationId === null) conditions.push('organization_id IS NULL');
  else if (filter.organizationId !== undefined) equal('organization_id', filter.organizationId);
  if (filter.state !== undefined) equal('state', filter.state);
  if (filter.kind !== undefined) equal('kind', filter.kind);
  if (filter.blockReason !== undefined) equal('block_reason', filter.blockReason);
  if (filter.source !== undefined) equal('source', filter.source);
  // A search that folds to nothing matches everyone.
  if (filter.search !== undefined && searchKey(filter.search) !== '') {
    conditions.push('search_key LIKE ?');
    values.push(searchLikePattern(filter.search));
  }
  if (page.after !== null) {
    conditions.push('username_key > ?');
    values.push(page.after);
  }
  values.push(page.limit + 1);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const rows = await select<UserRow>(db, `SELECT ${USER_COLUMNS} FROM ${t.users} ${where} ORDER BY username_key LIMIT ?`, values, 'listing users');
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  return { users: pageRows.map(userFromRow), next: more ? (pageRows[pageRows.length - 1]?.username_key ?? null) : null };
}

/** The counts columns of `seatkeeper_user_counts c`, host company as `null`. */
const COUNT_COLUMNS = `c.area_id, NULLIF(c.organization_id, '') AS organization_id, c.state, c.kind, c.users`;

/**
 * Counts of these areas (every defined area when `areaIds` is `null`), in the
 * order asked: one statement on `seatkeeper_user_counts`, the counts that
 * triggers on the users table keep per area, organization, state and kind.
 * Its cost does not depend on the number of users. Areas without users report zeros.
 */
export async function countAreaUsers(db: Queryable, t: Tables, areaIds: readonly string[] | null): Promise<AreaSeatCounts[]> {
  if (areaIds !== null && areaIds.length === 0) return [];
  const rows =
    areaIds === null
      ? await select<CountRow>(
          db,
          `SELECT a.id AS area_id, NULLIF(c.organization_id, '') AS organization_id, c.state, c.kind, c.users
           FROM ${t.areas} a LEFT JOIN ${t.userCounts} c ON c.area_id = a.id AND c.users <> 0 ORDER BY a.id`,
          [],
          'counting users',
        )
      : await select<CountRow>(db, `SELECT ${COUNT_COLUMNS} FROM ${t.userCounts} c WHERE c.area_id IN (?) AND c.users <> 0`, [[...new Set(areaIds)]], 'counting users');
  return countsFromRows(rows, areaIds);
}

/** Users of an area blocked for this reason, oldest `blockedAt` first (no time first), then by id. */
export async function selectBlockedUsers(db: Queryable, t: Tables, areaId: string, reason: BlockReason, limit: number): Promise<User[]> {
  const rows = await select<UserRow>(
    db,
    `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE area_id = ? AND block_reason = ? ORDER BY blocked_at, id LIMIT ?`,
    [areaId, reason, limit],
    'listing blocked users',
  );
  return rows.map(userFromRow);
}

/** A setting's value, or `null`. */
export async function selectSetting(db: Queryable, t: Tables, key: string): Promise<JsonValue | null> {
  const [row] = await select<{ setting_value: string }>(db, `SELECT ${jsonText('setting_value')} FROM ${t.settings} WHERE setting_key = ?`, [key], 'reading a setting');
  return row === undefined ? null : fromJsonText(row.setting_value);
}
