import type { Pool } from 'mysql2/promise';
import { z } from 'zod';
import type { Area, BlockReason, Organization, User, UserFilter } from '../../core/schemas.js';
import { selectInactiveUsers, updateLastActivity } from './activity-sql.js';
import { deleteAuditEvents, selectAuditEvents } from './audit-sql.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import { InvalidInputError, SerializationFailureError, StorageError } from '../../errors.js';
import type {
  AuditEventFilter,
  AuditEventPage,
  InactiveUserFilter,
  InactiveUserPage,
  JsonValue,
  LicenseChangeRecord,
  OutboxEntry,
  PageRequest,
  SeatRepository,
  SeatTransaction,
  TimePageRequest,
  TimeRange,
  TransactionScope,
  UsageSnapshot,
  UserPage,
} from '../../ports/repository.js';
import { CheckedOutConnection } from './checked-out.js';
import { selectLicenseChanges, selectUsageSnapshots } from './history-sql.js';
import { migrate, type MigrationResult } from './migrations.js';
import { leaseOutboxEntries, markOutboxDelivered, markOutboxFailed, purgeOutboxEntries, selectDueOutboxEntries, selectOutboxEntries } from './outbox-sql.js';
import { select, write, type Queryable } from './queryable.js';
import { MySqlTransaction } from './sql-transaction.js';
import {
  countAreaUsers,
  selectArea,
  selectAreas,
  selectBlockedUsers,
  selectOrganization,
  selectOrganizations,
  selectSetting,
  selectUser,
  selectUserPage,
  selectUsersByExternalIds,
  selectUsersByUsernames,
} from './sql-reads.js';
import { DEFAULT_TABLE_PREFIX, MAX_TABLE_PREFIX_LENGTH, tablesIn, type Tables } from './tables.js';

/** Options of {@link MySqlSeatRepository}. */
export interface MySqlSeatRepositoryOptions {
  /**
   * The database to keep seatkeeper's tables in; `migrate()` creates it when
   * missing (`utf8mb4`, `utf8mb4_bin`). Default: none, the tables go in the
   * pool's current database (its `database` option).
   */
  readonly database?: string;
  /**
   * The prefix of every table and trigger name: letters, digits and `_`, at
   * most 40 characters. Default `seatkeeper_` (`seatkeeper_users`, ...).
   * Two repositories with different prefixes share a database independently.
   */
  readonly tablePrefix?: string;
  /**
   * At most this many users per multi-row INSERT or UPDATE statement; larger
   * batches (a directory sync of 100,000 users) run as several statements in
   * the same transaction. Keep a statement under the server's
   * `max_allowed_packet` (about 400 bytes a user). Default 5,000.
   */
  readonly batchSize?: number;
  /**
   * How long a transaction waits for a row lock (an area held by another
   * transaction, a username being inserted elsewhere), in whole seconds,
   * before it gives up with `SerializationFailureError`: set per transaction
   * as `innodb_lock_wait_timeout`. Default 30: long enough to queue behind a
   * directory sync of 100,000 users in the same area, short enough that a
   * stuck request does not hang.
   */
  readonly lockTimeout?: number;
}

const optionsSchema = z.strictObject({
  database: z.string().min(1).max(64).optional(),
  tablePrefix: z
    .string()
    .max(MAX_TABLE_PREFIX_LENGTH)
    .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only')
    .optional(),
  batchSize: z.number().int().min(1).max(100_000).optional(),
  lockTimeout: z.number().int().min(1).max(3_600).optional(),
});

/** How often a transaction is started again when its area lock met a deadlock, before `SerializationFailureError`. */
const LOCK_ATTEMPTS = 3;

/**
 * The seat repository on MySQL 8.0+ and MariaDB 10.6+ (InnoDB), for hosts
 * running several app servers against one database. The seat lock lives in
 * the database, so any number of seatkeeper instances on any number of
 * machines stay correct.
 *
 * - `transaction({ areaIds })` checks out one connection, sets
 *   `innodb_lock_wait_timeout`, starts a `READ COMMITTED` transaction and
 *   locks the area rows with `SELECT ... ORDER BY id FOR UPDATE` (sorted, so
 *   two transactions never deadlock), reading the areas' partners and counts
 *   right behind it; the work runs on that connection; `COMMIT`, or
 *   `ROLLBACK` when it throws. A failed transaction leaves nothing behind.
 * - Counts are read from a counter table that row triggers on the users table
 *   keep, so counting costs the same at any number of users; look-ups by
 *   username or external id are one `IN (...)` statement; user batches are
 *   written by multi-row statements.
 * - Usernames are unique by a unique key on `usernameKey(username)`, computed
 *   in code and compared byte for byte (`utf8mb4_bin`); external ids by a
 *   unique key: a collision throws `ConflictError`.
 * - Unreachable server or lost connection -> `StorageUnavailableError`; lock
 *   wait timeout or deadlock -> `SerializationFailureError` (retry); other
 *   failures -> `StorageError`.
 *
 * `mysql2` is an optional peer dependency: you pass the `mysql2/promise` pool
 * (charset `utf8mb4`, mysql2's default), and you end it. See docs/repositories.md.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { createSeatkeeper } from 'seatkeeper';
 * import { MySqlSeatRepository } from 'seatkeeper/mysql';
 *
 * const pool = mysql.createPool({ uri: process.env.MYSQL_URL, connectionLimit: 10 });
 * const repository = new MySqlSeatRepository(pool);
 * await repository.migrate(); // creates its tables when missing; idempotent
 * const seats = createSeatkeeper({ repository });
 * ```
 */
export class MySqlSeatRepository implements SeatRepository {
  readonly #pool: Pool;
  readonly #tables: Tables;
  readonly #batchSize: number;
  readonly #lockTimeout: number;

  /**
   * @param pool - the `mysql2/promise` pool to run on; seatkeeper never ends it
   * @param options - the database, table prefix, batch size and lock timeout
   * @throws InvalidInputError when the pool or an option is malformed
   */
  constructor(pool: Pool, options: MySqlSeatRepositoryOptions = {}) {
    if (typeof pool !== 'object' || pool === null || typeof pool.getConnection !== 'function' || typeof pool.query !== 'function') {
      throw new InvalidInputError('MySqlSeatRepository pool', [{ path: ['pool'], code: 'custom', message: 'must be a mysql2/promise Pool' }]);
    }
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) throw new InvalidInputError('MySqlSeatRepository options', parsed.error.issues, { cause: parsed.error });
    this.#pool = pool;
    this.#tables = tablesIn(parsed.data.database ?? null, parsed.data.tablePrefix ?? DEFAULT_TABLE_PREFIX);
    this.#batchSize = parsed.data.batchSize ?? 5_000;
    this.#lockTimeout = parsed.data.lockTimeout ?? 30;
  }

  /**
   * Creates or upgrades seatkeeper's tables and triggers (and the database,
   * when one is configured and missing). Versioned and idempotent: each
   * migration runs once, and one cut short runs again in full; concurrent
   * calls (several servers starting) are serialised by a named lock
   * (`GET_LOCK`), and the later ones find nothing to do. Call it at start-up
   * or from a deploy step; an app server without the CREATE privilege can
   * call it once the schema is current.
   *
   * With binary logging on, creating triggers needs the SUPER privilege or
   * `log_bin_trust_function_creators = 1` (see docs/repositories.md).
   *
   * @returns the schema version and the versions this call applied
   * @throws StorageUnavailableError when the server cannot be reached
   * @example
   * ```ts
   * const { version, applied } = await repository.migrate();
   * ```
   */
  async migrate(): Promise<MigrationResult> {
    const held = await CheckedOutConnection.take(this.#pool, 'connecting to migrate');
    try {
      return await migrate(held.connection, this.#tables);
    } catch (error) {
      // The session may still hold the migration lock: it goes with the connection.
      held.discard(error);
      throw error;
    } finally {
      held.release();
    }
  }

  async transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    const areaIds = [...new Set(scope.areaIds)].sort(compare);
    for (let attempt = 1; ; attempt++) {
      const held = await CheckedOutConnection.take(this.#pool, 'connecting');
      let working = false;
      try {
        await begin(held.connection, this.#tables, areaIds, this.#lockTimeout);
        working = true;
        const tx = new MySqlTransaction(held.connection, this.#tables, this.#batchSize);
        let result: T;
        try {
          result = await work(tx);
        } finally {
          tx.close();
          await tx.settled();
        }
        if (tx.failure !== undefined) {
          throw new StorageError(`The transaction was rolled back because a statement in it failed (${tx.failure.message}); nothing was written.`, { cause: tx.failure });
        }
        await write(held.connection, 'COMMIT', [], 'committing');
        return result;
      } catch (error) {
        await held.rollback();
        // Nothing of the work ran yet: a deadlock met while taking the area locks is simply tried again.
        if (!working && attempt < LOCK_ATTEMPTS && isDeadlock(error)) continue;
        throw error;
      } finally {
        held.release();
      }
    }
  }

  async getArea(areaId: string): Promise<Area | null> {
    return selectArea(this.#pool, this.#tables, areaId);
  }

  async listAreas(): Promise<readonly Area[]> {
    return selectAreas(this.#pool, this.#tables);
  }

  async getOrganization(organizationId: string): Promise<Organization | null> {
    return selectOrganization(this.#pool, this.#tables, organizationId);
  }

  async listOrganizations(areaId?: string): Promise<readonly Organization[]> {
    return selectOrganizations(this.#pool, this.#tables, areaId);
  }

  async getUser(userId: string): Promise<User | null> {
    return selectUser(this.#pool, this.#tables, userId);
  }

  async findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]> {
    return selectUsersByUsernames(this.#pool, this.#tables, usernames);
  }

  async findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]> {
    return selectUsersByExternalIds(this.#pool, this.#tables, externalIds);
  }

  async listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]> {
    return selectBlockedUsers(this.#pool, this.#tables, areaId, reason, limit);
  }

  async listUsers(filter: UserFilter, page: PageRequest): Promise<UserPage> {
    return selectUserPage(this.#pool, this.#tables, filter, page);
  }

  async countUsers(areaIds?: readonly string[]): Promise<readonly AreaSeatCounts[]> {
    return countAreaUsers(this.#pool, this.#tables, areaIds ?? null);
  }

  async getSetting(key: string): Promise<JsonValue | null> {
    return selectSetting(this.#pool, this.#tables, key);
  }

  async claimDueNotifications(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxEntry[]> {
    const held = await CheckedOutConnection.take(this.#pool, 'connecting to claim notifications');
    const db = held.connection;
    try {
      // READ COMMITTED: SKIP LOCKED then takes no gap locks that would hold up instances enqueueing meanwhile.
      const [, , due] = await settledInOrder([
        write(db, 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', [], 'claiming notifications'),
        write(db, 'START TRANSACTION', [], 'claiming notifications'),
        selectDueOutboxEntries(db, this.#tables, now, limit),
      ]);
      await leaseOutboxEntries(db, this.#tables, due.map((entry) => entry.id), leaseUntil);
      await write(db, 'COMMIT', [], 'claiming notifications');
      return due;
    } catch (error) {
      await held.rollback();
      throw error;
    } finally {
      held.release();
    }
  }

  async purgeNotifications(deliveredBefore: Date): Promise<number> {
    return purgeOutboxEntries(this.#pool, this.#tables, deliveredBefore);
  }

  async markNotificationDelivered(id: string, deliveredAt: Date): Promise<void> {
    await markOutboxDelivered(this.#pool, this.#tables, id, deliveredAt);
  }

  async markNotificationFailed(
    id: string,
    failure: { readonly attempts: number; readonly nextAttemptAt: Date; readonly lastError: string },
  ): Promise<void> {
    await markOutboxFailed(this.#pool, this.#tables, id, failure);
  }

  async listNotifications(filter: { readonly status?: 'pending' | 'delivered' } = {}): Promise<readonly OutboxEntry[]> {
    return selectOutboxEntries(this.#pool, this.#tables, filter.status);
  }

  async listAuditEvents(filter: AuditEventFilter, page: TimePageRequest): Promise<AuditEventPage> {
    return selectAuditEvents(this.#pool, this.#tables, filter, page);
  }

  async purgeAuditEvents(before: Date): Promise<number> {
    return deleteAuditEvents(this.#pool, this.#tables, before);
  }

  /** An `UPDATE` and a `SELECT` on the pool: no transaction, no area lock. */
  async recordActivity(userId: string, at: Date): Promise<User | null> {
    return updateLastActivity(this.#pool, this.#tables, userId, at);
  }

  /** Reads the `last_seen` key of users by state, kind and when they were last seen. */
  async listInactiveUsers(filter: InactiveUserFilter, page: TimePageRequest): Promise<InactiveUserPage> {
    return selectInactiveUsers(this.#pool, this.#tables, filter, page);
  }

  async listLicenseChanges(areaId?: string): Promise<readonly LicenseChangeRecord[]> {
    return selectLicenseChanges(this.#pool, this.#tables, areaId);
  }

  async listUsageSnapshots(areaId?: string, range: TimeRange = {}): Promise<readonly UsageSnapshot[]> {
    return selectUsageSnapshots(this.#pool, this.#tables, areaId, range);
  }
}

/**
 * Starts a transaction and locks the areas' rows (sorted). The statements are
 * queued on the connection together, so they run back to back without waiting
 * on this process in between.
 *
 * READ COMMITTED rather than InnoDB's default REPEATABLE READ: every statement
 * sees the latest committed rows, as on PostgreSQL, and a lock on an area
 * that does not exist yet takes no gap lock, which under REPEATABLE READ
 * would make two `defineArea` calls of new areas deadlock.
 */
async function begin(db: Queryable, t: Tables, areaIds: readonly string[], lockTimeout: number): Promise<void> {
  const doing = 'starting a transaction';
  await settledInOrder([
    write(db, 'SET SESSION innodb_lock_wait_timeout = ?', [lockTimeout], doing),
    write(db, 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', [], doing),
    write(db, 'START TRANSACTION', [], doing),
    ...(areaIds.length === 0 ? [] : [select(db, `SELECT id FROM ${t.areas} WHERE id IN (?) ORDER BY id FOR UPDATE`, [areaIds], 'locking areas')]),
  ]);
}

/**
 * Waits for statements queued together and returns their results in order,
 * or throws the first failure once every one has settled (so none is left
 * unhandled, and nothing runs on the connection after the caller moves on).
 */
async function settledInOrder<T extends readonly unknown[]>(statements: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(statements);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** Whether a failure is a deadlock the server resolved by rolling this transaction back. */
function isDeadlock(error: unknown): boolean {
  if (!(error instanceof SerializationFailureError)) return false;
  const cause = error.cause as { errno?: unknown } | undefined;
  return typeof cause === 'object' && cause !== null && cause.errno === 1213;
}

/** Code-unit order; any fixed order keeps multi-area locking deadlock-free. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
