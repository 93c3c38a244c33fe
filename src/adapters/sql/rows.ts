/**
 * Storage records, kept apart from domain types: the row shapes both SQL
 * repositories (PostgreSQL, MySQL / MariaDB) read, and the mapping to and from
 * `Area`, `Organization`, `User` and the outbox and history records. The two
 * schemas name their columns alike; what differs between the engines is how a
 * timestamp travels, and each engine's statement function writes Date
 * parameters in its own form (`run` for PostgreSQL, `select` / `write` for
 * MySQL). Columns are checked by constraints in the schemas, so the enum casts
 * here hold.
 */
import { usernameKey, type Access, type Area, type AreaKind, type BlockReason, type Organization, type SystemRole, type User, type UserKind, type UserSource, type UserState } from '../../core/schemas.js';
import { userSearchKey } from '../../core/search.js';
import { addToCounts, emptyAreaCounts, type AreaSeatCounts } from '../../core/usage.js';
import type { LicenseNotification } from '../../ports/notifier.js';
import type { LicenseChangeRecord, OutboxEntry, UsageSnapshot } from '../../ports/repository.js';

/**
 * A timestamp column as a driver returns it: a Date, or a string when the host
 * changed the driver's type parsing (`pg` type parsers, mysql2 `dateStrings`).
 */
export type Timestamp = Date | string;

/** A zone at the end of a timestamp string (`Z`, `+02`, `-05:30`). */
const HAS_ZONE = /(?:Z|[+-]\d\d(?::?\d\d)?)$/i;

/**
 * Reads a timestamp column as a Date. A string without a zone (MySQL's
 * `2026-01-01 09:30:00.000`) is UTC: both repositories write UTC.
 */
export function toDate(value: Timestamp): Date {
  if (value instanceof Date) return value;
  return new Date(HAS_ZONE.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

/** Reads a nullable timestamp column. */
export function toDateOrNull(value: Timestamp | null): Date | null {
  return value === null ? null : toDate(value);
}

/** A row of `seatkeeper_areas`. */
export interface AreaRow {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly max_users: number;
  readonly grace_seats: number;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}

/** The columns of `seatkeeper_areas`, in the order {@link areaValues} gives them. */
export const AREA_COLUMNS = 'id, kind, name, max_users, grace_seats, created_at, updated_at';

/** An area from its row. */
export function areaFromRow(row: AreaRow): Area {
  return {
    id: row.id,
    kind: row.kind as AreaKind,
    name: row.name,
    maxUsers: row.max_users,
    graceSeats: row.grace_seats,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** An area's column values, in {@link AREA_COLUMNS} order. */
export function areaValues(area: Area): unknown[] {
  return [area.id, area.kind, area.name, area.maxUsers, area.graceSeats, area.createdAt, area.updatedAt];
}

/** A row of `seatkeeper_organizations`. */
export interface OrganizationRow {
  readonly id: string;
  readonly area_id: string;
  readonly name: string;
  readonly access: string;
  readonly max_users: number | null;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}

/** The columns of `seatkeeper_organizations`, in the order {@link organizationValues} gives them. */
export const ORGANIZATION_COLUMNS = 'id, area_id, name, access, max_users, created_at, updated_at';

/** An organization from its row. */
export function organizationFromRow(row: OrganizationRow): Organization {
  return {
    id: row.id,
    areaId: row.area_id,
    name: row.name,
    access: row.access as Access,
    maxUsers: row.max_users,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** An organization's column values, in {@link ORGANIZATION_COLUMNS} order. */
export function organizationValues(o: Organization): unknown[] {
  return [o.id, o.areaId, o.name, o.access, o.maxUsers, o.createdAt, o.updatedAt];
}

/** A row of `seatkeeper_users`. */
export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly username_key: string;
  readonly email: string | null;
  readonly display_name: string | null;
  readonly external_id: string | null;
  readonly area_id: string;
  readonly organization_id: string | null;
  readonly kind: string;
  readonly system_role: string | null;
  readonly state: string;
  readonly block_reason: string | null;
  readonly blocked_at: Timestamp | null;
  readonly blocked_by: string | null;
  readonly source: string;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
  readonly last_activity_at: Timestamp | null;
}

/**
 * The columns of `seatkeeper_users` a write sets, in the order
 * {@link userValues} gives them. `search_key` is last: it is written, never read.
 */
export const USER_COLUMN_NAMES = [
  'id',
  'username',
  'username_key',
  'email',
  'display_name',
  'external_id',
  'area_id',
  'organization_id',
  'kind',
  'system_role',
  'state',
  'block_reason',
  'blocked_at',
  'blocked_by',
  'source',
  'created_at',
  'updated_at',
  'last_activity_at',
  'search_key',
] as const;

/** The columns of `seatkeeper_users` that make a user, for SELECT lists. */
export const USER_COLUMNS = USER_COLUMN_NAMES.filter((column) => column !== 'search_key').join(', ');

/** Every column of `seatkeeper_users` that a write sets, in {@link USER_COLUMN_NAMES} order. */
export const USER_WRITE_COLUMNS = USER_COLUMN_NAMES.join(', ');

/** A user from its row. */
export function userFromRow(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    externalId: row.external_id,
    areaId: row.area_id,
    organizationId: row.organization_id,
    kind: row.kind as UserKind,
    systemRole: row.system_role as SystemRole | null,
    state: row.state as UserState,
    blockReason: row.block_reason as BlockReason | null,
    blockedAt: toDateOrNull(row.blocked_at),
    blockedBy: row.blocked_by,
    source: row.source as UserSource,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    lastActivityAt: toDateOrNull(row.last_activity_at),
  };
}

/**
 * A user's column values, in {@link USER_COLUMN_NAMES} order. The username key
 * and the search key are computed here by `usernameKey` and `userSearchKey`,
 * the folds every repository shares; the database only compares them, byte
 * for byte.
 */
export function userValues(u: User): unknown[] {
  return [
    u.id,
    u.username,
    usernameKey(u.username),
    u.email,
    u.displayName,
    u.externalId,
    u.areaId,
    u.organizationId,
    u.kind,
    u.systemRole,
    u.state,
    u.blockReason,
    u.blockedAt,
    u.blockedBy,
    u.source,
    u.createdAt,
    u.updatedAt,
    u.lastActivityAt,
    userSearchKey(u),
  ];
}

/** A notification as stored in JSON: `occurredAt` is an ISO 8601 string there. */
type StoredNotification = Omit<LicenseNotification, 'occurredAt'> & { readonly occurredAt: string };

/** A row of `seatkeeper_outbox`: the notification parsed (PostgreSQL's `jsonb`) or as JSON text (MySQL). */
export interface OutboxRow {
  readonly id: string;
  readonly notification: StoredNotification | string;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: Timestamp;
  readonly last_error: string | null;
  readonly created_at: Timestamp;
  readonly delivered_at: Timestamp | null;
}

/** The columns of `seatkeeper_outbox` that make an entry, in the order {@link outboxValues} gives them. */
export const OUTBOX_COLUMNS = 'id, notification, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

/** An outbox entry from its row, with `occurredAt` a Date again. */
export function outboxEntryFromRow(row: OutboxRow): OutboxEntry {
  const notification = typeof row.notification === 'string' ? (JSON.parse(row.notification) as StoredNotification) : row.notification;
  return {
    id: row.id,
    notification: { ...notification, occurredAt: new Date(notification.occurredAt) },
    status: row.status as OutboxEntry['status'],
    attempts: row.attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: toDate(row.created_at),
    deliveredAt: toDateOrNull(row.delivered_at),
  };
}

/** An outbox entry's column values, in {@link OUTBOX_COLUMNS} order; the notification as JSON text. */
export function outboxValues(e: OutboxEntry): unknown[] {
  return [e.id, JSON.stringify(e.notification), e.status, e.attempts, e.nextAttemptAt, e.lastError, e.createdAt, e.deliveredAt];
}

/** A row of `seatkeeper_license_changes`. */
export interface LicenseChangeRow {
  readonly id: string;
  readonly request_id: string | null;
  readonly type: string;
  readonly area_id: string;
  readonly max_users_before: number;
  readonly max_users_after: number;
  readonly applied_at: Timestamp;
  readonly note: string | null;
}

/** The columns of `seatkeeper_license_changes` that make a record. */
export const LICENSE_CHANGE_COLUMNS = 'id, request_id, type, area_id, max_users_before, max_users_after, applied_at, note';

/** A license change from its row. */
export function licenseChangeFromRow(row: LicenseChangeRow): LicenseChangeRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    type: row.type as LicenseChangeRecord['type'],
    areaId: row.area_id,
    maxUsersBefore: row.max_users_before,
    maxUsersAfter: row.max_users_after,
    appliedAt: toDate(row.applied_at),
    note: row.note,
  };
}

/** A license change's column values, in {@link LICENSE_CHANGE_COLUMNS} order. */
export function licenseChangeValues(c: LicenseChangeRecord): unknown[] {
  return [c.id, c.requestId, c.type, c.areaId, c.maxUsersBefore, c.maxUsersAfter, c.appliedAt, c.note];
}

/** A row of `seatkeeper_usage_snapshots`. */
export interface UsageSnapshotRow {
  readonly area_id: string;
  readonly taken_at: Timestamp;
  readonly max_users: number;
  readonly seats_used: number;
  readonly total_active_users: number;
}

/** The columns of `seatkeeper_usage_snapshots` that make a snapshot. */
export const USAGE_SNAPSHOT_COLUMNS = 'area_id, taken_at, max_users, seats_used, total_active_users';

/** A usage snapshot from its row. */
export function usageSnapshotFromRow(row: UsageSnapshotRow): UsageSnapshot {
  return {
    areaId: row.area_id,
    takenAt: toDate(row.taken_at),
    maxUsers: row.max_users,
    using: row.seats_used,
    totalActiveUsers: row.total_active_users,
  };
}

/** A usage snapshot's column values, in {@link USAGE_SNAPSHOT_COLUMNS} order. */
export function usageSnapshotValues(s: UsageSnapshot): unknown[] {
  return [s.areaId, s.takenAt, s.maxUsers, s.using, s.totalActiveUsers];
}

/** A row of the counts statements (`seatkeeper_user_counts`): one group of users of an area. */
export interface CountRow {
  readonly area_id: string;
  /** `null` for the host company, and for an area without users. */
  readonly organization_id: string | null;
  readonly state: UserState | null;
  readonly kind: UserKind | null;
  readonly users: number | null;
}

/**
 * Area counts from count rows, for `areaIds` in that order (every area with a
 * row when `null`): each group is added with `addToCounts`, the one counting
 * rule every repository shares.
 */
export function countsFromRows(rows: readonly CountRow[], areaIds: readonly string[] | null): AreaSeatCounts[] {
  const byArea = new Map<string, AreaSeatCounts>();
  for (const row of rows) {
    const before = byArea.get(row.area_id) ?? emptyAreaCounts(row.area_id);
    // An area without users comes back as one row of nulls from the LEFT JOIN.
    const counted =
      row.kind === null || row.state === null ? before : addToCounts(before, { kind: row.kind, state: row.state, organizationId: row.organization_id }, row.users ?? 0);
    byArea.set(row.area_id, counted);
  }
  return (areaIds ?? [...byArea.keys()]).map((areaId) => byArea.get(areaId) ?? emptyAreaCounts(areaId));
}

/**
 * A statement parameter as the engine takes it: Dates written by `time` (also
 * inside arrays: multi-row VALUES, `unnest` columns), anything else as it is.
 *
 * @param value - the parameter
 * @param time - the engine's timestamp literal
 */
export function timestampsWritten(value: unknown, time: (date: Date) => string): unknown {
  if (value instanceof Date) return time(value);
  return Array.isArray(value) ? value.map((element) => timestampsWritten(element, time)) : value;
}
