/**
 * The audit trail in `seatkeeper_audit_events`: appended in the transaction of
 * the change, listed newest first by keyset on (`at`, `id`), redacted when a
 * user is deleted, purged by age. Every filter is served by an index ending in
 * (`at`, `id`): all events, per user, per area.
 */
import { PERSONAL_FIELDS, type AuditAction, type AuditEvent, type AuditFields, type AuditSubjectType } from '../../core/audit.js';
import type { AuditEventFilter, AuditEventPage, TimePageRequest } from '../../ports/repository.js';
import { run, type Queryable } from './queryable.js';
import type { Tables } from './tables.js';

/** A row of `seatkeeper_audit_events`. */
interface AuditRow {
  readonly id: string;
  readonly at: Date | string;
  readonly actor_id: string;
  readonly actor_name: string | null;
  readonly action: string;
  readonly subject_type: string;
  readonly subject_id: string;
  readonly user_id: string | null;
  readonly area_id: string | null;
  readonly before: AuditFields | null;
  readonly after: AuditFields | null;
}

const AUDIT_COLUMNS = 'id, at, actor_id, actor_name, action, subject_type, subject_id, user_id, area_id, before, after';

/** The record types of `jsonb_to_recordset`, in {@link AUDIT_COLUMNS} order. */
const RECORD_TYPES =
  'id text, at timestamptz, actor_id text, actor_name text, action text, subject_type text, subject_id text, user_id text, area_id text, before jsonb, after jsonb';

function eventFromRow(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: row.at instanceof Date ? row.at : new Date(row.at),
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action as AuditAction,
    subject: { type: row.subject_type as AuditSubjectType, id: row.subject_id },
    userId: row.user_id,
    areaId: row.area_id,
    before: row.before,
    after: row.after,
  };
}

/** An event as a JSON record for `jsonb_to_recordset`. */
function eventRecord(e: AuditEvent): Record<string, unknown> {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor_id: e.actor.id,
    actor_name: e.actor.name,
    action: e.action,
    subject_type: e.subject.type,
    subject_id: e.subject.id,
    user_id: e.userId,
    area_id: e.areaId,
    before: e.before,
    after: e.after,
  };
}

/** Appends events, `batchSize` to a statement: one JSON parameter each, read by `jsonb_to_recordset`. */
export async function insertAuditEvents(db: Queryable, t: Tables, events: readonly AuditEvent[], batchSize: number): Promise<void> {
  for (let start = 0; start < events.length; start += batchSize) {
    const batch = events.slice(start, start + batchSize).map(eventRecord);
    await run(
      db,
      `INSERT INTO ${t.auditEvents} (${AUDIT_COLUMNS}) SELECT ${AUDIT_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_TYPES})`,
      [JSON.stringify(batch)],
      'recording audit events',
    );
  }
}

/** Removes the fields that name a person from a user's events, found by the user index. */
export async function redactAuditEvents(db: Queryable, t: Tables, userId: string): Promise<void> {
  await run(
    db,
    `UPDATE ${t.auditEvents} SET before = before - $2::text[], after = after - $2::text[] WHERE user_id = $1`,
    [userId, PERSONAL_FIELDS],
    "redacting a deleted user's audit events",
  );
}

/** One page of events, newest first. Reads one row more than asked to know whether another page follows. */
export async function selectAuditEvents(db: Queryable, t: Tables, filter: AuditEventFilter, page: TimePageRequest): Promise<AuditEventPage> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.userId !== undefined) conditions.push(`user_id = ${param(filter.userId)}`);
  if (filter.areaId !== undefined) conditions.push(`area_id = ${param(filter.areaId)}`);
  if (filter.since !== undefined) conditions.push(`at >= ${param(filter.since.toISOString())}`);
  if (filter.until !== undefined) conditions.push(`at < ${param(filter.until.toISOString())}`);
  if (page.after !== null) conditions.push(`(at, id) < (${param(page.after.at.toISOString())}::timestamptz, ${param(page.after.id)})`);
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { rows } = await run<AuditRow>(
    db,
    `SELECT ${AUDIT_COLUMNS} FROM ${t.auditEvents} ${where} ORDER BY at DESC, id DESC LIMIT ${param(page.limit + 1)}`,
    values,
    'listing audit events',
  );
  const more = rows.length > page.limit;
  const events = (more ? rows.slice(0, page.limit) : rows).map(eventFromRow);
  const last = events[events.length - 1];
  return { events, next: more && last !== undefined ? { at: last.at, id: last.id } : null };
}

/** Deletes events strictly before `before`; returns how many. */
export async function deleteAuditEvents(db: Queryable, t: Tables, before: Date): Promise<number> {
  return (await run(db, `DELETE FROM ${t.auditEvents} WHERE at < $1`, [before.toISOString()], 'purging audit events')).rowCount;
}
