/**
 * Storage records, kept apart from domain types: the row shapes MySQL returns
 * and the mapping to and from `Area`, `Organization`, `User` and the outbox
 * and history records. Columns are checked by constraints in the schema, so
 * the enum casts here hold.
 */
import { userSearchKey } from '../../core/search.js';
import { usernameKey, type Access, type Area, type AreaKind, type BlockReason, type Organization, type SystemRole, type User, type UserKind, type UserSource, type UserState } from '../../core/schemas.js';
import type { LicenseNotification } from '../../ports/notifier.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, UsageSnapshot } from '../../ports/repository.js';
import { sqlTime, toDate, toDateOrNull } from './queryable.js';

/** A `DATETIME(3)` column as `mysql2` returns it: a Date, or a string when the pool sets `dateStrings`. */
type Timestamp = Date | string;

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
  return [area.id, area.kind, area.name, area.maxUsers, area.graceSeats, sqlTime(area.createdAt), sqlTime(area.updatedAt)];
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
  return [o.id, o.areaId, o.name, o.access, o.maxUsers, sqlTime(o.createdAt), sqlTime(o.updatedAt)];
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

/** The columns of `seatkeeper_users`, in the order {@link userValues} gives them. */
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

/** Every column of `seatkeeper_users`, for SELECT and INSERT lists. */
export const USER_COLUMNS = USER_COLUMN_NAMES.join(', ');

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
 * A user's column values, in {@link USER_COLUMN_NAMES} order: one row of a
 * multi-row INSERT. The username key is computed here by `usernameKey`, the
 * fold every repository shares; the database only compares it, byte for byte.
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
    u.blockedAt === null ? null : sqlTime(u.blockedAt),
    u.blockedBy,
    u.source,
    sqlTime(u.createdAt),
    sqlTime(u.updatedAt),
    u.lastActivityAt === null ? null : sqlTime(u.lastActivityAt),
    userSearchKey(u),
  ];
}

/**
 * A JSON text column as a value. Read it as `CAST(column AS CHAR)` (see
 * {@link jsonText}): MariaDB reports a `LONGTEXT CHECK (JSON_VALID(...))`
 * column as JSON, and `mysql2` would then parse it itself, so that a stored
 * string could not be told from stored JSON text.
 */
export function fromJsonText<T = JsonValue>(value: string): T {
  return JSON.parse(value) as T;
}

/** A JSON column as plain text in a SELECT list, under its own name. */
export function jsonText(column: string): string {
  return `CAST(${column} AS CHAR) AS ${column}`;
}

/** A row of `seatkeeper_outbox`. */
export interface OutboxRow {
  readonly id: string;
  readonly notification: string;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: Timestamp;
  readonly last_error: string | null;
  readonly created_at: Timestamp;
  readonly delivered_at: Timestamp | null;
}

/** A notification as stored in JSON: `occurredAt` is an ISO 8601 string there. */
type StoredNotification = Omit<LicenseNotification, 'occurredAt'> & { readonly occurredAt: string };

/** The columns of `seatkeeper_outbox` that make an entry, in the order {@link outboxValues} gives them. */
export const OUTBOX_COLUMNS = 'id, notification, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

/** {@link OUTBOX_COLUMNS} for a SELECT list: the notification as JSON text. */
export const OUTBOX_SELECT = OUTBOX_COLUMNS.replace('notification', jsonText('notification'));

/** An outbox entry from its row, with `occurredAt` a Date again. */
export function outboxEntryFromRow(row: OutboxRow): OutboxEntry {
  const notification = fromJsonText<StoredNotification>(row.notification);
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
  return [
    e.id,
    JSON.stringify(e.notification),
    e.status,
    e.attempts,
    sqlTime(e.nextAttemptAt),
    e.lastError,
    sqlTime(e.createdAt),
    e.deliveredAt === null ? null : sqlTime(e.deliveredAt),
  ];
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
  return [c.id, c.requestId, c.type, c.areaId, c.maxUsersBefore, c.maxUsersAfter, sqlTime(c.appliedAt), c.note];
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
  return [s.areaId, sqlTime(s.takenAt), s.maxUsers, s.using, s.totalActiveUsers];
}
