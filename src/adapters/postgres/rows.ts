/**
 * Storage records, kept apart from domain types: the row shapes PostgreSQL
 * returns and the mapping to and from `Area`, `Organization`, `User` and the
 * outbox and history records. Columns are checked by constraints in the
 * schema, so the enum casts here hold.
 */
import { usernameKey, type Access, type Area, type AreaKind, type BlockReason, type Organization, type SystemRole, type User, type UserKind, type UserSource, type UserState } from '../../core/schemas.js';
import { userSearchKey } from '../../core/search.js';
import type { LicenseNotification } from '../../ports/notifier.js';
import type { LicenseChangeRecord, OutboxEntry, UsageSnapshot } from '../../ports/repository.js';

/** A timestamp column: `pg` parses `timestamptz` to a Date unless the host changed its type parsers. */
type Timestamp = Date | string;

/** Reads a timestamp column as a Date. */
function toDate(value: Timestamp): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Reads a nullable timestamp column. */
function toDateOrNull(value: Timestamp | null): Date | null {
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
  return [area.id, area.kind, area.name, area.maxUsers, area.graceSeats, area.createdAt.toISOString(), area.updatedAt.toISOString()];
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
  return [o.id, o.areaId, o.name, o.access, o.maxUsers, o.createdAt.toISOString(), o.updatedAt.toISOString()];
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
 * The columns of `seatkeeper_users` with their array types, in the order
 * {@link userColumnArrays} gives them: the shape of a multi-row
 * `unnest($1::text[], ...)` write. `search_key` is last: it is written, never read.
 */
export const USER_COLUMN_TYPES: ReadonlyArray<readonly [column: string, type: string]> = [
  ['id', 'text'],
  ['username', 'text'],
  ['username_key', 'text'],
  ['email', 'text'],
  ['display_name', 'text'],
  ['external_id', 'text'],
  ['area_id', 'text'],
  ['organization_id', 'text'],
  ['kind', 'text'],
  ['system_role', 'text'],
  ['state', 'text'],
  ['block_reason', 'text'],
  ['blocked_at', 'timestamptz'],
  ['blocked_by', 'text'],
  ['source', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['last_activity_at', 'timestamptz'],
  ['search_key', 'text'],
];

/** The columns of `seatkeeper_users` that make a user, for SELECT lists. */
export const USER_COLUMNS = USER_COLUMN_TYPES.flatMap(([column]) => (column === 'search_key' ? [] : [column])).join(', ');

/** Every column of `seatkeeper_users` that a write sets, in {@link USER_COLUMN_TYPES} order. */
export const USER_WRITE_COLUMNS = USER_COLUMN_TYPES.map(([column]) => column).join(', ');

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
 * Users as one array per column (in {@link USER_COLUMN_TYPES} order), so any
 * number of rows is written by one statement with a fixed number of parameters.
 * The username key and the search key are computed here by `usernameKey` and
 * `userSearchKey`, the folds every repository shares.
 */
export function userColumnArrays(users: readonly User[]): unknown[][] {
  const columns: unknown[][] = USER_COLUMN_TYPES.map(() => []);
  for (const u of users) {
    const values = [
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
      u.blockedAt?.toISOString() ?? null,
      u.blockedBy,
      u.source,
      u.createdAt.toISOString(),
      u.updatedAt.toISOString(),
      u.lastActivityAt?.toISOString() ?? null,
      userSearchKey(u),
    ];
    values.forEach((value, index) => columns[index]?.push(value));
  }
  return columns;
}

/** A row of `seatkeeper_outbox`. */
export interface OutboxRow {
  readonly id: string;
  readonly notification: StoredNotification;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: Timestamp;
  readonly last_error: string | null;
  readonly created_at: Timestamp;
  readonly delivered_at: Timestamp | null;
}

/** A notification as stored in jsonb: `occurredAt` is an ISO 8601 string there. */
export type StoredNotification = Omit<LicenseNotification, 'occurredAt'> & { readonly occurredAt: string };

/** The columns of `seatkeeper_outbox` that make an entry. */
export const OUTBOX_COLUMNS = 'id, notification, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

/** An outbox entry from its row, with `occurredAt` a Date again. */
export function outboxEntryFromRow(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    notification: { ...row.notification, occurredAt: new Date(row.notification.occurredAt) },
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
    e.nextAttemptAt.toISOString(),
    e.lastError,
    e.createdAt.toISOString(),
    e.deliveredAt?.toISOString() ?? null,
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
  return [c.id, c.requestId, c.type, c.areaId, c.maxUsersBefore, c.maxUsersAfter, c.appliedAt.toISOString(), c.note];
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
  return [s.areaId, s.takenAt.toISOString(), s.maxUsers, s.using, s.totalActiveUsers];
}
