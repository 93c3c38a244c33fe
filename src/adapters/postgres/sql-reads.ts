/**
 * Reads shared by the repository (on the pool, auto-commit) and by a
 * transaction (on its client, seeing its own writes). Every look-up is one
 * statement however many keys it is given; counts are one aggregate.
 */
import { usernameKey, type Area, type BlockReason, type Organization, type User, type UserFilter } from '../../core/schemas.js';
import { searchGrams, searchLikePattern } from '../../core/search.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import type { JsonValue, PageRequest, UserPage } from '../../ports/repository.js';
import { run, type Queryable } from './queryable.js';
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
import type { Tables } from './tables.js';
import { CANONICAL_PART, IS_LEGACY_KEY } from './username-keys.js';
import { ORGANIZATION_KEY, searchGramsFunction } from './user-search.js';

/** The area, or `null`. */
export async function selectArea(db: Queryable, t: Tables, areaId: string): Promise<Area | null> {
  const { rows } = await run<AreaRow>(db, `SELECT ${AREA_COLUMNS} FROM ${t.areas} WHERE id = $1`, [areaId], 'reading an area');
  return rows[0] === undefined ? null : areaFromRow(rows[0]);
}

/** Every area, by id. */
export async function selectAreas(db: Queryable, t: Tables): Promise<Area[]> {
  const { rows } = await run<AreaRow>(db, `SELECT ${AREA_COLUMNS} FROM ${t.areas} ORDER BY id`, [], 'listing areas');
  return rows.map(areaFromRow);
}

/** The organization, or `null`. */
export async function selectOrganization(db: Queryable, t: Tables, organizationId: string): Promise<Organization | null> {
  const { rows } = await run<OrganizationRow>(
    db,
    `SELECT ${ORGANIZATION_COLUMNS} FROM ${t.organizations} WHERE id = $1`,
    [organizationId],
    'reading an organization',
  );
  return rows[0] === undefined ? null : organizationFromRow(rows[0]);
}

/** Every organization, or those of one area, by id. */
export async function selectOrganizations(db: Queryable, t: Tables, areaId?: string): Promise<Organization[]> {
  const { rows } =
    areaId === undefined
      ? await run<OrganizationRow>(db, `SELECT ${ORGANIZATION_COLUMNS} FROM ${t.organizations} ORDER BY id`, [], 'listing organizations')
      : await run<OrganizationRow>(
          db,
          `SELECT ${ORGANIZATION_COLUMNS} FROM ${t.organizations} WHERE area_id = $1 ORDER BY id`,
          [areaId],
          'listing organizations',
        );
  return rows.map(organizationFromRow);
}

/** The user, or `null`. */
export async function selectUser(db: Queryable, t: Tables, userId: string): Promise<User | null> {
  const { rows } = await run<UserRow>(db, `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE id = $1`, [userId], 'reading a user');
  return rows[0] === undefined ? null : userFromRow(rows[0]);
}

/**
 * The users holding any of these usernames by their canonical form: one
 * statement on two indexes. Users keeping a legacy key (see `username-keys.ts`)
 * come too, each right after the holder of its canonical key.
 */
export async function selectUsersByUsernames(db: Queryable, t: Tables, usernames: readonly string[]): Promise<User[]> {
  if (usernames.length === 0) return [];
  const keys = [...new Set(usernames.map(usernameKey))];
  const { rows } = await run<UserRow>(
    db,
    `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE username_key = ANY($1::text[])
     UNION ALL
     SELECT ${USER_COLUMNS} FROM ${t.users} WHERE ${IS_LEGACY_KEY} AND ${CANONICAL_PART} = ANY($1::text[])
     ORDER BY username_key`,
    [keys],
    'looking up users by username',
  );
  return rows.map(userFromRow);
}

/** The users holding any of these external ids: one indexed statement. */
export async function selectUsersByExternalIds(db: Queryable, t: Tables, externalIds: readonly string[]): Promise<User[]> {
  if (externalIds.length === 0) return [];
  const { rows } = await run<UserRow>(
    db,
    `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE external_id = ANY($1::text[]) ORDER BY username_key`,
    [[...new Set(externalIds)]],
    'looking up users by external id',
  );
  return rows.map(userFromRow);
}

/**
 * The statement that reads one page of users: every filter an equality on an
 * indexed column (or expression), `search` its n-grams in the GIN index and a
 * `LIKE` on the search key, the cursor a range on the username key, ordered by it. One row
 * more than asked tells whether another page follows. Exported for the tests
 * that read its plan.
 */
export function userPageQuery(t: Tables, filter: UserFilter, page: PageRequest): { readonly text: string; readonly values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const equal = (column: string, value: unknown) => {
    values.push(value);
    conditions.push(`${column} = $${values.length}`);
  };
  if (filter.areaId !== undefined) equal('area_id', filter.areaId);
  // As the indexes hold it, so rows come in key order: the host company is ''.
  if (filter.organizationId !== undefined) equal(ORGANIZATION_KEY, filter.organizationId ?? '');
  if (filter.state !== undefined) equal('state', filter.state);
  if (filter.kind !== undefined) equal('kind', filter.kind);
  if (filter.blockReason !== undefined) equal('block_reason', filter.blockReason);
  if (filter.source !== undefined) equal('source', filter.source);
  // The grams find the candidates in the GIN index, LIKE keeps those that contain the text.
  // A search that folds to nothing matches everyone: no condition, so the plain indexes serve the rest.
  const grams = filter.search === undefined ? [] : searchGrams(filter.search);
  if (filter.search !== undefined && grams.length > 0) {
    values.push(grams);
    conditions.push(`${searchGramsFunction(t)}(search_key) @> $${values.length}::text[]`);
    values.push(searchLikePattern(filter.search));
    conditions.push(`search_key LIKE $${values.length}`);
  }
  if (page.after !== null) {
    values.push(page.after);
    conditions.push(`username_key > $${values.length}`);
  }
  values.push(page.limit + 1);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  return { text: `SELECT ${USER_COLUMNS} FROM ${t.users} ${where} ORDER BY username_key LIMIT $${values.length}`, values };
}

/**
 * One page of users, ordered by username key (code-point order, the `C`
 * collation of the column), continuing after the cursor.
 */
export async function selectUserPage(db: Queryable, t: Tables, filter: UserFilter, page: PageRequest): Promise<UserPage> {
  const { text, values } = userPageQuery(t, filter, page);
  const { rows } = await run<UserRow>(db, text, values, 'listing users');
  const more = rows.length > page.limit;
  const pageRows = more ? rows.slice(0, page.limit) : rows;
  return { users: pageRows.map(userFromRow), next: more ? (pageRows[pageRows.length - 1]?.username_key ?? null) : null };
}

/** The counts columns of `seatkeeper_user_counts c`, host company as `null`. */
const COUNT_COLUMNS = `c.area_id, nullif(c.organization_id, '') AS organization_id, c.state, c.kind, c.users`;

/**
 * Counts of these areas (every defined area when `areaIds` is `null`), in the
 * order asked: one statement on `seatkeeper_user_counts`, the counts that
 * triggers on the users table keep per area, organization, state and kind.
 * Its cost does not depend on the number of users. Areas without users report zeros.
 */
export async function countAreaUsers(db: Queryable, t: Tables, areaIds: readonly string[] | null): Promise<AreaSeatCounts[]> {
  const { rows } =
    areaIds === null
      ? await run<CountRow>(
          db,
          `SELECT a.id AS area_id, nullif(c.organization_id, '') AS organization_id, c.state, c.kind, c.users
           FROM ${t.areas} a LEFT JOIN ${t.userCounts} c ON c.area_id = a.id AND c.users <> 0 ORDER BY a.id`,
          [],
          'counting users',
        )
      : await run<CountRow>(
          db,
          `SELECT ${COUNT_COLUMNS} FROM ${t.userCounts} c WHERE c.area_id = ANY($1::text[]) AND c.users <> 0`,
          [[...new Set(areaIds)]],
          'counting users',
        );
  return countsFromRows(rows, areaIds);
}

/** Users of an area blocked for this reason, oldest `blockedAt` first, then by id. */
export async function selectBlockedUsers(db: Queryable, t: Tables, areaId: string, reason: BlockReason, limit: number): Promise<User[]> {
  const { rows } = await run<UserRow>(
    db,
    `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE area_id = $1 AND block_reason = $2 ORDER BY blocked_at NULLS FIRST, id LIMIT $3`,
    [areaId, reason, limit],
    'listing blocked users',
  );
  return rows.map(userFromRow);
}

/** A setting's value, or `null`. */
export async function selectSetting(db: Queryable, t: Tables, key: string): Promise<JsonValue | null> {
  const { rows } = await run<{ value: JsonValue }>(db, `SELECT value FROM ${t.settings} WHERE key = $1`, [key], 'reading a setting');
  return rows[0] === undefined ? null : rows[0].value;
}
