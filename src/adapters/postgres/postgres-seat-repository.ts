import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import type { Area, BlockReason, Organization, User, UserFilter } from '../../core/schemas.js';
import { selectInactiveUsers, updateLastActivity } from './activity-sql.js';
import { deleteAuditEvents, selectAuditEvents } from './audit-sql.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import { InvalidInputError, StorageError } from '../../errors.js';
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
import { checkOut } from './connection.js';
import { selectLicenseChanges, selectUsageSnapshots } from './history-sql.js';
import { migrate, type MigrationResult } from './migrations.js';
import { claimOutboxEntries, markOutboxDelivered, markOutboxFailed, purgeOutboxEntries, selectOutboxEntries } from './outbox-sql.js';
import { run, runScript } from './queryable.js';
import { PostgresTransaction } from './sql-transaction.js';
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
import { tablesIn, type Tables } from './tables.js';
import { selectUsernameCollisions } from './username-keys.js';

/** Options of {@link PostgresSeatRepository}. */
export interface PostgresSeatRepositoryOptions {
  /**
   * The PostgreSQL schema to keep seatkeeper's tables in; `migrate()` creates
   * it when missing. Default: none, the tables go where the connection's
   * `search_path` puts them (usually `public`), all named `seatkeeper_*`.
   */
  readonly schema?: string;
  /**
   * At most this many users per multi-row INSERT or UPDATE statement; larger
   * batches (a directory sync of 100,000 users) run as several statements in
   * the same transaction. Default 5,000.
   */
  readonly batchSize?: number;
  /**
   * How long, in milliseconds, a transaction waits for an area's lock (or any
   * other lock) before it gives up with `SerializationFailureError` (retryable;
   * nothing was written). Another server stuck while holding an area's lock
   * then delays that area's writers by this much instead of blocking them with
   * no end. `0` waits forever. Default 10,000 (10 s). Set per transaction with
   * `SET LOCAL lock_timeout`, so it overrides the connection's own setting.
   */
  readonly lockTimeout?: number;
  /**
   * How long, in milliseconds, one statement of a transaction may run, lock
   * waits included, before the server cancels it: `SerializationFailureError`
   * (retryable; nothing was written). `0` for no limit. Default 30,000 (30 s).
   * Set per transaction with `SET LOCAL statement_timeout`.
   */
  readonly statementTimeout?: number;
  /**
   * How long, in milliseconds, a transaction may sit idle between two of its
   * statements (its host hung, or its connection went half-open) before the
   * server ends the session, freeing the area locks it held: the transaction
   * then fails with `StorageUnavailableError` (retryable; nothing was
   * written). `0` for no limit. Default 60,000 (60 s). Set per transaction with
   * `SET LOCAL idle_in_transaction_session_timeout`.
   */
  readonly idleInTransactionTimeout?: number;
}

/** Milliseconds as PostgreSQL's timeout settings take them: a whole number up to 2^31 - 1; 0 turns the timeout off. */
const milliseconds = z.number().int().min(0).max(2_147_483_647);

const optionsSchema = z.strictObject({
  schema: z.string().min(1).max(63).optional(),
  batchSize: z.number().int().min(1).max(100_000).optional(),
  lockTimeout: milliseconds.optional(),
  statementTimeout: milliseconds.optional(),
  idleInTransactionTimeout: milliseconds.optional(),
});

/** The timeouts every transaction sets, in milliseconds. */
const DEFAULT_TIMEOUTS = Object.freeze({ lockTimeout: 10_000, statementTimeout: 30_000, idleInTransactionTimeout: 60_000 });

/**
 * The seat repository on PostgreSQL, for hosts running several app servers
 * against one database. The seat lock lives in the database, so any number of
 * seatkeeper instances on any number of machines stay correct.
 *
 * - `transaction({ areaIds })` checks out one connection, `BEGIN`s, and locks
 *   the area rows with `SELECT ... ORDER BY id FOR UPDATE` (sorted, so two
 *   transactions never deadlock), reading the areas, their partners and
 *   counts in the same round trip; the work runs on that connection;
 *   `COMMIT`, or `ROLLBACK` when it throws. A failed transaction leaves
 *   nothing behind.
 * - Counts are read from a counter table that statement-level triggers on the
 *   users table keep, so counting costs the same at any number of users;
 *   look-ups by username or external id are one `= ANY($1)` statement however
 *   many keys; user batches are written by multi-row `unnest` statements.
 * - Usernames are unique by a unique index on their canonical form
 *   (`usernameKey`, computed in code), external ids by a unique index: a
 *   collision throws `ConflictError`. Names that already collided when a site
 *   moved to the canonical form keep a legacy key and are listed by
 *   `findUsernameCollisions` (and `diagnose()`); nothing is renamed.
 * - Every transaction sets a lock timeout, a statement timeout and an
 *   idle-in-transaction timeout (options `lockTimeout`, `statementTimeout`,
 *   `idleInTransactionTimeout`): a server stuck while holding an area's lock
 *   delays that area's writers for a bounded time, never for ever.
 * - Unreachable server, lost connection or idle-in-transaction timeout ->
 *   `StorageUnavailableError`; serialization failure, deadlock, lock or
 *   statement timeout -> `SerializationFailureError`; both are retryable and
 *   nothing was written. Other failures -> `StorageError`.
 * - Every connection it checks out has an `error` listener while it is out,
 *   and no operation needs a second connection while it holds one: a pool of
 *   one connection is enough, and a cut connection never crashes the host.
 *
 * `pg` is an optional peer dependency: you pass the `pg.Pool`, and you end it.
 * Give it an `error` listener, as `pg` asks of every pool. See docs/repositories.md.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createSeatkeeper } from 'seatkeeper';
 * import { PostgresSeatRepository } from 'seatkeeper/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const repository = new PostgresSeatRepository(pool);
 * await repository.migrate(); // creates its tables when missing; idempotent
 * const seats = createSeatkeeper({ repository });
 * ```
 */
export class PostgresSeatRepository implements SeatRepository {
  readonly #pool: Pool;
  readonly #tables: Tables;
  readonly #batchSize: number;
  /** `SET LOCAL` statements of the timeouts, run with every BEGIN. */
  readonly #timeouts: string;

  /**
   * @param pool - the `pg.Pool` to run on; seatkeeper never ends it
   * @param options - the schema and batch size
   * @throws InvalidInputError when the pool or an option is malformed
   */
  constructor(pool: Pool, options: PostgresSeatRepositoryOptions = {}) {
    if (typeof pool !== 'object' || pool === null || typeof pool.connect !== 'function' || typeof pool.query !== 'function') {
      throw new InvalidInputError('PostgresSeatRepository pool', [{ path: ['pool'], code: 'custom', message: 'must be a pg.Pool' }]);
    }
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) throw new InvalidInputError('PostgresSeatRepository options', parsed.error.issues, { cause: parsed.error });
    this.#pool = pool;
    this.#tables = tablesIn(parsed.data.schema ?? null);
    this.#batchSize = parsed.data.batchSize ?? 5_000;
    const { lockTimeout, statementTimeout, idleInTransactionTimeout } = { ...DEFAULT_TIMEOUTS, ...definedOnly(parsed.data) };
    // Validated whole numbers, so they can be written into the statement.
    this.#timeouts = [
      `SET LOCAL lock_timeout = ${lockTimeout}`,
      `SET LOCAL statement_timeout = ${statementTimeout}`,
      `SET LOCAL idle_in_transaction_session_timeout = ${idleInTransactionTimeout}`,
    ].join('; ');
  }

  /**
   * Creates or upgrades seatkeeper's tables and indexes. Versioned and
   * idempotent: each migration runs once, in one transaction with its version
   * record; concurrent calls (several servers starting) are serialised by an
   * advisory lock, and the later ones find nothing to do. Call it at start-up
   * or from a deploy step.
   *
   * @returns the schema version and the versions this call applied
   * @throws StorageUnavailableError when the server cannot be reached
   * @example
   * ```ts
   * const { version, applied } = await repository.migrate();
   * ```
   */
  async migrate(): Promise<MigrationResult> {
    const connection = await checkOut(this.#pool);
    let failed = false;
    try {
      return await migrate(connection.client, this.#tables);
    } catch (error) {
      failed = true;
      throw connection.failure(error, 'migrating');
    } finally {
      // A connection that failed mid-migration is discarded rather than reused.
      connection.release(failed);
    }
  }

  async transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    const areaIds = [...new Set(scope.areaIds)].sort(compare);
    const connection = await checkOut(this.#pool);
    const client = connection.client;
    let failed = false;
    try {
      await beginLocking(client, this.#tables, areaIds, this.#timeouts);
      const tx = new PostgresTransaction(client, this.#tables, this.#batchSize);
      let result: T;
      try {
        result = await work(tx);
      } finally {
        tx.close();
        await tx.settled();
      }
      const commit = await run(client, 'COMMIT', [], 'committing');
      // PostgreSQL answers COMMIT of a transaction aborted by an earlier failed statement with ROLLBACK, not an error.
      if (commit.command === 'ROLLBACK') {
        throw new StorageError('The transaction was rolled back because a statement in it failed earlier; nothing was written.');
      }
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        failed = true;
      });
      throw connection.failure(error, 'running a transaction');
    } finally {
      connection.release(failed);
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
    return claimOutboxEntries(this.#pool, this.#tables, now, leaseUntil, limit);
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

  async purgeNotifications(deliveredBefore: Date): Promise<number> {
    return purgeOutboxEntries(this.#pool, this.#tables, deliveredBefore);
  }

  /**
   * Users whose usernames became one name when schema version 2 recomputed the
   * keys by the canonical username form (`straße` and `STRASSE`): the user
   * holding the name, then the other, which keeps a legacy key until it is
   * renamed. Reads the legacy-keyed rows by their partial index, never every user.
   */
  async findUsernameCollisions(): Promise<readonly (readonly [User, User])[]> {
    return selectUsernameCollisions(this.#pool, this.#tables);
  }

  async listAuditEvents(filter: AuditEventFilter, page: TimePageRequest): Promise<AuditEventPage> {
    return selectAuditEvents(this.#pool, this.#tables, filter, page);
  }

  async purgeAuditEvents(before: Date): Promise<number> {
    return deleteAuditEvents(this.#pool, this.#tables, before);
  }

  /** One `UPDATE ... RETURNING` on the pool: no transaction, no area lock. */
  async recordActivity(userId: string, at: Date): Promise<User | null> {
    return updateLastActivity(this.#pool, this.#tables, userId, at);
  }

  /** Reads the partial index of active licensed users by when they were last seen (`seatkeeper_users_last_seen_idx`). */
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
 * Starts a transaction and locks the areas' rows (in the order given, sorted)
 * in one round trip: several statements in one simple-protocol query, so the
 * ids are quoted as literals (by `pg`'s `escapeLiteral`) rather than bound.
 */
async function beginLocking(client: PoolClient, tables: Tables, areaIds: readonly string[], timeouts: string): Promise<void> {
  const ids = areaIds.map((id) => client.escapeLiteral(id)).join(', ');
  const lock = areaIds.length === 0 ? '' : `; SELECT id FROM ${tables.areas} WHERE id IN (${ids}) ORDER BY id FOR UPDATE`;
  await runScript(client, `BEGIN; ${timeouts}${lock}`, 'starting a transaction and locking areas');
}

/** The options that are set, so a spread of them does not overwrite defaults with `undefined`. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Code-unit order; any fixed order keeps multi-area locking deadlock-free. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
