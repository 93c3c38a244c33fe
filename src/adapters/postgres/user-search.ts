/**
 * What finding people needs in PostgreSQL: the stored search key, filled in
 * code (SQL cannot fold like `userSearchKey()`), the `pg_trgm` extension whose
 * trigram index serves a "contains" search, and the indexes that serve each
 * filter of `listUsers` in username-key order.
 */
import { StorageError } from '../../errors.js';
import { userSearchKey } from '../../core/search.js';
import { run, type Queryable } from './queryable.js';
import { quoteIdentifier, type Tables } from './tables.js';

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
 * The schema `pg_trgm` is installed in, installing it first when it is
 * missing. Several repositories (in several schemas) may migrate at once: a
 * transaction-scoped advisory lock lets one of them create the extension and
 * the others find it. Fails with a `StorageError` that says what to do when
 * the server lacks the extension or the role may not create it.
 *
 * @param client - the migration's connection, inside its transaction
 * @returns the extension's schema, quoted
 */
export async function trigramSchema(client: Queryable): Promise<string> {
  const installed = async () =>
    (
      await run<{ schema: string }>(
        client,
        `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
        [],
        'looking up the pg_trgm extension',
      )
    ).rows[0]?.schema;
  // Looked up first: an app server without the CREATE privilege migrates when a database owner installed it.
  let schema = await installed();
  if (schema !== undefined) return quoteIdentifier(schema);
  await run(client, 'SELECT pg_advisory_xact_lock(hashtext($1))', ['seatkeeper:create-extension:pg_trgm'], 'locking the extension check');
  schema = await installed();
  if (schema !== undefined) return quoteIdentifier(schema);
  const available = await run(client, `SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`, [], 'looking for the pg_trgm extension');
  if (available.rowCount === 0) {
    throw new StorageError(
      'The schema cannot be migrated: searching users needs the PostgreSQL extension pg_trgm, and this server does not have it. ' +
        'It ships with PostgreSQL (the contrib modules: the postgresql-contrib package on most Linux distributions; every major managed service offers it). ' +
        'Install it on the server, then run migrate() again. Nothing was changed.',
    );
  }
  try {
    await run(client, 'CREATE EXTENSION pg_trgm', [], 'creating the pg_trgm extension');
  } catch (error) {
    throw new StorageError(
      'The schema cannot be migrated: searching users needs the PostgreSQL extension pg_trgm, and this role could not create it ' +
        `(${error instanceof Error ? error.message : String(error)}). ` +
        'Ask a database owner to run CREATE EXTENSION pg_trgm; in this database, then run migrate() again. Nothing was changed.',
      { cause: error },
    );
  }
  schema = await installed();
  if (schema === undefined) throw new StorageError('The pg_trgm extension was created but cannot be found. Nothing was changed.');
  return quoteIdentifier(schema);
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

/** The trigram index on `search_key` that serves `search` (contains). */
export const USER_SEARCH_INDEX = 'seatkeeper_users_search_idx';
