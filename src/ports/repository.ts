/**
 * The repository port: the storage seatkeeper runs on. Hosts implement it for
 * their own store, or use `InMemorySeatRepository` (embedded) or
 * `PostgresSeatRepository` (`seatkeeper/postgres`). `seatkeeper/testing` checks
 * an implementation against this contract; docs/repositories.md is the guide.
 *
 * The rules every implementation keeps:
 * - **Atomic seat writes.** `transaction(scope, work)` runs `work` so that no
 *   other transaction touching any area in `scope.areaIds` runs in between (a
 *   SQL store locks the area rows with `SELECT ... FOR UPDATE`; the in-memory
 *   one queues per area). Counts read through the transaction reflect its own
 *   writes. If `work` throws, nothing it wrote stays.
 * - **Aggregate counts.** `countUsers` is an aggregate (a maintained counter or
 *   `GROUP BY` on indexed columns), never a scan that loads users.
 * - **Unique keys.** Usernames are unique site-wide ignoring case, external ids
 *   are unique when set; a write that breaks either throws `ConflictError`.
 * - **Not found is `null`**, never a throw. All methods are async.
 * - Returned records are copies: changing one never changes storage.
 *
 * A change to this interface is a semver-major change.
 *
 * @module
 */
import type { Area, BlockReason, Organization, User, UserFilter } from '../core/schemas.js';
import type { AreaSeatCounts } from '../core/usage.js';
import type { LicenseNotification } from './notifier.js';

/** A JSON value, as stored in settings. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A request for one page of users, ordered by username ignoring case. */
export interface PageRequest {
  /** The cursor returned with the previous page; `null` for the first page. */
  readonly after: string | null;
  /** At most this many users. */
  readonly limit: number;
}

/** One page of users. */
export interface UserPage {
  /** The users, ordered by username ignoring case. */
  readonly users: readonly User[];
  /** Pass as `after` to read the next page; `null` when this is the last page. */
  readonly next: string | null;
}

/** Which areas a transaction locks. */
export interface TransactionScope {
  /**
   * The areas whose seats the transaction may change. Implementations lock them
   * in a fixed order (sorted ids) so two transactions never deadlock. Areas that
   * do not exist yet are simply not locked. Empty for site-level writes
   * (settings) that take no seat.
   */
  readonly areaIds: readonly string[];
}

/** A notification waiting in, or delivered from, the outbox. */
export interface OutboxEntry {
  /** The notification's id. */
  readonly id: string;
  /** The composed notification. */
  readonly notification: LicenseNotification;
  /** `pending` until a send succeeded. */
  readonly status: 'pending' | 'delivered';
  /** Failed send attempts so far. */
  readonly attempts: number;
  /** Not before this time may it be (re)tried. A claim pushes it forward as a lease. */
  readonly nextAttemptAt: Date;
  /** The last failure's message, if any. */
  readonly lastError: string | null;
  /** When it was enqueued. */
  readonly createdAt: Date;
  /** When a send succeeded; `null` while pending. */
  readonly deliveredAt: Date | null;
}

/** One change of an area's `maxUsers`, kept as history. A move writes two: one per area. */
export interface LicenseChangeRecord {
  /** Unique id of this record. */
  readonly id: string;
  /** The request it applied, if any; shared by both halves of a move. */
  readonly requestId: string | null;
  /** `add` (a purchase), `move` (between areas) or `set` (defineArea changed the limit). */
  readonly type: 'add' | 'move' | 'set';
  /** The area whose limit changed. */
  readonly areaId: string;
  /** `maxUsers` before. */
  readonly maxUsersBefore: number;
  /** `maxUsers` after. */
  readonly maxUsersAfter: number;
  /** When it was applied. */
  readonly appliedAt: Date;
  /** Free text, e.g. the vendor's order number. */
  readonly note: string | null;
}

/** One area's use at one moment; the input of forecasts and peak tracking. */
export interface UsageSnapshot {
  /** The area. */
  readonly areaId: string;
  /** When it was taken. */
  readonly takenAt: Date;
  /** Seats bought then. */
  readonly maxUsers: number;
  /** Seats used then. */
  readonly using: number;
  /** Active users then, system users included. */
  readonly totalActiveUsers: number;
}

/** A range of time, inclusive; either end open. */
export interface TimeRange {
  /** From this time on. */
  readonly from?: Date;
  /** Up to and including this time. */
  readonly to?: Date;
}

/**
 * What can be read and written inside a transaction. Reads see the
 * transaction's own writes. Only the areas in the scope are locked; reads of
 * other areas are allowed but not protected.
 */
export interface SeatTransaction {
  /** The area, or `null`. */
  getArea(areaId: string): Promise<Area | null>;
  /** Creates or replaces an area. */
  putArea(area: Area): Promise<void>;
  /** The organization, or `null`. */
  getOrganization(organizationId: string): Promise<Organization | null>;
  /** Every partner organization of the area. */
  listOrganizations(areaId: string): Promise<readonly Organization[]>;
  /** Creates or replaces an organization. */
  putOrganization(organization: Organization): Promise<void>;
  /** The area's aggregate counts, including this transaction's writes. */
  countUsers(areaId: string): Promise<AreaSeatCounts>;
  /** The user, or `null`. */
  getUser(userId: string): Promise<User | null>;
  /** The user with this username ignoring case, or `null`. */
  findUserByUsername(username: string): Promise<User | null>;
  /** The users with any of these usernames (ignoring case); one query however many. */
  findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]>;
  /** The users with any of these external ids; one query however many. */
  findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]>;
  /**
   * Users of an area blocked for this reason, oldest `blockedAt` first (then by
   * id). Used to activate pending (`license-limit`) users oldest first.
   */
  listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]>;
  /** Inserts new users. Throws `ConflictError` (and writes none) if an id, username or external id is taken. */
  insertUsers(users: readonly User[]): Promise<void>;
  /** Replaces existing users by id. Throws `ConflictError` (and writes none) on a taken username or external id. */
  updateUsers(users: readonly User[]): Promise<void>;
  /** Deletes a user permanently; `false` if there was none. */
  deleteUser(userId: string): Promise<boolean>;
  /** A setting's value, or `null`. */
  getSetting(key: string): Promise<JsonValue | null>;
  /** Sets a setting; `null` removes it. */
  putSetting(key: string, value: JsonValue | null): Promise<void>;
  /** Adds a notification to the outbox; it commits or rolls back with the transaction. */
  enqueueNotification(entry: OutboxEntry): Promise<void>;
  /** Keeps a license change in the history. */
  appendLicenseChange(change: LicenseChangeRecord): Promise<void>;
  /** Keeps a usage snapshot. */
  appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void>;
}

/** The storage seatkeeper runs on. See the module documentation for the rules. */
export interface SeatRepository {
  /**
   * Runs `work` atomically, with the areas in `scope` locked against every
   * other transaction that names them. Resolves to what `work` returns; if
   * `work` throws, nothing it wrote is kept and the error is rethrown.
   */
  transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T>;

  /** The area, or `null`. */
  getArea(areaId: string): Promise<Area | null>;
  /** Every area. */
  listAreas(): Promise<readonly Area[]>;
  /** The organization, or `null`. */
  getOrganization(organizationId: string): Promise<Organization | null>;
  /** Every partner organization, or those of one area. */
  listOrganizations(areaId?: string): Promise<readonly Organization[]>;

  /** The user, or `null`. */
  getUser(userId: string): Promise<User | null>;
  /** The user with this username ignoring case, or `null`. */
  findUserByUsername(username: string): Promise<User | null>;
  /** The users with any of these usernames (ignoring case); one query however many. */
  findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]>;
  /** The users with any of these external ids; one query however many. */
  findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]>;
  /** One page of the users matching `filter`, ordered by username ignoring case. */
  listUsers(filter: UserFilter, page: PageRequest): Promise<UserPage>;

  /** Aggregate counts of these areas (every area when omitted); areas with no user report zeros. */
  countUsers(areaIds?: readonly string[]): Promise<readonly AreaSeatCounts[]>;

  /** A setting's value, or `null`. */
  getSetting(key: string): Promise<JsonValue | null>;

  /**
   * Claims up to `limit` pending notifications due at `now` (oldest first) by
   * moving their `nextAttemptAt` to `leaseUntil`, so another instance does not
   * send them at the same time. Returns the claimed entries as they were before the claim.
   */
  claimDueNotifications(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxEntry[]>;
  /** Records a successful send; the entry is never sent again. */
  markNotificationDelivered(id: string, deliveredAt: Date): Promise<void>;
  /** Records a failed send and when to retry. */
  markNotificationFailed(id: string, failure: { readonly attempts: number; readonly nextAttemptAt: Date; readonly lastError: string }): Promise<void>;
  /** Outbox entries, oldest first, optionally only pending or delivered ones. */
  listNotifications(filter?: { readonly status?: 'pending' | 'delivered' }): Promise<readonly OutboxEntry[]>;

  /** License change history, oldest first, optionally for one area. */
  listLicenseChanges(areaId?: string): Promise<readonly LicenseChangeRecord[]>;
  /** Usage snapshots, oldest first, optionally for one area and a time range. */
  listUsageSnapshots(areaId?: string, range?: TimeRange): Promise<readonly UsageSnapshot[]>;
}
