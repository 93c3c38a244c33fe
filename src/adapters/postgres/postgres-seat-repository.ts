import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import type { Area, BlockReason, Organization, User, UserFilter } from '../../core/schemas.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import { InvalidInputError, StorageError } from '../../errors.js';
import type {
  JsonValue,
  LicenseChangeRecord,
  OutboxEntry,
  PageRequest,
  SeatRepository,
  SeatTransaction,
  TimeRange,
  TransactionScope,
  UsageSnapshot,
  UserPage,
} from '../../ports/repository.js';
import { toSeatkeeperError } from './errors.js';
import { selectLicenseChanges, selectUsageSnapshots } from './history-sql.js';
import { migrate, type MigrationResult } from './migrations.js';
import { claimOutboxEntries, markOutboxDelivered, markOutboxFailed, selectOutboxEntries } from './outbox-sql.js';
import { run, runScript } from './queryable.js';
import { AREA_COLUMNS, areaFromRow, ORGANIZATION_COLUMNS, organizationFromRow, type AreaRow, type OrganizationRow } from './rows.js';
import { PostgresTransaction, type LockedReads } from './sql-transaction.js';
import {
  COUNT_COLUMNS,
  countAreaUsers,
  countsFromRows,
  type CountRow,
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
}

const optionsSchema = z.strictObject({
  schema: z.string().min(1).max(63).optional(),
  batchSize: z.number().int().min(1).max(100_000).optional(),
});

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
 * - Usernames are unique ignoring case by a unique index on the folded
 *   username, external ids by a unique index: a collision throws `ConflictError`.
 * - Unreachable server -> `StorageUnavailableError`; serialization failure,
 *   deadlock or lock timeout -> `SerializationFailureError` (retry); other
 *   failures -> `StorageError`.
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
    const client = await this.#connect();
    let failure: unknown;
    try {
      return await migrate(client, this.#tables);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      // A connection that failed mid-migration is discarded rather than reused.
      client.release(failure === undefined ? undefined : true);
    }
  }

  async transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    const areaIds = [...new Set(scope.areaIds)].sort(compare);
    const client = await this.#connect();
    // A checked-out pg client that loses its connection emits 'error'; unheard, that would crash the host.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      // BEGIN and the lock in one round trip, the locked rows kept: a seat write reads its area first.
      const locked = await beginLocking(client, this.#tables, areaIds);
      const tx = new PostgresTransaction(client, this.#tables, this.#batchSize, locked);
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
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
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

  async listLicenseChanges(areaId?: string): Promise<readonly LicenseChangeRecord[]> {
    return selectLicenseChanges(this.#pool, this.#tables, areaId);
  }

  async listUsageSnapshots(areaId?: string, range: TimeRange = {}): Promise<readonly UsageSnapshot[]> {
    return selectUsageSnapshots(this.#pool, this.#tables, areaId, range);
  }

  /** Checks out a connection, mapping a refused or timed-out connect to `StorageUnavailableError`. */
  async #connect(): Promise<PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw toSeatkeeperError(error, 'connecting');
    }
  }
}

/**
 * Starts a transaction and locks the areas' rows in one round trip, reading
 * with the lock what a seat write reads first: the areas, their partner
 * organizations and their counts. Several statements in one simple-protocol
 * query, so the ids are quoted as literals (by `pg`'s `escapeLiteral`) rather
 * than bound. Under the lock these stay current until the transaction itself
 * writes (see {@link LockedReads}).
 */
async function beginLocking(client: PoolClient, tables: Tables, areaIds: readonly string[]): Promise<LockedReads> {
  if (areaIds.length === 0) {
    await run(client, 'BEGIN', [], 'starting a transaction');
    return { areas: [], organizations: [], counts: [] };
  }
  const ids = areaIds.map((id) => client.escapeLiteral(id)).join(', ');
  const [, areas = [], organizations = [], counts = []] = await runScript(
    client,
    `BEGIN;
     SELECT ${AREA_COLUMNS} FROM ${tables.areas} WHERE id IN (${ids}) ORDER BY id FOR UPDATE;
     SELECT ${ORGANIZATION_COLUMNS} FROM ${tables.organizations} WHERE area_id IN (${ids}) ORDER BY id;
     SELECT ${COUNT_COLUMNS} FROM ${tables.userCounts} c WHERE c.area_id IN (${ids}) AND c.users <> 0`,
    'starting a transaction and locking areas',
  );
  const locked = (areas as AreaRow[]).map(areaFromRow);
  return {
    areas: locked,
    organizations: (organizations as OrganizationRow[]).map(organizationFromRow),
    // Only areas that exist are locked; counts of the others are read when asked.
    counts: countsFromRows(counts as CountRow[], locked.map((a) => a.id)),
  };
}

/** Code-unit order; any fixed order keeps multi-area locking deadlock-free. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
