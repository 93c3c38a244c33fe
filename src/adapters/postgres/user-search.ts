/**
 * What finding people needs in PostgreSQL: the stored search key, filled in
 * code (SQL cannot fold like `userSearchKey()`); an inverted (GIN) index on
 * its n-grams, which serves a "contains" search of any length in any script;
 * and the indexes that serve each filter of `listUsers` in username-key order.
 */
import { SEARCH_FIELD_SEPARATOR, SEARCH_GRAM_LENGTH, userSearchKey } from '../../core/search.js';
import { run, type Queryable } from './queryable.js';
import { qualifiedName, type Tables } from './tables.js';

/** The organization as the listing indexes hold it: the host company (`NULL`) as `''`, which no id is. */
export const ORGANIZATION_KEY = "(coalesce(organization_id, ''))";

/** Users whose search keys one statement of {@link fillSearchKeys} writes. */
const FILL_BATCH = 5_000;

/**
 * Computes and stores every user's `search_key`, in batches by id. Run by the
 * migration that adds the column, and to be run again by any migration that
 * changes the fold (`usernameKey` or `searchKey`), inside its transaction.
 *
 * @param client - the migration's connection, inside its transaction
 * @param t - the table names
 */
export async function fillSearchKeys(client: Queryable, t: Tables): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const { rows }: { rows: { id: string; username: string; display_name: string | null; email: string | null }[] } = await run(
      client,
      `SELECT id, username, display_name, email FROM ${t.users} WHERE $1::text IS NULL OR id > $1 ORDER BY id LIMIT ${FILL_BATCH}`,
      [after],
      'reading users to fold their search keys',
    );
    if (rows.length === 0) return;
    const keys = rows.map((r) => userSearchKey({ username: r.username, displayName: r.display_name, email: r.email }));
    await run(
      client,
      `UPDATE ${t.users} u SET search_key = v.search_key FROM unnest($1::text[], $2::text[]) AS v(id, search_key)
       WHERE u.id = v.id AND u.search_key IS DISTINCT FROM v.search_key`,
      [rows.map((r) => r.id), keys],
      'storing search keys',
    );
    after = rows[rows.length - 1]?.id ?? null;
  }
}

/**
 * The indexes `listUsers` reads, by name: each filter's rows in username-key
 * order, so a page is one index range from the cursor on (keyset paging). The
 * key is unique, so it orders completely without the id. The organization is
 * indexed as `coalesce(organization_id, '')`, the host company as `''` (as in
 * the counts table): `organization_id IS NULL` would find the host company's
 * rows but not in key order. docs/repositories.md says which serves which filter.
 */
export const USER_LIST_INDEXES = {
  /** `areaId`. */
  area: ['seatkeeper_users_area_list_idx', '(area_id, username_key)'],
  /** `areaId` with `state`. */
  areaState: ['seatkeeper_users_area_state_list_idx', '(area_id, state, username_key)'],
  /** `areaId` with `organizationId` (a partner, or `null` for the host company). */
  areaOrganization: ['seatkeeper_users_area_organization_list_idx', `(area_id, ${ORGANIZATION_KEY}, username_key)`],
  /** `organizationId` (a partner, or `null` for the host company across areas). */
  organization: ['seatkeeper_users_organization_list_idx', `(${ORGANIZATION_KEY}, username_key)`],
  /** `state`. */
  state: ['seatkeeper_users_state_list_idx', '(state, username_key)'],
  /** `kind`. */
  kind: ['seatkeeper_users_kind_list_idx', '(kind, username_key)'],
  /** `blockReason`; partial: active users have none. */
  blockReason: ['seatkeeper_users_block_reason_list_idx', '(block_reason, username_key) WHERE block_reason IS NOT NULL'],
  /** `source`. */
  source: ['seatkeeper_users_source_list_idx', '(source, username_key)'],
} as const;

/** The GIN index on the n-grams of `search_key` that serves `search` (contains). */
export const USER_SEARCH_INDEX = 'seatkeeper_users_search_idx';

/** The SQL function that gives a search key's n-grams, in `t`'s schema. */
export function searchGramsFunction(t: Tables): string {
  return qualifiedName(t.schema, 'seatkeeper_search_grams');
}

/**
 * The SQL twin of `searchKeyGrams()` (a test holds them equal): every
 * distinct run of 1 to 3 characters of the key that does not cross the field
 * separator. `substr` and `length` count characters (code points in a UTF-8
 * database), as the JavaScript side does. It only cuts text that code
 * folded: the folding rule itself has one copy, in `searchKey()`.
 * `IMMUTABLE`, so an index can be built on it.
 */
export function createSearchGramsFunction(t: Tables): string {
  return `CREATE FUNCTION ${searchGramsFunction(t)}(key text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT gram ORDER BY gram), '{}')
    FROM generate_series(1, ${SEARCH_GRAM_LENGTH}) AS n, generate_series(1, length(key) - n + 1) AS i, substr(key, i, n) AS gram
    WHERE strpos(gram, chr(${SEARCH_FIELD_SEPARATOR.codePointAt(0) ?? 31})) = 0
  $$`;
}
