/**
 * Versioned, idempotent schema migrations. MySQL commits every DDL statement
 * on its own, so a migration cannot be one transaction as on PostgreSQL:
 * instead every statement of a migration can run again (`CREATE TABLE IF NOT
 * EXISTS`, `DROP TRIGGER IF EXISTS` before `CREATE TRIGGER`, counts rebuilt
 * from the users), and its version is recorded after its last statement. A
 * migration cut short is simply run again by the next `migrate()`.
 *
 * A named lock (`GET_LOCK`) serialises concurrent `migrate()` calls (several
 * app servers starting at once): the second waits, then finds nothing to do.
 */
import { createHash } from 'node:crypto';
import { SerializationFailureError, StorageError } from '../../errors.js';
import { select, write, type Queryable } from './queryable.js';
import { ONE_PRIMARY_AREA_KEY, quoteIdentifier, USER_UNIQUE_KEYS, type Tables } from './tables.js';

/**
 * One step of a migration: a statement, statements that must commit together,
 * or a step in code (for changes that depend on what the catalog holds); each
 * can run again after a cut-short attempt.
 */
type Step = string | { readonly transaction: readonly string[] } | { readonly run: (db: Queryable, t: Tables, database: string) => Promise<void> };

/** One schema change. */
interface Migration {
  /** Strictly increasing; stored in the version table once applied. */
  readonly version: number;
  /** What it does, stored beside the version. */
  readonly name: string;
  /** The steps, in order; each can run again after a cut-short attempt. */
  readonly steps: (t: Tables) => readonly Step[];
}

/** The result of `MySqlSeatRepository.migrate()`. */
export interface MigrationResult {
  /** The schema version after the call. */
  readonly version: number;
  /** The versions this call applied; empty when the schema was already current. */
  readonly applied: readonly number[];
}

/**
 * Every table: InnoDB (row locks, transactions), utf8mb4, keys compared byte
 * for byte, and the DYNAMIC row format, whose keys may be 3,072 bytes long
 * (older servers may still default to COMPACT, with 767).
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC';

/** The group a user is counted in, from a trigger's `NEW` or `OLD` row; host-company users under organization `''`. */
const group = (row: 'NEW' | 'OLD') => `${row}.area_id, COALESCE(${row}.organization_id, ''), ${row}.state, ${row}.kind`;

/**
 * Ids, keys and usernames are `utf8mb4` with the binary collation
 * `utf8mb4_bin`: comparison and order by code point, whatever the server's
 * default collation, the same as the in-memory repository. `username_key`
 * is the username folded by `usernameKey()` in code (the one fold every
 * repository uses); its unique key makes usernames unique ignoring case in
 * the database itself. `utf8mb4_bin` ignores trailing spaces when comparing
 * (PAD SPACE, on both engines); ids, external ids and keys are trimmed, so
 * that never decides anything.
 *
 * Counting: row triggers on the users table keep `user_counts`, one row per
 * area, organization, state and kind, the groups `addToCounts` adds up.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'areas, organizations, users with counts kept by triggers, settings, outbox, license history, usage snapshots',
    steps: (t) => {
      const upsertCount = (row: 'NEW' | 'OLD', delta: '+ 1' | '- 1') =>
        `INSERT INTO ${t.userCounts} (area_id, organization_id, state, kind, users) VALUES (${group(row)}, 0 ${delta})
           ON DUPLICATE KEY UPDATE users = users ${delta}`;
      return [
        `CREATE TABLE IF NOT EXISTS ${t.areas} (
          id VARCHAR(200) NOT NULL,
          kind VARCHAR(16) NOT NULL CHECK (kind IN ('primary', 'extranet')),
          name VARCHAR(500) NOT NULL,
          max_users INT NOT NULL CHECK (max_users >= 0),
          grace_seats INT NOT NULL CHECK (grace_seats >= 0),
          created_at DATETIME(3) NOT NULL,
          updated_at DATETIME(3) NOT NULL,
          -- 1 for the primary area, NULL for the others: a unique key on it allows one primary area, also across servers.
          primary_flag TINYINT AS (CASE WHEN kind = 'primary' THEN 1 END) STORED,
          PRIMARY KEY (id),
          UNIQUE KEY ${ONE_PRIMARY_AREA_KEY} (primary_flag)
        ) ${TABLE_OPTIONS}`,
        `CREATE TABLE IF NOT EXISTS ${t.organizations} (
          id VARCHAR(200) NOT NULL,
          area_id VARCHAR(200) NOT NULL,
          name VARCHAR(500) NOT NULL,
          access VARCHAR(16) NOT NULL CHECK (access IN ('granted', 'denied')),
          max_users INT NULL CHECK (max_users >= 0),
          created_at DATETIME(3) NOT NULL,
          updated_at DATETIME(3) NOT NULL,
          PRIMARY KEY (id),
          KEY area (area_id, id)
        ) ${TABLE_OPTIONS}`,
        // username_key: usernames are at most 255 UTF-16 units, and folding can lengthen one; 768 is the most a key may hold (3,072 bytes).
        `CREATE TABLE IF NOT EXISTS ${t.users} (
          id VARCHAR(200) NOT NULL,
          username VARCHAR(255) NOT NULL,
          username_key VARCHAR(768) NOT NULL,
          email VARCHAR(1000) NULL,
          display_name VARCHAR(1000) NULL,
          external_id VARCHAR(200) NULL,
          area_id VARCHAR(200) NOT NULL,
          organization_id VARCHAR(200) NULL,
          kind VARCHAR(16) NOT NULL CHECK (kind IN ('licensed', 'system')),
          system_role VARCHAR(16) NULL CHECK (system_role IN ('superuser', 'guest')),
          state VARCHAR(16) NOT NULL CHECK (state IN ('active', 'blocked')),
          block_reason VARCHAR(32) NULL CHECK (block_reason IN ('admin', 'license-limit', 'directory-disabled', 'directory-removed')),
          blocked_at DATETIME(3) NULL,
          blocked_by VARCHAR(1000) NULL,
          source VARCHAR(16) NOT NULL CHECK (source IN ('manual', 'csv', 'directory', 'system')),
          created_at DATETIME(3) NOT NULL,
          updated_at DATETIME(3) NOT NULL,
          -- Username, display name and email folded in code by userSearchKey(); listUsers' search is a LIKE on it.
          search_key VARCHAR(3000) NOT NULL DEFAULT '',
          PRIMARY KEY (id),
          UNIQUE KEY ${USER_UNIQUE_KEYS.username} (username_key),
          KEY area_listing (area_id, username_key(255)),
          KEY state_listing (state, username_key(255)),
          UNIQUE KEY ${USER_UNIQUE_KEYS.externalId} (external_id),
          KEY blocked (area_id, block_reason, blocked_at, id)
        ) ${TABLE_OPTIONS}`,
        `CREATE TABLE IF NOT EXISTS ${t.userCounts} (
          area_id VARCHAR(200) NOT NULL,
          organization_id VARCHAR(200) NOT NULL,
          state VARCHAR(16) NOT NULL,
          kind VARCHAR(16) NOT NULL,
          users INT NOT NULL,
          PRIMARY KEY (area_id, organization_id, state, kind)
        ) ${TABLE_OPTIONS}`,
        `CREATE TABLE IF NOT EXISTS ${t.settings} (
          setting_key VARCHAR(200) NOT NULL,
          setting_value LONGTEXT NOT NULL CHECK (JSON_VALID(setting_value)),
          PRIMARY KEY (setting_key)
        ) ${TABLE_OPTIONS}`,
        `CREATE TABLE IF NOT EXISTS ${t.outbox} (
          id VARCHAR(200) NOT NULL,
          seq BIGINT NOT NULL AUTO_INCREMENT,
          notification LONGTEXT NOT NULL CHECK (JSON_VALID(notification)),
          status VARCHAR(16) NOT NULL CHECK (status IN ('pending', 'delivered')),
          attempts INT NOT NULL,
          next_attempt_at DATETIME(3) NOT NULL,
          last_error TEXT NULL,
          created_at DATETIME(3) NOT NULL,
          delivered_at DATETIME(3) NULL,
          PRIMARY KEY (id),
          UNIQUE KEY seq (seq),
          KEY in_order (created_at, seq),
          KEY pending (status, created_at, seq)
        ) ${TABLE_OPTIONS}`,
        `CREATE TABLE IF NOT EXISTS ${t.licenseChanges} (
          seq BIGINT NOT NULL AUTO_INCREMENT,
          id VARCHAR(200) NOT NULL,
          request_id VARCHAR(200) NULL,
          type VARCHAR(8) NOT NULL CHECK (type IN ('add', 'move', 'set')),
          area_id VARCHAR(200) NOT NULL,
          max_users_before INT NOT NULL,
          max_users_after INT NOT NULL,
          applied_at DATETIME(3) NOT NULL,
          note TEXT NULL,
          PRIMARY KEY (seq),
          UNIQUE KEY id (id),
          KEY by_area (area_id, applied_at, seq),
          KEY by_time (applied_at, seq)
        ) ${TABLE_OPTIONS}`,
        `CREATE TABLE IF NOT EXISTS ${t.usageSnapshots} (
          seq BIGINT NOT NULL AUTO_INCREMENT,
          area_id VARCHAR(200) NOT NULL,
          taken_at DATETIME(3) NOT NULL,
          max_users INT NOT NULL,
          seats_used INT NOT NULL,
          total_active_users INT NOT NULL,
          PRIMARY KEY (seq),
          KEY by_area (area_id, taken_at, seq),
          KEY by_time (taken_at, seq)
        ) ${TABLE_OPTIONS}`,
        // The counting rule of addToCounts, kept per row: +1 in the new group, -1 in the old, nothing for a profile edit.
        `DROP TRIGGER IF EXISTS ${t.trigger('users_count_insert')}`,
        `CREATE TRIGGER ${t.trigger('users_count_insert')} AFTER INSERT ON ${t.users} FOR EACH ROW ${upsertCount('NEW', '+ 1')}`,
        `DROP TRIGGER IF EXISTS ${t.trigger('users_count_delete')}`,
        `CREATE TRIGGER ${t.trigger('users_count_delete')} AFTER DELETE ON ${t.users} FOR EACH ROW ${upsertCount('OLD', '- 1')}`,
        `DROP TRIGGER IF EXISTS ${t.trigger('users_count_update')}`,
        `CREATE TRIGGER ${t.trigger('users_count_update')} AFTER UPDATE ON ${t.users} FOR EACH ROW
         BEGIN
           IF NOT (NEW.area_id = OLD.area_id AND COALESCE(NEW.organization_id, '') = COALESCE(OLD.organization_id, '')
                   AND NEW.state = OLD.state AND NEW.kind = OLD.kind) THEN
             ${upsertCount('OLD', '- 1')};
             ${upsertCount('NEW', '+ 1')};
           END IF;
         END`,
        // The counts of users already there (none on a first install; all of them after a cut-short run), exact because the
        // triggers now count every later write.
        {
          transaction: [
            `DELETE FROM ${t.userCounts}`,
            `INSERT INTO ${t.userCounts} (area_id, organization_id, state, kind, users)
             SELECT area_id, COALESCE(organization_id, ''), state, kind, COUNT(*) FROM ${t.users} GROUP BY 1, 2, 3, 4`,
          ],
        },
      ];
    },
  },
  {
    version: 2,
    name: 'audit trail; last activity of users and a key of users by state, kind and when they were last seen; block reason dormant',
    steps: (t) => [
      { run: (db, tables, database) => addColumnUnlessThere(db, tables, database, 'last_activity_at', 'DATETIME(3) NULL') },
      // A stored generated column: MariaDB has no functional keys, and both servers index a generated column.
      {
        run: (db, tables, database) =>
          addColumnUnlessThere(db, tables, database, 'last_seen_at', 'DATETIME(3) AS (GREATEST(created_at, COALESCE(last_activity_at, created_at))) STORED'),
      },
      { run: (db, tables, database) => addKeyUnlessThere(db, tables, database, 'last_seen', '(state, kind, last_seen_at, id)') },
      { run: allowDormantBlockReason },
      // occurred_at, before_fields, after_fields: AT, BEFORE and AFTER are keywords.
      `CREATE TABLE IF NOT EXISTS ${t.auditEvents} (
        id VARCHAR(200) NOT NULL,
        occurred_at DATETIME(3) NOT NULL,
        actor_id VARCHAR(200) NOT NULL,
        actor_name VARCHAR(500) NULL,
        action VARCHAR(32) NOT NULL,
        subject_type VARCHAR(16) NOT NULL CHECK (subject_type IN ('user', 'area', 'organization', 'license', 'setting')),
        subject_id VARCHAR(200) NOT NULL,
        user_id VARCHAR(200) NULL,
        area_id VARCHAR(200) NULL,
        before_fields LONGTEXT NULL CHECK (before_fields IS NULL OR JSON_VALID(before_fields)),
        after_fields LONGTEXT NULL CHECK (after_fields IS NULL OR JSON_VALID(after_fields)),
        PRIMARY KEY (id),
        KEY by_time (occurred_at, id),
        KEY by_user (user_id, occurred_at, id),
        KEY by_area (area_id, occurred_at, id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
];

/** Adds a column to the users table unless a cut-short run added it already. */
async function addColumnUnlessThere(db: Queryable, t: Tables, database: string, column: string, definition: string): Promise<void> {
  if (await exists(db, 'SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?', [database, t.bare('users'), column])) return;
  await write(db, `ALTER TABLE ${t.users} ADD COLUMN ${column} ${definition}`, [], `adding ${column} to the users table`);
}

/** Adds a key to the users table unless a cut-short run added it already. */
async function addKeyUnlessThere(db: Queryable, t: Tables, database: string, key: string, columns: string): Promise<void> {
  if (await exists(db, 'SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?', [database, t.bare('users'), key])) return;
  await write(db, `ALTER TABLE ${t.users} ADD KEY ${key} ${columns}`, [], `adding the ${key} key to the users table`);
}

/** The block reasons a user may have, as the check of schema version 2 lists them. */
const BLOCK_REASONS = `'admin', 'license-limit', 'directory-disabled', 'directory-removed', 'dormant'`;

/**
 * Replaces the check on `block_reason` with one that allows `dormant`. The old
 * check was declared on the column: MariaDB keeps it with the column, and a
 * `MODIFY` of the column with the new check replaces it; MySQL keeps it as a
 * table constraint with a generated name (`<table>_chk_<n>`), which the
 * `MODIFY` leaves beside the new one, so every check that still refuses
 * `dormant` is then found in the catalog by what it checks, and dropped.
 */
async function allowDormantBlockReason(db: Queryable, t: Tables, database: string): Promise<void> {
  // MariaDB names a column's check after the column, so several tables have one of that name: its catalog says whose
  // (CHECK_CONSTRAINTS.TABLE_NAME). MySQL's names are unique in a database, and its catalog has no such column.
  const perTable = await exists(
    db,
    `SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'CHECK_CONSTRAINTS' AND COLUMN_NAME = 'TABLE_NAME'`,
    [],
  );
  const checks = async () =>
    (
      await select<{ name: string; clause: string }>(
        db,
        `SELECT tc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
         FROM information_schema.TABLE_CONSTRAINTS tc
         JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
           ${perTable ? 'AND cc.TABLE_NAME = tc.TABLE_NAME' : ''}
         WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = 'CHECK'`,
        [database, t.bare('users')],
        'reading the checks of the users table',
      )
    ).filter((c) => c.clause.includes('directory-removed'));
  if (!(await checks()).some((c) => c.clause.includes('dormant'))) {
    await write(db, `ALTER TABLE ${t.users} MODIFY block_reason VARCHAR(32) NULL CHECK (block_reason IN (${BLOCK_REASONS}))`, [], 'replacing the block reason check');
  }
  const refusing = (await checks()).filter((c) => !c.clause.includes('dormant'));
  for (const name of new Set(refusing.map((c) => c.name))) {
    await write(db, `ALTER TABLE ${t.users} DROP CONSTRAINT ${quoteIdentifier(name)}`, [], 'replacing the block reason check');
  }
}

/** The schema version this code expects. */
export const CURRENT_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** How long a `migrate()` waits for another one to finish, in seconds. */
const MIGRATION_LOCK_SECONDS = 300;

/**
 * Brings the schema to {@link CURRENT_SCHEMA_VERSION}. Runs on one connection
 * that the caller has checked out and gives back (or destroys, when this
 * throws: the named lock then goes with the session).
 *
 * @param db - the checked-out connection
 * @param t - the table names
 */
export async function migrate(db: Queryable, t: Tables): Promise<MigrationResult> {
  const database = t.database ?? (await currentDatabase(db));
  if (t.database !== null && !(await exists(db, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]))) {
    await write(db, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`, [], 'creating the database');
  }
  // Named locks are server-wide and at most 64 characters: keyed by a hash of the database and prefix.
  const lockName = `seatkeeper-migrate-${createHash('sha256').update(`${database}\u0000${t.prefix}`).digest('hex').slice(0, 40)}`;
  const [granted] = await select<{ granted: number | null }>(db, 'SELECT GET_LOCK(?, ?) AS granted', [lockName, MIGRATION_LOCK_SECONDS], 'locking the migration');
  if (granted?.granted !== 1) {
    throw new SerializationFailureError(`Another migrate() of these tables held the migration lock for ${MIGRATION_LOCK_SECONDS} s.`);
  }
  let failed = false;
  try {
    // Looked up, not created with IF NOT EXISTS: that needs the CREATE privilege even when there is nothing to create,
    // and app servers often run without it.
    if (!(await exists(db, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, t.bare('schema_version')]))) {
      await write(
        db,
        `CREATE TABLE IF NOT EXISTS ${t.schemaVersion} (
          version INT NOT NULL PRIMARY KEY,
          name VARCHAR(500) NOT NULL,
          applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
        ) ${TABLE_OPTIONS}`,
        [],
        'creating the version table',
      );
    }
    const [row] = await select<{ version: number | null }>(db, `SELECT MAX(version) AS version FROM ${t.schemaVersion}`, [], 'reading the schema version');
    const current = row?.version ?? 0;
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      const doing = `migrating to version ${migration.version}`;
      for (const step of migration.steps(t)) {
        if (typeof step === 'string') {
          await write(db, step, [], doing);
          continue;
        }
        if ('run' in step) {
          await step.run(db, t, database);
          continue;
        }
        await write(db, 'START TRANSACTION', [], doing);
        try {
          for (const statement of step.transaction) await write(db, statement, [], doing);
          await write(db, 'COMMIT', [], doing);
        } catch (error) {
          await db.query({ sql: 'ROLLBACK' }).catch(() => undefined);
          throw error;
        }
      }
      await write(db, `INSERT INTO ${t.schemaVersion} (version, name) VALUES (?, ?)`, [migration.version, migration.name], 'recording the migration');
      applied.push(migration.version);
    }
    return { version: Math.max(current, CURRENT_SCHEMA_VERSION), applied };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // After a failure the caller destroys the connection, and the lock goes with the session: the failure is what to report.
    await select(db, 'SELECT RELEASE_LOCK(?)', [lockName], 'releasing the migration lock').catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

/** The connection's current database; the tables go there when no database is configured. */
async function currentDatabase(db: Queryable): Promise<string> {
  const [row] = await select<{ name: string | null }>(db, 'SELECT DATABASE() AS name', [], 'reading the current database');
  if (row?.name == null) {
    throw new StorageError('The connection has no current database: give the pool a `database`, or MySqlSeatRepository the `database` option.');
  }
  return row.name;
}

/** Whether a catalog query finds a row. */
async function exists(db: Queryable, sql: string, values: readonly unknown[]): Promise<boolean> {
  return (await select(db, sql, values, 'reading the catalog')).length > 0;
}
