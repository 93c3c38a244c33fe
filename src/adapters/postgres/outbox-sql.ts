/**
 * The notification outbox. Entries are enqueued inside the seat transaction
 * that caused them and claimed by any instance with `FOR UPDATE SKIP LOCKED`,
 * so two instances polling at once never claim the same entry.
 */
import type { OutboxEntry } from '../../ports/repository.js';
import { run, type Queryable } from './queryable.js';
import { OUTBOX_COLUMNS, outboxEntryFromRow, outboxValues, type OutboxRow } from '../sql/rows.js';
import type { Tables } from './tables.js';

/** Adds an entry; it commits or rolls back with the caller's transaction. */
export async function insertOutboxEntry(db: Queryable, t: Tables, entry: OutboxEntry): Promise<void> {
  await run(
    db,
    `INSERT INTO ${t.outbox} (${OUTBOX_COLUMNS}) VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8)`,
    outboxValues(entry),
    'enqueueing a notification',
  );
}

/**
 * Claims up to `limit` pending entries due at `now`, oldest first, by moving
 * their `next_attempt_at` to `leaseUntil`; one statement. Rows another
 * instance is claiming at the same moment are skipped, not waited for.
 * Returns the entries as they were before the claim.
 */
export async function claimOutboxEntries(db: Queryable, t: Tables, now: Date, leaseUntil: Date, limit: number): Promise<OutboxEntry[]> {
  const { rows } = await run<OutboxRow & { seq: string }>(
    db,
    `UPDATE ${t.outbox} o SET next_attempt_at = $2
       FROM (
         SELECT id, next_attempt_at AS claimed_from FROM ${t.outbox}
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY created_at, seq
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       ) due
      WHERE o.id = due.id
      RETURNING o.id, o.notification, o.status, o.attempts, due.claimed_from AS next_attempt_at,
                o.last_error, o.created_at, o.delivered_at, o.seq`,
    [now.toISOString(), leaseUntil.toISOString(), limit],
    'claiming notifications',
  );
  // RETURNING has no order of its own: restore oldest first.
  const ordered = [...rows].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || Number(BigInt(a.seq) - BigInt(b.seq)));
  return ordered.map(outboxEntryFromRow);
}

/** Records a successful send. */
export async function markOutboxDelivered(db: Queryable, t: Tables, id: string, deliveredAt: Date): Promise<void> {
  await run(db, `UPDATE ${t.outbox} SET status = 'delivered', delivered_at = $2 WHERE id = $1`, [id, deliveredAt.toISOString()], 'recording a delivery');
}

/** Records a failed send; a delivered entry stays delivered. */
export async function markOutboxFailed(
  db: Queryable,
  t: Tables,
  id: string,
  failure: { readonly attempts: number; readonly nextAttemptAt: Date; readonly lastError: string },
): Promise<void> {
  await run(
    db,
    `UPDATE ${t.outbox} SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1 AND status = 'pending'`,
    [id, failure.attempts, failure.nextAttemptAt.toISOString(), failure.lastError],
    'recording a failed delivery',
  );
}

/** Entries oldest first, optionally only pending or delivered ones. */
export async function selectOutboxEntries(db: Queryable, t: Tables, status?: 'pending' | 'delivered'): Promise<OutboxEntry[]> {
  const { rows } =
    status === undefined
      ? await run<OutboxRow>(db, `SELECT ${OUTBOX_COLUMNS} FROM ${t.outbox} ORDER BY created_at, seq`, [], 'listing notifications')
      : await run<OutboxRow>(db, `SELECT ${OUTBOX_COLUMNS} FROM ${t.outbox} WHERE status = $1 ORDER BY created_at, seq`, [status], 'listing notifications');
  return rows.map(outboxEntryFromRow);
}

/** Deletes delivered entries delivered strictly before `deliveredBefore`; pending ones stay. Returns how many. */
export async function purgeOutboxEntries(db: Queryable, t: Tables, deliveredBefore: Date): Promise<number> {
  const { rowCount } = await run(
    db,
    `DELETE FROM ${t.outbox} WHERE status = 'delivered' AND delivered_at < $1`,
    [deliveredBefore.toISOString()],
    'purging delivered notifications',
  );
  return rowCount;
}
