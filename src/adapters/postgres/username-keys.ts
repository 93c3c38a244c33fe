/**
 * The stored username key and its legacy form. `username_key` holds
 * `usernameKey(username)`, the canonical form every repository compares
 * usernames by; its unique index makes usernames unique in the database
 * itself. Schema version 4 recomputed the keys of existing rows, which were
 * folded by an older rule (`trim().toLowerCase()`), so two stored usernames
 * could now have the same canonical form (`straße` and `STRASSE`). Such rows
 * are not renamed behind anyone's back: the oldest keeps the canonical key and
 * each newer one keeps a **legacy key**, `canonical key + U+001F + user id`.
 *
 * A legacy key can never equal a canonical key: it contains U+001F, a control
 * character, and no username may contain one (the schemas refuse control
 * characters, and the rule before them refused C0 controls already), so no
 * canonical key does. It is unique (the id is), and it sorts right after its
 * canonical key, so listings keep the pair together. Lookups by username find
 * legacy-keyed rows too (after the holder of the canonical key), and
 * `findUsernameCollisions` lists them, so `diagnose()` can say which users to
 * rename. A legacy key lasts until its user is renamed: every update that keeps
 * the username keeps the stored key.
 */
import { usernameKey, type User } from '../../core/schemas.js';
import { run, type Queryable } from './queryable.js';
import { USER_COLUMNS, userFromRow, type UserRow } from '../sql/rows.js';
import type { Tables } from './tables.js';

/** What separates a legacy key's canonical part from the user id. */
export const LEGACY_KEY_SEPARATOR = '\u001f';
/** {@link LEGACY_KEY_SEPARATOR} as an SQL literal. */
const SEPARATOR_SQL = `E'\\x1f'`;
/** Whether the stored key of a row is a legacy key, in SQL. */
export const IS_LEGACY_KEY = `strpos(username_key, ${SEPARATOR_SQL}) > 0`;
/** The canonical part of a stored key (the key itself unless legacy), in SQL. */
export const CANONICAL_PART = `split_part(username_key, ${SEPARATOR_SQL}, 1)`;

/**
 * The index of legacy keys by their canonical part: a partial index, empty
 * unless stored usernames collided when the keys were recomputed, so it costs
 * nothing on a site without collisions.
 */
export function legacyKeyIndex(t: Tables): string {
  return `CREATE INDEX seatkeeper_users_legacy_key_idx ON ${t.users} (${CANONICAL_PART}) WHERE ${IS_LEGACY_KEY}`;
}

/** Users read per round trip while the keys are recomputed. */
const REKEY_BATCH = 5_000;

/**
 * Recomputes every stored username key with `usernameKey` (in code: SQL
 * cannot fold like it), inside the migration's transaction:
 * 1. users are read in batches by id, and those whose key changes are noted
 *    in a temporary table, with the rows already holding one of the new keys;
 * 2. among the rows claiming one canonical key, the oldest (`created_at`, then
 *    id) gets it and the others a legacy key (see the module documentation);
 * 3. the keys are written in two statements (first a placeholder unique to the
 *    row, then the key), because PostgreSQL checks a unique index row by row:
 *    two rows trading keys would collide half-way through one statement.
 * No `username` is changed. Only rows whose key changes are written.
 *
 * @param db - the migration's connection, inside its transaction
 * @param t - the table names
 */
export async function rekeyUsernames(db: Queryable, t: Tables): Promise<void> {
  const doing = 'recomputing username keys';
  await run(db, `CREATE TEMPORARY TABLE seatkeeper_rekey (id text COLLATE "C" PRIMARY KEY, new_key text COLLATE "C" NOT NULL) ON COMMIT DROP`, [], doing);
  let after = '';
  for (;;) {
    const { rows } = await run<{ id: string; username: string; username_key: string }>(
      db,
      `SELECT id, username, username_key FROM ${t.users} WHERE id > $1 ORDER BY id LIMIT ${REKEY_BATCH}`,
      [after],
      doing,
    );
    const changed = rows.filter((r) => usernameKey(r.username) !== r.username_key);
    if (changed.length > 0) {
      await run(
        db,
        `INSERT INTO seatkeeper_rekey (id, new_key) SELECT * FROM unnest($1::text[], $2::text[])`,
        [changed.map((r) => r.id), changed.map((r) => usernameKey(r.username))],
        doing,
      );
    }
    if (rows.length < REKEY_BATCH) break;
    after = rows[rows.length - 1]?.id ?? after;
  }
  // A row keeping its key still competes for it with the rows moving onto it: the oldest wins.
  await run(
    db,
    `INSERT INTO seatkeeper_rekey (id, new_key)
     SELECT u.id, u.username_key FROM ${t.users} u WHERE u.username_key IN (SELECT new_key FROM seatkeeper_rekey)
     ON CONFLICT (id) DO NOTHING`,
    [],
    doing,
  );
  await run(db, `UPDATE ${t.users} u SET username_key = ${SEPARATOR_SQL} || u.id FROM seatkeeper_rekey r WHERE u.id = r.id`, [], doing);
  await run(
    db,
    `UPDATE ${t.users} u
     SET username_key = CASE WHEN f.rank = 1 THEN f.new_key ELSE f.new_key || ${SEPARATOR_SQL} || f.id END
     FROM (
       SELECT r.id, r.new_key, row_number() OVER (PARTITION BY r.new_key ORDER BY u2.created_at, r.id) AS rank
       FROM seatkeeper_rekey r JOIN ${t.users} u2 ON u2.id = r.id
     ) f
     WHERE u.id = f.id`,
    [],
    doing,
  );
}

/**
 * Every group of users whose usernames have the same canonical form, as pairs:
 * the holder of the canonical key (or, when it is gone, the first legacy-keyed
 * user) with each of the others. Two indexed statements, never a scan of every
 * user: the legacy-keyed rows by their partial index, then the holders of their
 * canonical keys by the unique index. (One statement joining the two would be
 * planned as a scan: PostgreSQL has no statistics on the partial index's condition.)
 *
 * @param db - the pool or a transaction's connection
 * @param t - the table names
 * @returns the pairs, ordered by canonical key
 */
export async function selectUsernameCollisions(db: Queryable, t: Tables): Promise<(readonly [User, User])[]> {
  const doing = 'finding usernames that collide';
  const { rows: legacy } = await run<UserRow>(db, `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE ${IS_LEGACY_KEY} ORDER BY username_key`, [], doing);
  if (legacy.length === 0) return [];
  const canonical = (row: UserRow) => row.username_key.split(LEGACY_KEY_SEPARATOR)[0] ?? row.username_key;
  const { rows: holders } = await run<UserRow>(
    db,
    `SELECT ${USER_COLUMNS} FROM ${t.users} WHERE username_key = ANY($1::text[])`,
    [[...new Set(legacy.map(canonical))]],
    doing,
  );
  const groups = new Map<string, User[]>();
  // Holders first, then their legacy-keyed rows in key order: a group starts with the user holding the name.
  for (const row of [...holders, ...legacy]) {
    const key = canonical(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [userFromRow(row)]);
    else group.push(userFromRow(row));
  }
  const pairs: (readonly [User, User])[] = [];
  for (const key of [...groups.keys()].sort(compare)) {
    const [first, ...others] = groups.get(key) ?? [];
    if (first !== undefined) for (const other of others) pairs.push([first, other]);
  }
  return pairs;
}

/** Code-unit order, the order of the `C`-collated key column. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
