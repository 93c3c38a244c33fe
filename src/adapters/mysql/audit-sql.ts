/**
 * The audit trail in `seatkeeper_audit_events`: appended in the transaction of
 * the change, listed newest first by keyset on (`occurred_at`, `id`), redacted
 * when a user is deleted, purged by age. Every filter is served by a key
 * ending in (`occurred_at`, `id`): all events, per user, per area. The changed
 * fields are JSON text (`before_fields`, `after_fields`: `BEFORE` and `AFTER`
 * are reserved words).
 */
import { PERSONAL_FIELDS, type AuditAction, type AuditEvent, type AuditFields, type AuditSubjectType } from '../../core/audit.js';
import type { AuditEventFilter, AuditEventPage, TimePageRequest } from '../../ports/repository.js';
import { toDate } from '../sql/rows.js';
import { select, sqlTime, write, type Queryable } from './queryable.js';
import { fromJsonText, jsonText } from './rows.js';
import type { Tables } from './tables.js';

/** A row of `seatkeeper_audit_events`, JSON columns read as text. */
interface AuditRow {
  readonly id: string;
  readonly occurred_at: Date | string;
  readonly actor_id: string;
  readonly actor_name: string | null;
  readonly action: string;
  readonly subject_type: string;
  readonly subject_id: string;
  readonly user_id: string | null;
  readonly area_id: string | null;
  readonly before_fields: string | null;
  readonly after_fields: string | null;
}

const AUDIT_COLUMNS = 'id, occurred_at, actor_id, actor_name, action, subject_type, subject_id, user_id, area_id, before_fields, after_fields';

/** The SELECT list: JSON columns as text, so that `mysql2` hands over the text as stored. */
const AUDIT_SELECT = `id, occurred_at, actor_id, actor_name, action, subject_type, subject_id, user_id, area_id, ${jsonText('before_fields')}, ${jsonText('after_fields')}`;

function eventFromRow(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: toDate(row.occurred_at),
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action as AuditAction,
    subject: { type: row.subject_type as AuditSubjectType, id: row.subject_id },
    userId: row.user_id,
    areaId: row.area_id,
    before: row.before_fields === null ? null : fromJsonText<AuditFields>(row.before_fields),
    after: row.after_fields === null ? null : fromJsonText<AuditFields>(row.after_fields),
  };
}

function eventValues(e: AuditEvent): unknown[] {
  return [
    e.id,
    sqlTime(e.at),
    e.actor.id,
    e.actor.name,
    e.action,
    e.subject.type,
    e.subject.id,
    e.userId,
    e.areaId,
    e.before === null ? null : JSON.stringify(e.before),
    e.after === null ? null : JSON.stringify(e.after),
  ];
}

/** Appends events, `batchSize` to a multi-row INSERT. */
export async function insertAuditEvents(db: Queryable, t: Tables, events: readonly AuditEvent[], batchSize: number): Promise<void> {
  for (let start = 0; start < events.length; start += batchSize) {
    const rows = events.slice(start, start + batchSize).map(eventValues);
    await write(db, `INSERT INTO ${t.auditEvents} (${AUDIT_COLUMNS}) VALUES ?`, [rows], 'recording audit events');
  }
}

/** `'$.username', '$.email', ...`: the JSON paths of the fields that name a person. */
const PERSONAL_PATHS = PERSONAL_FIELDS.map((field) => `'$.${field}'`).join(', ');

/** Removes the fields that name a person from a user's events, found by the user key (a missing path is no error). */
export async function redactAuditEvents(db: Queryable, t: Tables, userId: string): Promise<void> {
  await write(
    db,
    `UPDATE ${t.auditEvents} SET before_fields = JSON_REMOVE(before_fields, ${PERSONAL_PATHS}), after_fields = JSON_REMOVE(after_fields, ${PERSONAL_PATHS})
     WHERE user_id = ?`,
    [userId],
    "redacting a deleted user's audit events",
  );
}

/** One page of events, newest first. Reads one row more than asked to know whether another page follows. */
export async function selectAuditEvents(db: Queryable, t: Tables, filter: AuditEventFilter, page: TimePageRequest): Promise<AuditEventPage> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (filter.userId !== undefined) {
    conditions.push('user_id = ?');
    values.push(filter.userId);
  }
  if (filter.areaId !== undefined) {
    conditions.push('area_id = ?');
    values.push(filter.areaId);
  }
  if (filter.since !== undefined) {
    conditions.push('occurred_at >= ?');
    values.push(sqlTime(filter.since));
  }
  if (filter.until !== undefined) {
    conditions.push('occurred_at < ?');
    values.push(sqlTime(filter.until));
  }
  if (page.after !== null) {
    // Spelled out rather than as a row comparison, so the key's range is used on every server.
    conditions.push('(occurred_at < ? OR (occurred_at = ? AND id < ?))');
    const at = sqlTime(page.after.at);
    values.push(at, at, page.after.id);
  }
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const rows = await select<AuditRow>(
    db,
    `SELECT ${AUDIT_SELECT} FROM ${t.auditEvents} ${where} ORDER BY occurred_at DESC, id DESC LIMIT ?`,
    [...values, page.limit + 1],
    'listing audit events',
  );
  const more = rows.length > page.limit;
  const events = (more ? rows.slice(0, page.limit) : rows).map(eventFromRow);
  const last = events[events.length - 1];
  return { events, next: more && last !== undefined ? { at: last.at, id: last.id } : null };
}

/** Deletes events strictly before `before`; returns how many. */
export async function deleteAuditEvents(db: Queryable, t: Tables, before: Date): Promise<number> {
  return (await write(db, `DELETE FROM ${t.auditEvents} WHERE occurred_at < ?`, [sqlTime(before)], 'purging audit events')).affectedRows;
}
