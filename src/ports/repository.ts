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
 * - **Unique keys.** Usernames are unique site-wide by their key
 *   (`usernameKey`: case, width and Unicode composition ignored), external ids
 *   are unique when set; a write that breaks either throws `ConflictError`.
 * - **Not found is `null`**, never a throw. All methods are async.
 * - **Values, not references.** Records are copied on write and on read:
 *   changing an object passed in or handed out never changes storage.
 * - **One connection per transaction.** Nothing called inside `work` may
 *   need a second connection from a pool while the transaction holds one.
 * - **The audit trail commits with the change.** The service appends the
 *   events of a transaction's changes through it (`appendAuditEvents`), so they
 *   are kept exactly when the change is.
 * - **Activity only moves forward.** A user's `lastActivityAt` is set by
 *   `recordActivity` outside any transaction; a write never moves it back.
 *
 * A change to this interface is a semver-major change.
 *
 * @module
 */
import type { AuditEvent, TimeCursor } from '../core/audit.js';
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
  /**
   * Pass as `after` to read the next page; `null` when no user matching the
   * filter follows (so a full page is never followed by an empty one). It is
   * the username key of the last user: a cursor stays valid while users are
   * added, changed or deleted, and the next page starts right after it.
   */
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
  /**
   * `add` (a purchase), `move` (between areas) or `set` (an explicit override
   * by `setAreaLicenses`; records written by earlier versions: `defineArea`
   * changed the limit).
   */
  readonly type: 'add' | 'move' | 'set';
  /** The area whose limit changed. */
  readonly areaId: string;
  /** `maxUsers` before. */
  readonly maxUsersBefore: number;
  /** `maxUsers` after. */
  readonly maxUsersAfter: number;
  /** When it was applied. */
  readonly appliedAt: Date;
  /** Free text: the vendor's order number of a purchase, the reason given for a `set`. */
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
 * Which audit events to list. Every field narrows the list; the service
 * validates them.
 */
export interface AuditEventFilter {
  /** Only events whose `userId` is this. */
  readonly userId?: string | undefined;
  /** Only events whose `areaId` is this. */
  readonly areaId?: string | undefined;
  /** Only events at or after this time. */
  readonly since?: Date | undefined;
  /** Only events strictly before this time. */
  readonly until?: Date | undefined;
}

/** A request for one page of a list ordered by time, then id (see {@link TimeCursor}). */
export interface TimePageRequest {
  /** The cursor returned with the previous page (the last item's time and id); `null` for the first page. */
  readonly after: TimeCursor | null;
  /** At most this many items, at least 1. */
  readonly limit: number;
}

/** One page of audit events, newest first. */
export interface AuditEventPage {
  /** The events: `at` descending, then `id` descending. */
  readonly events: readonly AuditEvent[];
  /** The last event's time and id when another event follows; `null` exactly when none does. */
  readonly next: TimeCursor | null;
}

/** Which users `listInactiveUsers` lists. */
export interface InactiveUserFilter {
  /** Users last seen (their `lastActivityAt`, or their `createdAt` when later or without activity) strictly before this time. */
  readonly before: Date;
  /** Only users of these areas; `null` for every area. */
  readonly areaIds: readonly string[] | null;
}

/** One page of inactive users, least recently seen first. */
export interface InactiveUserPage {
  /** The users, ordered by when they were last seen, then by id. */
  readonly users: readonly User[];
  /** The last user's last-seen time and id when another user follows; `null` exactly when none does. */
  readonly next: TimeCursor | null;
}

/**
 * The most keys the service passes to one `findUsersByUsernames` or
 * `findUsersByExternalIds` call: it splits larger look-ups itself, so a store
 * never has to take 100,000 keys in one query.
 */
export const MAX_KEYS_PER_LOOKUP = 5_000;

/**
 * The reads a repository and a transaction share. Through a transaction they
 * see its own writes and run on its connection (a SQL store must never need a
 * second connection while a transaction holds one); through the repository
 * they read committed data and take no lock. Every method returns copies and
 * resolves `null` (never throws) for something missing.
 */
export interface SeatReader {
  /**
   * The area, or `null`. Called by every seat decision, inside the
   * transaction that locks the area, and by read-only queries outside one.
   */
  getArea(areaId: string): Promise<Area | null>;
  /** Every area. Called by `summary()`, directory sync planning and the one-primary-area check. */
  listAreas(): Promise<readonly Area[]>;
  /** The organization, or `null`. Called when a partner is defined or looked up. */
  getOrganization(organizationId: string): Promise<Organization | null>;
  /**
   * Every partner organization, or those of one area. Called by every seat
   * decision (for the area being decided, under its lock) and by the summaries.
   */
  listOrganizations(areaId?: string): Promise<readonly Organization[]>;
  /** The user, or `null`. Called inside the transaction that locks the user's area before every change to it. */
  getUser(userId: string): Promise<User | null>;
  /**
   * The users whose usernames have the same key (`usernameKey`) as any of
   * these. Called with at most {@link MAX_KEYS_PER_LOOKUP} names: by the
   * uniqueness check of a create or rename (under the area's lock) and by
   * batch planning (with or without a lock). One query per call.
   */
  findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]>;
  /** The users with any of these external ids. Called like {@link SeatReader.findUsersByUsernames}, with at most {@link MAX_KEYS_PER_LOOKUP} ids. */
  findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]>;
  /**
   * Users of an area blocked for this reason, oldest `blockedAt` first (then
   * by id), at most `limit`. Called to activate pending (`license-limit`)
   * users oldest first, inside the transaction that locks the area.
   */
  listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]>;
  /**
   * Aggregate counts of these areas (every area when omitted), in the order
   * asked; an area with no user reports zeros. A maintained counter or one
   * `GROUP BY` on indexed columns, never a scan that loads users. Called by
   * every seat decision, under the area's lock, and by the summaries.
   */
  countUsers(areaIds?: readonly string[]): Promise<readonly AreaSeatCounts[]>;
  /** A setting's value, or `null`. Called for the responsible person and each area's notification state. */
  getSetting(key: string): Promise<JsonValue | null>;
}

/**
 * What can be read and written inside a transaction. Only the areas in the
 * scope are locked; reads of other areas are allowed but not protected.
 * Writes take copies of what they are given.
 */
export interface SeatTransaction extends SeatReader {
  /** Creates or replaces an area. Called by `defineArea`, license changes and `setAreaLicenses`, with the area locked. */
  putArea(area: Area): Promise<void>;
  /** Creates or replaces an organization. Called by `defineOrganization`, with its area (and the area it leaves) locked. */
  putOrganization(organization: Organization): Promise<void>;
  /**
   * Deletes an area record; `false` if there was none. Called by
   * `retireArea`, with the area locked, once no user and no partner
   * organization is left in it (the service moved or blocked them first in the
   * same transaction): an implementation need not check, and must not delete
   * users. It may drop what it keeps per area beside the record (a counter row
   * at zero); the license history and usage snapshots of the area stay.
   * Afterwards `getArea` and `listAreas`, through this transaction and once
   * committed, no longer return it.
   */
  deleteArea(areaId: string): Promise<boolean>;
  /**
   * Deletes a partner organization record; `false` if there was none. Called
   * by `retireOrganization`, with the organization's area locked, once no user
   * of the organization is left (the service moved its users to another
   * organization or to the host company first, in the same transaction).
   * Afterwards `getOrganization` and `listOrganizations` no longer return it.
   */
  deleteOrganization(organizationId: string): Promise<boolean>;
  /**
   * Inserts new users, with their areas locked. Throws `ConflictError` (and
   * writes none) if an id, username key or external id is taken. Stores
   * `lastActivityAt` as given.
   */
  insertUsers(users: readonly User[]): Promise<void>;
  /**
   * Replaces existing users by id, with the areas they leave and enter locked.
   * Throws `ConflictError` (and writes none) on a taken username key or external id.
   * `lastActivityAt` becomes the later of the stored and the given value: a
   * user read before a concurrent `recordActivity` must not undo it.
   */
  updateUsers(users: readonly User[]): Promise<void>;
  /** Deletes a user permanently, with its area locked; `false` if there was none. */
  deleteUser(userId: string): Promise<boolean>;
  /** Sets a setting; `null` removes it. */
  putSetting(key: string, value: JsonValue | null): Promise<void>;
  /** Adds a notification to the outbox; it commits or rolls back with the transaction. */
  enqueueNotification(entry: OutboxEntry): Promise<void>;
  /** Keeps a license change in the history. */
  appendLicenseChange(change: LicenseChangeRecord): Promise<void>;
  /** Keeps a usage snapshot. */
  appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void>;
  /**
   * Keeps audit events; they commit or roll back with the transaction. Called
   * once at the end of every write transaction of the service (`inAreaTransaction`)
   * that changed something, under the locks it holds, with the events of its
   * changes (any number). Ids are unique; `at` is the time of the change.
   */
  appendAuditEvents(events: readonly AuditEvent[]): Promise<void>;
  /**
   * Removes `username`, `email` and `displayName` from the `before` and `after`
   * of every audit event whose `userId` is this, those appended earlier in this
   * transaction included; the events stay, with their ids. Called by
   * `deleteUser`, under the lock of the user's area, in the transaction that
   * deletes the user and appends its `user.deleted` event (so that event is
   * redacted too). Reads by an index on the user id, never every event.
   */
  redactAuditEvents(userId: string): Promise<void>;
}

/** The storage seatkeeper runs on. See the module documentation for the rules. */
export interface SeatRepository extends SeatReader {
  /**
   * Runs `work` atomically, with the areas in `scope` locked against every
   * other transaction that names them. Resolves to what `work` returns; if
   * `work` throws, nothing it wrote is kept and the error is rethrown.
   */
  transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T>;

  /**
   * One page of the users matching `filter`, ordered by username key, then id.
   * Called by `listUsers` and the People export, outside any transaction; a
   * page costs the same however deep it lies (keyset paging: the cursor is a
   * username key, never an offset).
   *
   * Every field of the filter narrows the list. `search` matches users whose
   * stored search key (`userSearchKey(user)`, recomputed on every insert and
   * update) contains `searchKey(search)`; an empty fold matches everyone.
   * Serve each filter from an index (docs/repositories.md, "Finding people").
   */
  listUsers(filter: UserFilter, page: PageRequest): Promise<UserPage>;

  /**
   * Claims up to `limit` pending notifications due at `now` (oldest first) by
   * moving their `nextAttemptAt` to `leaseUntil`, so another instance does not
   * send them at the same time. Returns the claimed entries as they were before
   * the claim. Called by background delivery, outside any transaction.
   */
  claimDueNotifications(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxEntry[]>;
  /** Records a successful send; the entry is never sent again. */
  markNotificationDelivered(id: string, deliveredAt: Date): Promise<void>;
  /** Records a failed send and when to retry. */
  markNotificationFailed(id: string, failure: { readonly attempts: number; readonly nextAttemptAt: Date; readonly lastError: string }): Promise<void>;
  /** Outbox entries, oldest first, optionally only pending or delivered ones. */
  listNotifications(filter?: { readonly status?: 'pending' | 'delivered' }): Promise<readonly OutboxEntry[]>;
  /**
   * Deletes every delivered outbox entry whose `deliveredAt` is strictly
   * before `deliveredBefore`, and returns how many it deleted. Pending entries
   * are never deleted, however old. Called by `purgeNotifications` (a host's
   * retention schedule), outside any transaction and without a lock: an entry
   * delivered meanwhile is purged by a later call.
   */
  purgeNotifications(deliveredBefore: Date): Promise<number>;

  /**
   * Optional. Pairs of stored users whose usernames have the same key
   * (`usernameKey`) although the unique key rule should have kept them apart:
   * data written before the rule changed (a store that kept an older fold of
   * the username must not rename anyone when it moves to the new one; it keeps
   * the newer user of each pair under a distinct legacy key instead). Each pair
   * is the user holding the name, then the other. Called by `diagnose()`,
   * outside any transaction; it must not load every user (read only the
   * legacy-keyed ones, by an index, and their holders).
   *
   * A store whose key index has always been built with `usernameKey` (the
   * in-memory one) never has such pairs and may leave this out.
   * `PostgresSeatRepository` implements it for sites migrated from an earlier schema version.
   */
  findUsernameCollisions?(): Promise<readonly (readonly [User, User])[]>;

  /**
   * One page of audit events matching `filter`, newest first (`at`
   * descending, then `id` descending), continuing after `page.after`. Called
   * by `auditLog` and the audit CSV export, outside any transaction. Each
   * filter is served by an index ending in (`at`, `id`): a page costs the same
   * however deep it lies.
   */
  listAuditEvents(filter: AuditEventFilter, page: TimePageRequest): Promise<AuditEventPage>;
  /**
   * Deletes every audit event strictly before `before` and returns how many it
   * deleted. Called by `purgeAuditLog` (a host's retention schedule), outside
   * any transaction and without a lock.
   */
  purgeAuditEvents(before: Date): Promise<number>;

  /**
   * Sets the user's `lastActivityAt` to the later of its stored value and
   * `at` (last write wins, never backwards) and returns the user as stored
   * afterwards, or `null` when there is no such user. Nothing else changes
   * (not `updatedAt`). Called by `recordActivity` on every sign-in, outside
   * any transaction and without an area lock: one write, and as few round
   * trips as the store allows (PostgreSQL: one `UPDATE ... RETURNING`; MySQL:
   * an `UPDATE` and a `SELECT`). It must not wait for a lock on the user's
   * area; it may wait for a write to the same user row in flight.
   */
  recordActivity(userId: string, at: Date): Promise<User | null>;
  /**
   * One page of the active licensed users last seen strictly before
   * `filter.before`: their `lastActivityAt`, or their `createdAt` when that is
   * later or there is no activity. Ordered by that time, then id (least
   * recently seen first), continuing after `page.after`. Called by
   * `planDormantUsers`, outside any transaction. It must not load every user:
   * a SQL store reads an index on the last-seen time of active licensed users.
   */
  listInactiveUsers(filter: InactiveUserFilter, page: TimePageRequest): Promise<InactiveUserPage>;

  /** License change history, oldest first, optionally for one area. */
  listLicenseChanges(areaId?: string): Promise<readonly LicenseChangeRecord[]>;
  /** Usage snapshots, oldest first, optionally for one area and a time range. */
  listUsageSnapshots(areaId?: string, range?: TimeRange): Promise<readonly UsageSnapshot[]>;
}
