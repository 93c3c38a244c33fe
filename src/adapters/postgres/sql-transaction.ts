/**
 * A {@link SeatTransaction} bound to one checked-out connection inside
 * `BEGIN ... COMMIT`, after the area rows were locked. Reads see its own
 * writes because they run on the same connection.
 */
import type { Area, BlockReason, Organization, User } from '../../core/schemas.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import { ConflictError, SeatkeeperError, SerializationFailureError, StorageError } from '../../errors.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, SeatTransaction, UsageSnapshot } from '../../ports/repository.js';
import { usernameKey } from '../../core/schemas.js';
import type { AuditEvent } from '../../core/audit.js';
import { insertAuditEvents, redactAuditEvents } from './audit-sql.js';
import { insertLicenseChange, insertUsageSnapshot } from './history-sql.js';
import { insertOutboxEntry } from './outbox-sql.js';
import { run, type Queryable } from './queryable.js';
import { AREA_COLUMNS, ORGANIZATION_COLUMNS, USER_WRITE_COLUMNS, areaValues, organizationValues } from '../sql/rows.js';
import { USER_COLUMN_TYPES, USER_UNNEST, userColumnArrays } from './rows.js';
import {
  countAreaUsers,
  selectArea,
  selectAreas,
  selectBlockedUsers,
  selectOrganization,
  selectOrganizations,
  selectSetting,
  selectUser,
  selectUsersByExternalIds,
  selectUsersByUsernames,
} from './sql-reads.js';
import type { Tables } from './tables.js';


/**
 * `username = v.username, ...` for every column but the id. A user whose
 * username does not change keeps its stored key, which may be a legacy key
 * (see `username-keys.ts`): blocking or editing such a user must not collide.
 * The last activity only moves forward (`greatest` ignores a NULL): a user read
 * before a concurrent `recordActivity` does not undo it.
 */
const USER_ASSIGNMENTS = USER_COLUMN_TYPES.filter(([column]) => column !== 'id')
  .map(([column]) =>
    column === 'username_key'
      ? `username_key = CASE WHEN u.username = v.username COLLATE "C" THEN u.username_key ELSE v.username_key END`
      : column === 'last_activity_at'
        ? `last_activity_at = greatest(u.last_activity_at, v.last_activity_at)`
        : `${column} = v.${column}`,
  )
  .join(', ');

/** The transaction object handed to `work` by `PostgresSeatRepository.transaction`. */
export class PostgresTransaction implements SeatTransaction {
  readonly #client: Queryable;
  readonly #tables: Tables;
  readonly #batchSize: number;
  /** Statements run one after another even when `work` starts several at once, so a savepoint guards exactly one write. */
  #queue: Promise<unknown> = Promise.resolve();
  #open = true;

  /**
   * @param client - the connection, inside BEGIN with the area rows locked
   * @param tables - the table names
   * @param batchSize - at most this many users per multi-row statement
   */
  constructor(client: Queryable, tables: Tables, batchSize: number) {
    this.#client = client;
    this.#tables = tables;
    this.#batchSize = batchSize;
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
      await run(
        db,
        `INSERT INTO ${t.areas} (${AREA_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, max_users = EXCLUDED.max_users,
           grace_seats = EXCLUDED.grace_seats, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        areaValues(area),
        `writing area "${area.id}"`,
      );
    });
  }

  deleteArea(areaId: string): Promise<boolean> {
    return this.#step(async (db, t) => {
      const { rowCount } = await run(db, `DELETE FROM ${t.areas} WHERE id = $1`, [areaId], `deleting area "${areaId}"`);
      // Its counter rows are all at zero once its users are gone; a row still counting users is kept.
      await run(db, `DELETE FROM ${t.userCounts} WHERE area_id = $1 AND users = 0`, [areaId], `deleting the counts of area "${areaId}"`);
      return rowCount > 0;
    });
  }

  deleteOrganization(organizationId: string): Promise<boolean> {
    return this.#step(async (db, t) => {
      const { rowCount } = await run(db, `DELETE FROM ${t.organizations} WHERE id = $1`, [organizationId], 'deleting an organization');
      return rowCount > 0;
    });
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
      await run(
        db,
        `INSERT INTO ${t.organizations} (${ORGANIZATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET area_id = EXCLUDED.area_id, name = EXCLUDED.name, access = EXCLUDED.access,
           max_users = EXCLUDED.max_users, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        organizationValues(organization),
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
    // Sorted by username key so two batches sharing names take the unique-index locks in the same order (no deadlock).
    const sorted = [...users].sort((a, b) => compare(usernameKey(a.username), usernameKey(b.username)));
    if (sorted.length <= this.#batchSize) return this.#step((db, t) => insertOrNothing(db, t, sorted));
    return this.#step((db, t) =>
      this.#allOrNothing(db, async () => {
        for (const chunk of chunks(sorted, this.#batchSize)) {
          await run(db, `INSERT INTO ${t.users} (${USER_WRITE_COLUMNS}) SELECT * FROM ${USER_UNNEST}`, userColumnArrays(chunk), 'inserting users');
        }
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
          const { rows } = await run<{ id: string }>(
            db,
            `UPDATE ${t.users} u SET ${USER_ASSIGNMENTS} FROM ${USER_UNNEST} WHERE u.id = v.id RETURNING u.id`,
            userColumnArrays(chunk),
            'updating users',
          );
          if (rows.length < chunk.length) {
            const found = new Set(rows.map((r) => r.id));
            const missing = chunk.find((u) => !found.has(u.id));
            throw new StorageError(`Cannot update user "${missing?.id ?? '?'}": it does not exist. Nothing was written.`);
          }
        }
      }),
    );
  }

  deleteUser(userId: string): Promise<boolean> {
    return this.#step(async (db, t) => (await run(db, `DELETE FROM ${t.users} WHERE id = $1`, [userId], 'deleting a user')).rowCount > 0);
  }

  getSetting(key: string): Promise<JsonValue | null> {
    return this.#step((db, t) => selectSetting(db, t, key));
  }

  putSetting(key: string, value: JsonValue | null): Promise<void> {
    return this.#step(async (db, t) => {
      if (value === null) await run(db, `DELETE FROM ${t.settings} WHERE key = $1`, [key], 'removing a setting');
      else
        await run(
          db,
          `INSERT INTO ${t.settings} (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
          [key, JSON.stringify(value)],
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

  /** Runs one operation after the previous ones finished; refuses once the transaction ended. */
  #step<T>(operation: (db: Queryable, t: Tables) => Promise<T>): Promise<T> {
    if (!this.#open) return Promise.reject(new StorageError('This transaction has ended; do all work inside the transaction callback.'));
    const result = this.#queue.catch(() => undefined).then(() => operation(this.#client, this.#tables));
    this.#queue = result;
    return result;
  }

  /**
   * Runs a multi-statement write under a savepoint: if any statement fails
   * (a unique key collides, a user to update is missing), every statement of
   * the write is undone and the transaction stays usable, as the port requires.
   */
  async #allOrNothing(db: Queryable, write: () => Promise<void>): Promise<void> {
    await run(db, 'SAVEPOINT seatkeeper_write', [], 'opening a savepoint');
    try {
      await write();
    } catch (error) {
      await run(db, 'ROLLBACK TO SAVEPOINT seatkeeper_write', [], 'undoing a failed write');
      throw error instanceof SeatkeeperError ? error : new StorageError('A write failed.', { cause: error });
    }
    await run(db, 'RELEASE SAVEPOINT seatkeeper_write', [], 'closing a savepoint');
  }
}

/**
 * Inserts users that fit one statement, all or none, without a savepoint: a
 * taken key skips its row (`ON CONFLICT DO NOTHING`) instead of failing the
 * statement, so the transaction stays usable with one round trip instead of
 * three. When a row was skipped, the rows inserted are deleted again and the
 * key that collided is found and thrown as a `ConflictError`.
 */
async function insertOrNothing(db: Queryable, t: Tables, users: readonly User[]): Promise<void> {
  const { rows } = await run<{ id: string }>(
    db,
    `INSERT INTO ${t.users} (${USER_WRITE_COLUMNS}) SELECT * FROM ${USER_UNNEST} ON CONFLICT DO NOTHING RETURNING id`,
    userColumnArrays(users),
    'inserting users',
  );
  if (rows.length === users.length) return;
  const inserted = rows.map((r) => r.id);
  const written = new Set(inserted);
  const skipped = users.filter((u) => !written.has(u.id));
  const conflict = await findConflict(db, t, skipped);
  if (inserted.length > 0) await run(db, `DELETE FROM ${t.users} WHERE id = ANY($1::text[])`, [inserted], 'undoing a failed insert');
  throw conflict;
}

/** The ConflictError for the first of `skipped` whose id, username (ignoring case) or external id is held by a stored row. */
async function findConflict(db: Queryable, t: Tables, skipped: readonly User[]): Promise<SeatkeeperError> {
  const { rows } = await run<{ id: string; username_key: string; external_id: string | null }>(
    db,
    `SELECT id, username_key, external_id FROM ${t.users}
     WHERE id = ANY($1::text[]) OR username_key = ANY($2::text[]) OR external_id = ANY($3::text[])`,
    [skipped.map((u) => u.id), skipped.map((u) => usernameKey(u.username)), skipped.flatMap((u) => (u.externalId === null ? [] : [u.externalId]))],
    'finding a taken key',
  );
  for (const user of skipped) {
    // The same order PostgreSQL checks the unique indexes in: id, then username, then external id.
    if (rows.some((r) => r.id === user.id)) return new ConflictError('id', user.id);
    const key = usernameKey(user.username);
    if (rows.some((r) => r.username_key === key)) return new ConflictError('username', key);
    if (user.externalId !== null && rows.some((r) => r.external_id === user.externalId)) return new ConflictError('externalId', user.externalId);
  }
  // The row that held the key was deleted by another transaction after the insert skipped it.
  return new SerializationFailureError('A unique key collided with a user that was deleted meanwhile.');
}

/** Splits a list into runs of at most `size`. */
function* chunks<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** Code-unit order, the order of a `C`-collated index for these keys. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
