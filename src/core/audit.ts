/**
 * The audit trail: what an event records, and how one is made from a record
 * as it was and as it is (pure: the service builds events inside the
 * transaction of the change and the repository stores them with it).
 *
 * @module
 */
import { z } from 'zod';
import { idSchema, type Actor, type Area, type Organization, type User } from './schemas.js';

/** Who made a change, as stored: the `id` the host gave and the name, or `null`. */
export interface AuditActor {
  /** The host's id of the person or process, or a system actor's id (see {@link SYSTEM_ACTORS}). */
  readonly id: string;
  /** The name given with the id, or `null`. */
  readonly name: string | null;
}

/** The actors of the library's own work, by path (see {@link SYSTEM_ACTORS}). */
export interface SystemActors {
  /** `seatkeeper`: a direct call that names no actor. */
  readonly seatkeeper: AuditActor;
  /** `directory-sync`: `syncDirectory`, `applyDirectorySync`, `activatePendingDirectoryUsers`. */
  readonly directorySync: AuditActor;
  /** `csv-import`: `importPeopleCsv`, and `createUsers` with `source: 'csv'`. */
  readonly csvImport: AuditActor;
  /** `scim`: the SCIM handler. */
  readonly scim: AuditActor;
  /** `dormant-policy`: `applyDormantUsers`, and a dormant user reinstated when it signs in again. */
  readonly dormantPolicy: AuditActor;
}

/**
 * The actors of the library's own work, named in events when the caller gives
 * no actor: `seatkeeper` (a direct call without one), `directory-sync`
 * (directory sync and pending activation), `csv-import`, `scim` (the SCIM
 * handler) and `dormant-policy` (blocking dormant users, and reinstating one
 * who signs in again).
 */
export const SYSTEM_ACTORS: SystemActors = Object.freeze({
  seatkeeper: Object.freeze({ id: 'seatkeeper', name: null }),
  directorySync: Object.freeze({ id: 'directory-sync', name: null }),
  csvImport: Object.freeze({ id: 'csv-import', name: null }),
  scim: Object.freeze({ id: 'scim', name: null }),
  dormantPolicy: Object.freeze({ id: 'dormant-policy', name: null }),
});

/**
 * The actor to record: the caller's, or the system actor of the path.
 *
 * @param actor - the validated `actor` option, if any
 * @param fallback - the system actor of the path
 * @returns the actor as stored
 */
export function auditActor(actor: Actor | undefined, fallback: AuditActor): AuditActor {
  return actor === undefined ? fallback : { id: actor.id, name: actor.name ?? null };
}

/** What an event is about. */
export type AuditSubjectType = 'user' | 'area' | 'organization' | 'license' | 'setting';

/**
 * What happened:
 * - `user.created`, `user.deleted`;
 * - `user.blocked` (active to blocked, or blocked for another reason),
 *   `user.activated` (blocked to active: `reinstateUser`, a directory sync or
 *   pending activation giving a seat, a dormant user signing in again);
 * - `user.moved` (another area or partner organization), `user.updated` (other fields);
 * - `area.created`, `area.updated` (name, grace seats; a change of licenses is a `license.changed`), `area.deleted` (`retireArea`);
 * - `organization.created`, `organization.updated`, `organization.deleted` (`retireOrganization`);
 * - `license.changed`: an area's `maxUsers` changed, one event per license history record
 *   (a purchase, each half of a move, an override);
 * - `setting.changed`: the responsible person.
 */
export type AuditAction =
  | 'user.created'
  | 'user.updated'
  | 'user.moved'
  | 'user.blocked'
  | 'user.activated'
  | 'user.deleted'
  | 'area.created'
  | 'area.updated'
  | 'area.deleted'
  | 'organization.created'
  | 'organization.updated'
  | 'organization.deleted'
  | 'license.changed'
  | 'setting.changed';

/** A field value as an event keeps it: dates as ISO 8601 strings. */
export type AuditValue = string | number | boolean | null;

/** The fields that changed, by name, each with its value on one side of the change. */
export type AuditFields = { readonly [field: string]: AuditValue };

/** What an event is about: a user, area, organization, license change or setting, by id. */
export interface AuditSubject {
  /** The kind of record. */
  readonly type: AuditSubjectType;
  /** Its id: the user's, area's or organization's id, the license history record's id, or the setting's name. */
  readonly id: string;
}

/**
 * One change, as the audit trail keeps it. Written in the transaction of the
 * change, so the trail never disagrees with the data.
 */
export interface AuditEvent {
  /** Unique; events of the same instant sort by it in the order they were made. */
  readonly id: string;
  /** When the change was made (the injected clock). */
  readonly at: Date;
  /** Who made it. */
  readonly actor: AuditActor;
  /** What happened. */
  readonly action: AuditAction;
  /** What it happened to. */
  readonly subject: AuditSubject;
  /** The user concerned (the subject of a user event), or `null`. Kept when the user is deleted. */
  readonly userId: string | null;
  /** The area concerned: the one the subject is in after the change (before it, for a deletion), or `null` for a setting. */
  readonly areaId: string | null;
  /**
   * The changed fields as they were; `null` for a creation. A deleted user's
   * events keep their ids but lose `username`, `email` and `displayName`.
   */
  readonly before: AuditFields | null;
  /** The changed fields as they are now; `null` for a deletion. */
  readonly after: AuditFields | null;
}

/** The user fields a deletion removes from the user's events: those that name the person. */
export const PERSONAL_FIELDS: readonly string[] = Object.freeze(['username', 'email', 'displayName']);

/** An event without its id and time, which the recorder adds. */
export type AuditEventDraft = Omit<AuditEvent, 'id' | 'at' | 'actor'>;

/** A record's fields as an event keeps them: no id, timestamps or activity. */
type Snapshot = { readonly [field: string]: AuditValue };

/** Fields never recorded: the subject's id, and times that change with every write or sign-in. */
const UNRECORDED: ReadonlySet<string> = new Set(['id', 'createdAt', 'updatedAt', 'lastActivityAt']);

function snapshot(record: object | null, leaveOut: ReadonlySet<string> = new Set()): Snapshot {
  const fields: Record<string, AuditValue> = {};
  if (record === null) return fields;
  for (const [field, value] of Object.entries(record)) {
    if (UNRECORDED.has(field) || leaveOut.has(field)) continue;
    fields[field] = value instanceof Date ? value.toISOString() : (value as AuditValue);
  }
  return fields;
}

/**
 * The fields that differ between two records, on each side. A field missing on
 * one side counts as `null`, and a `null` on both is no change; so a creation
 * lists the fields that have a value.
 *
 * @returns `null` when nothing recorded changed
 */
export function changedFields(
  before: object | null,
  after: object | null,
  leaveOut: ReadonlySet<string> = new Set(),
): { readonly before: AuditFields; readonly after: AuditFields } | null {
  const was = snapshot(before, leaveOut);
  const now = snapshot(after, leaveOut);
  const changedBefore: Record<string, AuditValue> = {};
  const changedAfter: Record<string, AuditValue> = {};
  let changed = false;
  for (const field of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const a = was[field] ?? null;
    const b = now[field] ?? null;
    if (a === b) continue;
    changed = true;
    if (a !== null) changedBefore[field] = a;
    if (b !== null) changedAfter[field] = b;
  }
  return changed ? { before: changedBefore, after: changedAfter } : null;
}

/**
 * The event of a user's change, from the user as it was (`null`: created) and
 * as it is (`null`: deleted), or `null` when no recorded field changed.
 */
export function userAuditEvent(before: User | null, after: User | null): AuditEventDraft | null {
  const user = after ?? before;
  const diff = changedFields(before, after);
  if (user === null || diff === null) return null;
  return {
    action: userAction(before, after),
    subject: { type: 'user', id: user.id },
    userId: user.id,
    areaId: user.areaId,
    before: before === null ? null : diff.before,
    after: after === null ? null : diff.after,
  };
}

function userAction(before: User | null, after: User | null): AuditAction {
  if (before === null) return 'user.created';
  if (after === null) return 'user.deleted';
  if (after.state === 'blocked' && (before.state === 'active' || before.blockReason !== after.blockReason)) return 'user.blocked';
  if (before.state === 'blocked' && after.state === 'active') return 'user.activated';
  if (before.areaId !== after.areaId || before.organizationId !== after.organizationId) return 'user.moved';
  return 'user.updated';
}

const NO_LIMIT: ReadonlySet<string> = new Set(['maxUsers']);

/**
 * The event of an area's creation, change or deletion (`after: null`), or
 * `null` when nothing recorded changed. A creation records every field; a
 * change leaves `maxUsers` out when `licensesRecorded` (a `license.changed`
 * event records it).
 */
export function areaAuditEvent(before: Area | null, after: Area | null, licensesRecorded: boolean): AuditEventDraft | null {
  const area = after ?? before;
  const diff = changedFields(before, after, before !== null && after !== null && licensesRecorded ? NO_LIMIT : new Set());
  if (area === null || diff === null) return null;
  return {
    action: before === null ? 'area.created' : after === null ? 'area.deleted' : 'area.updated',
    subject: { type: 'area', id: area.id },
    userId: null,
    areaId: area.id,
    before: before === null ? null : diff.before,
    after: after === null ? null : diff.after,
  };
}

/** The event of a partner organization's creation, change or deletion (`after: null`), or `null` when nothing recorded changed. */
export function organizationAuditEvent(before: Organization | null, after: Organization | null): AuditEventDraft | null {
  const organization = after ?? before;
  const diff = changedFields(before, after);
  if (organization === null || diff === null) return null;
  return {
    action: before === null ? 'organization.created' : after === null ? 'organization.deleted' : 'organization.updated',
    subject: { type: 'organization', id: organization.id },
    userId: null,
    areaId: organization.areaId,
    before: before === null ? null : diff.before,
    after: after === null ? null : diff.after,
  };
}

/** The event of one license history record: the area's `maxUsers` before and after. */
export function licenseAuditEvent(change: {
  readonly id: string;
  readonly areaId: string;
  readonly maxUsersBefore: number;
  readonly maxUsersAfter: number;
}): AuditEventDraft {
  return {
    action: 'license.changed',
    subject: { type: 'license', id: change.id },
    userId: null,
    areaId: change.areaId,
    before: { maxUsers: change.maxUsersBefore },
    after: { maxUsers: change.maxUsersAfter },
  };
}

/** The event of a setting's change, or `null` when its value did not change. */
export function settingAuditEvent(key: string, field: string, before: AuditValue, after: AuditValue): AuditEventDraft | null {
  if (before === after) return null;
  return {
    action: 'setting.changed',
    subject: { type: 'setting', id: key },
    userId: null,
    areaId: null,
    before: before === null ? {} : { [field]: before },
    after: after === null ? {} : { [field]: after },
  };
}

/**
 * An event with the fields that name a person removed from both sides: what a
 * deletion leaves of the deleted user's events.
 */
export function redactedAuditEvent(event: AuditEvent): AuditEvent {
  const strip = (fields: AuditFields | null): AuditFields | null =>
    fields === null ? null : Object.fromEntries(Object.entries(fields).filter(([field]) => !PERSONAL_FIELDS.includes(field)));
  return { ...event, before: strip(event.before), after: strip(event.after) };
}

/** The most events one `auditLog` page may hold. */
export const MAX_AUDIT_PAGE = 1_000;

/** Options of `auditLog`: which events, and which page. */
export const auditLogOptionsSchema = z.strictObject({
  /** Only the events of this user (kept after the user is deleted). */
  userId: idSchema.optional(),
  /** Only the events of this area (users, partners and licenses in it, and the area itself). */
  areaId: idSchema.optional(),
  /** Only events at or after this time. */
  since: z.date().optional(),
  /** Only events before this time. */
  until: z.date().optional(),
  /** The `next` cursor of the previous page; the first page without it. */
  after: z.string().max(400).optional(),
  /** Events per page, 1 to 1,000. Default 100. */
  limit: z.number().int().min(1).max(MAX_AUDIT_PAGE).optional(),
});
/** Options of `auditLog`. */
export type AuditLogOptions = z.input<typeof auditLogOptionsSchema>;

/** Options of `purgeAuditLog`. */
export const purgeAuditLogOptionsSchema = z.strictObject({
  /** Events strictly before this time are deleted. */
  before: z.date(),
});
/** Options of `purgeAuditLog`. */
export type PurgeAuditLogOptions = z.input<typeof purgeAuditLogOptionsSchema>;

/** A position in a list ordered by time, then id: the keyset of the audit trail and of inactive users. */
export interface TimeCursor {
  /** The time of the last item read. */
  readonly at: Date;
  /** The id of the last item read. */
  readonly id: string;
}

/** Length of `Date#toISOString()` for years 0 to 9999. */
const ISO_LENGTH = 24;

/**
 * A cursor as the public API hands it out: the time in ISO 8601, a `~`, and
 * the id. Readable, and whatever the id holds, split at a fixed position.
 */
export function encodeTimeCursor(cursor: TimeCursor): string {
  return `${cursor.at.toISOString()}~${cursor.id}`;
}

/**
 * A cursor from its text, or `null` when the text is not one.
 *
 * @param text - a cursor from {@link encodeTimeCursor}
 */
export function decodeTimeCursor(text: string): TimeCursor | null {
  if (text.length < ISO_LENGTH + 1 || text[ISO_LENGTH] !== '~') return null;
  const iso = text.slice(0, ISO_LENGTH);
  const at = new Date(iso);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== iso) return null;
  return { at, id: text.slice(ISO_LENGTH + 1) };
}
