/**
 * A {@link SeatTransaction} bound to one checked-out connection inside
 * `START TRANSACTION ... COMMIT`, after the area rows were locked. Reads see
 * its own writes because they run on the same connection.
 */
import type { Area, BlockReason, Organization, User } from '../../core/schemas.js';
import { usernameKey } from '../../core/schemas.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import { ConflictError, SeatkeeperError, StorageError } from '../../errors.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, SeatTransaction, UsageSnapshot } from '../../ports/repository.js';
import type { AuditEvent } from '../../core/audit.js';
import { insertAuditEvents, redactAuditEvents } from './audit-sql.js';
import { insertLicenseChange, insertUsageSnapshot } from './history-sql.js';
import { insertOutboxEntry } from './outbox-sql.js';
import { matchedRows, write, type Queryable } from './queryable.js';
import { AREA_COLUMNS, ORGANIZATION_COLUMNS, USER_COLUMN_NAMES, USER_WRITE_COLUMNS, areaValues, organizationValues, userValues } from '../sql/rows.js';
import {
  countAreaUsers,
  selectArea,
  selectAreas,
  selectBlockedUsers,
  selectOrganization,
  selectOrganizations,
  selectSetting,
  selectUser,
  selectUserIds,
  selectUsersByExternalIds,
  selectUsersByUsernames,
} from './sql-reads.js';
import type { Tables } from './tables.js';

/** `kind = ?, name = ?, ...`: the update of an area, every column but the id. */
const AREA_UPDATES = AREA_COLUMNS.split(', ')
  .slice(1)
  .map((column) => `${column} = ?`)
  .join(', ');

/** The upsert of an organization, every column but the id. */
const ORGANIZATION_UPDATES = ORGANIZATION_COLUMNS.split(', ')
  .slice(1)
  .map((column) => `${column} = ?`)
  .join(', ');

/**
 * `u.username = v.username, ...` for every user column but the id. The last
 * activity only moves forward: a user read before a concurrent
 * `recordActivity` does not undo it (`GREATEST` is NULL when an argument is,
 * hence the `COALESCE`s).
 */
const NEW_ACTIVITY = 'CAST(v.last_activity_at AS DATETIME(3))';
const USER_ASSIGNMENTS = USER_COLUMN_NAMES.filter((column) => column !== 'id')
  .map((column) =>
    column === 'last_activity_at'
      ? `u.last_activity_at = GREATEST(COALESCE(u.last_activity_at, ${NEW_ACTIVITY}), COALESCE(${NEW_ACTIVITY}, u.last_activity_at))`
      : `u.${column} = v.${column}`,
  )
  .join(', ');

/** Failures a write undid itself before throwing: the transaction goes on. */
const undone = new WeakSet<object>();

/** The transaction object handed to `work` by `MySqlSeatRepository.transaction`. */
export class MySqlTransaction implements SeatTransaction {
  readonly #db: Queryable;
  readonly #tables: Tables;
  readonly #batchSize: number;
  /** Statements run one after another even when `work` starts several at once, so a savepoint guards exactly one write. */
  #queue: Promise<unknown> = Promise.resolve();
  #open = true;
  #failure: SeatkeeperError | undefined;

  /**
   * @param db - the connection, inside START TRANSACTION with the area rows locked
   * @param tables - the table names
   * @param batchSize - at most this many users per multi-row statement
   */
  constructor(db: Queryable, tables: Tables, batchSize: number) {
    this.#db = db;
    this.#tables = tables;
    this.#batchSize = batchSize;
  }

  /**
   * The statement failure that makes this transaction unfit to commit, if any.
   * MySQL keeps a transaction open after most failed statements (and after a
   * deadlock the server has already rolled it back), so, as on PostgreSQL, any
   * failure the work did not see undone fails the whole transaction.
   */
  get failure(): SeatkeeperError | undefined {
    return this.#failure;
  }

  /** Ends the transaction object: later calls throw instead of running outside the transaction. */
  close(): void {
    this.#open = false;
  }

  /** Waits for every statement `work` started, so COMMIT or ROLLBACK runs after them. */
  async settled(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  getArea(areaId: string): Promise<Area | null> {
    return this.#step((db, t) => selectArea(db, t, areaId));
  }

  putArea(area: Area): Promise<void> {
    return this.#step(async (db, t) => {
      const values = areaValues(area);
      // Not an upsert: ON DUPLICATE KEY UPDATE would also fire on the one-primary key and overwrite the primary area.
      const updated = await write(db, `UPDATE ${t.areas} SET ${AREA_UPDATES} WHERE id = ?`, [...values.slice(1), values[0]], 'writing an area');
      if (matchedRows(updated) === 0) await write(db, `INSERT INTO ${t.areas} (${AREA_COLUMNS}) VALUES (?)`, [values], 'writing an area');
    });
  }

  deleteArea(areaId: string): Promise<boolean> {
    return this.#step(async (db, t) => {
      const result = await write(db, `DELETE FROM ${t.areas} WHERE id = ?`, [areaId], `deleting area "${areaId}"`);
      // Its counter rows are all at zero once its users are gone; a row still counting users is kept.
      await write(db, `DELETE FROM ${t.userCounts} WHERE area_id = ? AND users = 0`, [areaId], `deleting the counts of area "${areaId}"`);
      return result.affectedRows > 0;
    });
  }

  deleteOrganization(organizationId: string): Promise<boolean> {
    return this.#step(async (db, t) => (await write(db, `DELETE FROM ${t.organizations} WHERE id = ?`, [organizationId], 'deleting an organization')).affectedRows > 0);
  }

  getOrganization(organizationId: string): Promise<Organization | null> {
    return this.#step((db, t) => selectOrganization(db, t, organizationId));
  }

  listAreas(): Promise<readonly Area[]> {
    return this.#step((db, t) => selectAreas(db, t));
  }

  listOrganizations(areaId?: string): Promise<readonly Organization[]> {
    return this.#step((db, t) => selectOrganizations(db, t, areaId));
  }

  putOrganization(organization: Organization): Promise<void> {
    return this.#step(async (db, t) => {
      const values = organizationValues(organization);
      await write(
        db,
        `INSERT INTO ${t.organizations} (${ORGANIZATION_COLUMNS}) VALUES (?) ON DUPLICATE KEY UPDATE ${ORGANIZATION_UPDATES}`,
        [values, ...values.slice(1)],
        'writing an organization',
      );
    });
  }

  countUsers(areaIds?: readonly string[]): Promise<readonly AreaSeatCounts[]> {
    return this.#step((db, t) => countAreaUsers(db, t, areaIds ?? null));
  }

  getUser(userId: string): Promise<User | null> {
    return this.#step((db, t) => selectUser(db, t, userId));
  }

  findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]> {
    return this.#step((db, t) => selectUsersByUsernames(db, t, usernames));
  }

  findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]> {
    return this.#step((db, t) => selectUsersByExternalIds(db, t, externalIds));
  }

  listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]> {
    return this.#step((db, t) => selectBlockedUsers(db, t, areaId, reason, limit));
  }

  insertUsers(users: readonly User[]): Promise<void> {
    if (users.length === 0) return this.#step(async () => undefined);
    // Sorted by username key so two batches sharing names take the unique-key locks in the same order (no deadlock).
    const sorted = [...users].sort((a, b) => compare(usernameKey(a.username), usernameKey(b.username)));
    const insert = (db: Queryable, t: Tables, rows: readonly User[]) =>
      write(db, `INSERT INTO ${t.users} (${USER_WRITE_COLUMNS}) VALUES ?`, [rows.map(userValues)], 'inserting users', { writesUsers: true });
    // One statement is all or nothing by itself: InnoDB undoes a failed statement (its trigger writes included) and the
    // transaction goes on, so a batch that fits one needs no savepoint.
    if (sorted.length <= this.#batchSize) return this.#step(async (db, t) => void (await insert(db, t, sorted)));
    return this.#step((db, t) =>
      this.#allOrNothing(db, async () => {
        for (const chunk of chunks(sorted, this.#batchSize)) await insert(db, t, chunk);
      }),
    );
  }

  updateUsers(users: readonly User[]): Promise<void> {
    if (users.length === 0) return this.#step(async () => undefined);
    // The last change of a user wins, as if the updates ran one by one.
    const latest = [...new Map(users.map((u) => [u.id, u])).values()];
    return this.#step((db, t) =>
      this.#allOrNothing(db, async () => {
        for (const chunk of chunks(latest, this.#batchSize)) {
          // The new values as a derived table; the first row names the columns, and compares ids byte for byte.
          const row = (first: boolean) =>
            `SELECT ${USER_COLUMN_NAMES.map((column) => (first ? (column === 'id' ? '? COLLATE utf8mb4_bin AS id' : `? AS ${column}`) : '?')).join(', ')}`;
          const derived = chunk.map((_, i) => row(i === 0)).join(' UNION ALL ');
          const result = await write(db, `UPDATE ${t.users} u JOIN (${derived}) v ON u.id = v.id SET ${USER_ASSIGNMENTS}`, chunk.flatMap(userValues), 'updating users', {
            writesUsers: true,
          });
          if (matchedRows(result) < chunk.length) {
            const missing = await missingUser(db, t, chunk);
            throw new StorageError(`Cannot update user "${missing}": it does not exist. Nothing was written.`);
          }
        }
      }),
    );
  }

  deleteUser(userId: string): Promise<boolean> {
    return this.#step(async (db, t) => (await write(db, `DELETE FROM ${t.users} WHERE id = ?`, [userId], 'deleting a user')).affectedRows > 0);
  }

  getSetting(key: string): Promise<JsonValue | null> {
    return this.#step((db, t) => selectSetting(db, t, key));
  }

  putSetting(key: string, value: JsonValue | null): Promise<void> {
    return this.#step(async (db, t) => {
      if (value === null) {
        await write(db, `DELETE FROM ${t.settings} WHERE setting_key = ?`, [key], 'removing a setting');
        return;
      }
      const json = JSON.stringify(value);
      await write(
        db,
        `INSERT INTO ${t.settings} (setting_key, setting_value) VALUES (?, ?) ON DUPLICATE KEY UPDATE setting_value = ?`,
        [key, json, json],
        'writing a setting',
      );
    });
  }

  enqueueNotification(entry: OutboxEntry): Promise<void> {
    return this.#step((db, t) => insertOutboxEntry(db, t, entry));
  }

  appendLicenseChange(change: LicenseChangeRecord): Promise<void> {
    return this.#step((db, t) => insertLicenseChange(db, t, change));
  }

  appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void> {
    return this.#step((db, t) => insertUsageSnapshot(db, t, snapshot));
  }

  appendAuditEvents(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return this.#step(async () => undefined);
    return this.#step((db, t) => insertAuditEvents(db, t, events, this.#batchSize));
  }

  redactAuditEvents(userId: string): Promise<void> {
    return this.#step((db, t) => redactAuditEvents(db, t, userId));
  }

  /**
   * Runs one operation after the previous ones finished; refuses once the
   * transaction ended, or once a statement in it failed (see {@link failure}).
   */
  #step<T>(operation: (db: Queryable, t: Tables) => Promise<T>): Promise<T> {
    if (!this.#open) return Promise.reject(new StorageError('This transaction has ended; do all work inside the transaction callback.'));
    const result = this.#queue
      .catch(() => undefined)
      .then(async () => {
        if (this.#failure !== undefined) {
          throw new StorageError(`A statement in this transaction failed earlier (${this.#failure.message}); nothing will be written.`, { cause: this.#failure });
        }
        try {
          return await operation(this.#db, this.#tables);
        } catch (error) {
          // A taken key, or a write that undid itself, leaves the transaction usable, as the port asks.
          if (!(error instanceof ConflictError) && !(typeof error === 'object' && error !== null && undone.has(error))) {
            this.#failure ??= error instanceof SeatkeeperError ? error : new StorageError('A statement failed.', { cause: error });
          }
          throw error;
        }
      });
    this.#queue = result;
    return result;
  }

  /**
   * Runs a multi-statement write under a savepoint: if any statement fails
   * (a unique key collides, a user to update is missing), every statement of
   * the write is undone and the transaction stays usable, as the port requires.
   */
  async #allOrNothing(db: Queryable, run: () => Promise<void>): Promise<void> {
    await write(db, 'SAVEPOINT seatkeeper_write', [], 'opening a savepoint');
    try {
      await run();
    } catch (error) {
      const failure = error instanceof SeatkeeperError ? error : new StorageError('A write failed.', { cause: error });
      try {
        await write(db, 'ROLLBACK TO SAVEPOINT seatkeeper_write', [], 'undoing a failed write');
      } catch {
        // The savepoint is gone with the transaction (a deadlock rolls it all back): the failure itself says why.
        throw failure;
      }
      undone.add(failure);
      throw failure;
    }
    await write(db, 'RELEASE SAVEPOINT seatkeeper_write', [], 'closing a savepoint');
  }
}

/** The id of the first of `users` that is not stored. */
async function missingUser(db: Queryable, t: Tables, users: readonly User[]): Promise<string> {
  const found = new Set(await selectUserIds(db, t, users.map((u) => u.id)));
  return users.find((u) => !found.has(u.id))?.id ?? '?';
}

/** Splits a list into runs of at most `size`. */
function* chunks<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** Code-unit order: any fixed order keeps two batches from taking the same keys in opposite orders. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
