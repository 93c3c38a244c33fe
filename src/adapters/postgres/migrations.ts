/**
 * Versioned, idempotent schema migrations. Each migration runs once, in order,
 * inside one transaction together with the record of its version, so a failed
 * migration leaves nothing behind and a finished one is never run again.
 * A transaction-scoped advisory lock serialises concurrent `migrate()` calls
 * (several app servers starting at once): the second waits, then finds nothing
 * to do.
 */
import type { Tables } from './tables.js';
import { ONE_PRIMARY_AREA_INDEX, qualifiedName, quoteIdentifier, USER_UNIQUE_INDEXES } from './tables.js';
import { run, type Queryable } from './queryable.js';
import { legacyKeyIndex, rekeyUsernames } from './username-keys.js';
import { createSearchGramsFunction, fillSearchKeys, searchGramsFunction, USER_LIST_INDEXES, USER_SEARCH_INDEX } from './user-search.js';
import { ACTIVE_LICENSED, LAST_SEEN } from './activity-sql.js';

/** One schema change. */
interface Migration {
  /** Strictly increasing; stored in the version table once applied. */
  readonly version: number;
  /** What it does, stored beside the version. */
  readonly name: string;
  /** The DDL statements, in order. */
  readonly statements: (t: Tables) => readonly string[];
  /** A step done in code after the statements, for changes SQL cannot compute (same transaction). */
  readonly run?: (client: Queryable, t: Tables) => Promise<void>;
}

/** The result of `PostgresSeatRepository.migrate()`. */
export interface MigrationResult {
  /** The schema version after the call. */
  readonly version: number;
  /** The versions this call applied; empty when the schema was already current. */
  readonly applied: readonly number[];
}

/**
 * Ids, keys and usernames use the `C` collation: comparisons and ordering by
 * code point, independent of the database's locale, the same as the in-memory
 * repository. `username_key` is the username folded by `usernameKey()` (the
 * one fold every repository uses); its unique index makes usernames unique
 * ignoring case in the database itself, not only in code. Version 2 moved the
 * keys to the canonical username form (see `username-keys.ts`).
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'areas (one primary), organizations, users with counts kept by statement triggers, settings, outbox, license history, usage snapshots',
    statements: (t) => {
      const fn = (name: string) => qualifiedName(t.schema, name);
      const key = 'area_id, organization_id, state, kind';
      // Host-company users count under organization '' (a key column cannot be NULL; ids are never empty).
      const groups = (rows: string, sign: '' | '-') =>
        `SELECT area_id, coalesce(organization_id, ''), state, kind, ${sign}count(*) FROM ${rows} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
      // Rows are changed in key order, so two statements counting the same groups cannot deadlock.
      const add = (source: string) => `INSERT INTO ${t.userCounts} AS c (${key}, users) ${source} ON CONFLICT (${key}) DO UPDATE SET users = c.users + EXCLUDED.users`;
      const trigger = (name: string, body: string) => `CREATE FUNCTION ${fn(name)}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${body};
          RETURN NULL;
        END
        $$`;
      return [
      `CREATE TABLE ${t.areas} (
        id text COLLATE "C" PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('primary', 'extranet')),
        name text NOT NULL,
        max_users integer NOT NULL CHECK (max_users >= 0),
        grace_seats integer NOT NULL CHECK (grace_seats >= 0),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE TABLE ${t.organizations} (
        id text COLLATE "C" PRIMARY KEY,
        area_id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        access text NOT NULL CHECK (access IN ('granted', 'denied')),
        max_users integer CHECK (max_users >= 0),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE INDEX seatkeeper_organizations_area_idx ON ${t.organizations} (area_id)`,
      `CREATE TABLE ${t.users} (
        id text COLLATE "C" NOT NULL,
        username text NOT NULL,
        username_key text COLLATE "C" NOT NULL,
        email text,
        display_name text,
        external_id text COLLATE "C",
        area_id text COLLATE "C" NOT NULL,
        organization_id text COLLATE "C",
        kind text NOT NULL CHECK (kind IN ('licensed', 'system')),
        system_role text CHECK (system_role IN ('superuser', 'guest')),
        state text NOT NULL CHECK (state IN ('active', 'blocked')),
        block_reason text CHECK (block_reason IN ('admin', 'license-limit', 'directory-disabled', 'directory-removed')),
        blocked_at timestamptz,
        blocked_by text,
        source text NOT NULL CHECK (source IN ('manual', 'csv', 'directory', 'system')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT ${USER_UNIQUE_INDEXES.id} PRIMARY KEY (id)
      )`,
      `CREATE UNIQUE INDEX ${USER_UNIQUE_INDEXES.username} ON ${t.users} (username_key)`,
      `CREATE UNIQUE INDEX ${USER_UNIQUE_INDEXES.externalId} ON ${t.users} (external_id)`,
      // Pending users are activated oldest first.
      `CREATE INDEX seatkeeper_users_blocked_idx ON ${t.users} (area_id, block_reason, blocked_at, id) WHERE block_reason IS NOT NULL`,
      `CREATE TABLE ${t.settings} (
        key text COLLATE "C" PRIMARY KEY,
        value jsonb NOT NULL
      )`,
      `CREATE TABLE ${t.outbox} (
        id text COLLATE "C" PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        notification jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered')),
        attempts integer NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz
      )`,
      `CREATE INDEX seatkeeper_outbox_order_idx ON ${t.outbox} (created_at, seq)`,
      `CREATE INDEX seatkeeper_outbox_pending_idx ON ${t.outbox} (created_at, seq) WHERE status = 'pending'`,
      `CREATE TABLE ${t.licenseChanges} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text COLLATE "C" NOT NULL UNIQUE,
        request_id text,
        type text NOT NULL CHECK (type IN ('add', 'move', 'set')),
        area_id text COLLATE "C" NOT NULL,
        max_users_before integer NOT NULL,
        max_users_after integer NOT NULL,
        applied_at timestamptz NOT NULL,
        note text
      )`,
      `CREATE INDEX seatkeeper_license_changes_area_idx ON ${t.licenseChanges} (area_id, applied_at, seq)`,
      `CREATE INDEX seatkeeper_license_changes_time_idx ON ${t.licenseChanges} (applied_at, seq)`,
      `CREATE TABLE ${t.usageSnapshots} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        area_id text COLLATE "C" NOT NULL,
        taken_at timestamptz NOT NULL,
        max_users integer NOT NULL,
        seats_used integer NOT NULL,
        total_active_users integer NOT NULL
      )`,
      `CREATE INDEX seatkeeper_usage_snapshots_area_idx ON ${t.usageSnapshots} (area_id, taken_at, seq)`,
      `CREATE INDEX seatkeeper_usage_snapshots_time_idx ON ${t.usageSnapshots} (taken_at, seq)`,

        `CREATE TABLE ${t.userCounts} (
          area_id text COLLATE "C" NOT NULL,
          organization_id text COLLATE "C" NOT NULL,
          state text NOT NULL,
          kind text NOT NULL,
          users integer NOT NULL,
          PRIMARY KEY (area_id, organization_id, state, kind)
        )`,
        trigger('seatkeeper_count_inserted_users', add(groups('inserted', ''))),
        trigger('seatkeeper_count_deleted_users', add(groups('deleted', '-'))),
        // An update moves users between groups: the net change per group, and nothing for a profile edit.
        trigger(
          'seatkeeper_count_updated_users',
          add(`SELECT area_id, organization_id, state, kind, sum(n) FROM (
            SELECT area_id, coalesce(organization_id, '') AS organization_id, state, kind, 1 AS n FROM updated_new
            UNION ALL
            SELECT area_id, coalesce(organization_id, ''), state, kind, -1 FROM updated_old
          ) changes GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4`),
        ),
        `CREATE TRIGGER seatkeeper_users_count_insert AFTER INSERT ON ${t.users}
          REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ${fn('seatkeeper_count_inserted_users')}()`,
        `CREATE TRIGGER seatkeeper_users_count_delete AFTER DELETE ON ${t.users}
          REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION ${fn('seatkeeper_count_deleted_users')}()`,
        `CREATE TRIGGER seatkeeper_users_count_update AFTER UPDATE ON ${t.users}
          REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new FOR EACH STATEMENT EXECUTE FUNCTION ${fn('seatkeeper_count_updated_users')}()`,
        // At most one primary area, also when several servers define one at the same moment.
        `CREATE UNIQUE INDEX ${quoteIdentifier(ONE_PRIMARY_AREA_INDEX)} ON ${t.areas} ((true)) WHERE kind = 'primary'`,
      ];
    },
  },
  {
    version: 2,
    name: 'username keys recomputed by the canonical username form (RFC 8265 UsernameCaseMapped, full case folding); colliding names keep a legacy key',
    // Computed in code: SQL cannot fold like usernameKey(). Nothing is renamed; diagnose() lists the collisions.
    statements: (t) => [legacyKeyIndex(t)],
    run: rekeyUsernames,
  },
  {
    version: 3,
    name: 'search keys: the folded username, display name and email of each user, computed in code',
    // Added empty (no table rewrite), then filled in code: SQL cannot fold like userSearchKey(). The default keeps
    // inserts that name no search key working (a server still on the previous release during a rolling upgrade).
    statements: (t) => [`ALTER TABLE ${t.users} ADD COLUMN search_key text COLLATE "C" NOT NULL DEFAULT ''`],
    run: fillSearchKeys,
  },
  {
    version: 4,
    name: 'finding people: an index in username order per listing filter, and a GIN index on the n-grams of the search key',
    // Built after the keys were filled: building an index once is cheaper than keeping it up through the fill.
    statements: (t) => [
      ...Object.values(USER_LIST_INDEXES).map(([name, columns]) => `CREATE INDEX ${quoteIdentifier(name)} ON ${t.users} ${columns}`),
      createSearchGramsFunction(t),
      `CREATE INDEX ${quoteIdentifier(USER_SEARCH_INDEX)} ON ${t.users} USING gin (${searchGramsFunction(t)}(search_key))`,
    ],
  },
  {
    version: 5,
    name: 'audit trail; last activity of users and the index of active licensed users by when they were last seen; block reason dormant',
    statements: (t) => [
      // Nullable without a default: adding it rewrites nothing.
      `ALTER TABLE ${t.users} ADD COLUMN last_activity_at timestamptz`,
      `ALTER TABLE ${t.users} DROP CONSTRAINT seatkeeper_users_block_reason_check,
        ADD CONSTRAINT seatkeeper_users_block_reason_check
        CHECK (block_reason IN ('admin', 'license-limit', 'directory-disabled', 'directory-removed', 'dormant'))`,
      // Dormant-user plans read active licensed users by when they were last seen (see activity-sql.ts).
      `CREATE INDEX seatkeeper_users_last_seen_idx ON ${t.users} ((${LAST_SEEN}), id) WHERE ${ACTIVE_LICENSED}`,
      `CREATE TABLE ${t.auditEvents} (
        id text COLLATE "C" PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_id text NOT NULL,
        actor_name text,
        action text NOT NULL,
        subject_type text NOT NULL CHECK (subject_type IN ('user', 'area', 'organization', 'license', 'setting')),
        subject_id text NOT NULL,
        user_id text COLLATE "C",
        area_id text COLLATE "C",
        before jsonb,
        after jsonb
      )`,
      // One index per filter of auditLog, each ending in (at, id): newest first is a backward scan, a page a keyset.
      `CREATE INDEX seatkeeper_audit_events_time_idx ON ${t.auditEvents} (at, id)`,
      `CREATE INDEX seatkeeper_audit_events_user_idx ON ${t.auditEvents} (user_id, at, id) WHERE user_id IS NOT NULL`,
      `CREATE INDEX seatkeeper_audit_events_area_idx ON ${t.auditEvents} (area_id, at, id) WHERE area_id IS NOT NULL`,
    ],
  },
];

/** The schema version this code expects. */
export const CURRENT_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings the schema to {@link CURRENT_SCHEMA_VERSION}. Runs on one client that
 * the caller has checked out and releases; everything happens in one
 * transaction, rolled back on any failure.
 *
 * @param client - the checked-out connection
 * @param t - the table names
 * @param target - the version to stop at; default the current one (an older one builds a schema as an older release left it, for upgrade tests)
 */
export async function migrate(client: Queryable, t: Tables, target: number = CURRENT_SCHEMA_VERSION): Promise<MigrationResult> {
  await run(client, 'BEGIN', [], 'starting the migration');
  try {
    // Keyed by schema, so repositories in different schemas migrate independently.
    await run(client, 'SELECT pg_advisory_xact_lock(hashtext($1))', [`seatkeeper:migrate:${t.schema ?? ''}`], 'locking the migration');
    // Existing objects are looked up, not re-created: CREATE ... IF NOT EXISTS needs the CREATE
    // privilege even when there is nothing to create, and app servers often run without it.
    if (t.schema !== null && !(await exists(client, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [t.schema]))) {
      await run(client, `CREATE SCHEMA ${quoteIdentifier(t.schema)}`, [], 'creating the schema');
    }
    if (!(await exists(client, 'SELECT 1 WHERE to_regclass($1) IS NOT NULL', [t.schemaVersion]))) {
      await run(
        client,
        `CREATE TABLE ${t.schemaVersion} (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`,
        [],
        'creating the version table',
      );
    }
    const { rows } = await run<{ version: number | null }>(client, `SELECT max(version) AS version FROM ${t.schemaVersion}`, [], 'reading the schema version');
    const current = rows[0]?.version ?? 0;
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current || migration.version > target) continue;
      for (const statement of migration.statements(t)) await run(client, statement, [], `migrating to version ${migration.version}`);
      await migration.run?.(client, t);
      await run(client, `INSERT INTO ${t.schemaVersion} (version, name) VALUES ($1, $2)`, [migration.version, migration.name], 'recording the migration');
      applied.push(migration.version);
    }
    await run(client, 'COMMIT', [], 'committing the migration');
    return { version: Math.max(current, applied[applied.length - 1] ?? 0), applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Whether a catalog query finds a row. */
async function exists(client: Queryable, sql: string, values: unknown[]): Promise<boolean> {
  return (await run(client, sql, values, 'reading the catalog')).rowCount > 0;
}
