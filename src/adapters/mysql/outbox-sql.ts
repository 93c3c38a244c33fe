/**
 * The notification outbox. Entries are enqueued inside the seat transaction
 * that caused them and claimed by any instance with `FOR UPDATE SKIP LOCKED`
 * (MySQL 8.0.1+, MariaDB 10.6+), so two instances polling at once never claim
 * the same entry.
 */
import type { OutboxEntry } from '../../ports/repository.js';
import { select, sqlTime, write, type Queryable } from './queryable.js';
import { OUTBOX_COLUMNS, outboxEntryFromRow, outboxValues, type OutboxRow } from '../sql/rows.js';
import { OUTBOX_SELECT } from './rows.js';
import type { Tables } from './tables.js';

/** Adds an entry; it commits or rolls back with the caller's transaction. */
export async function insertOutboxEntry(db: Queryable, t: Tables, entry: OutboxEntry): Promise<void> {
  await write(db, `INSERT INTO ${t.outbox} (${OUTBOX_COLUMNS}) VALUES (?)`, [outboxValues(entry)], 'enqueueing a notification');
}

/**
 * Locks up to `limit` pending entries due at `now`, oldest first, skipping
 * rows another instance is claiming at the same moment instead of waiting for
 * them. Run inside a transaction, followed by {@link leaseOutboxEntries}.
 */
export async function selectDueOutboxEntries(db: Queryable, t: Tables, now: Date, limit: number): Promise<OutboxEntry[]> {
  const rows = await select<OutboxRow>(
    db,
    `SELECT ${OUTBOX_SELECT} FROM ${t.outbox}
     WHERE status = 'pending' AND next_attempt_at <= ?
     ORDER BY created_at, seq
     LIMIT ?
     FOR UPDATE SKIP LOCKED`,
    [sqlTime(now), limit],
    'claiming notifications',
  );
  return rows.map(outboxEntryFromRow);
}

/** Moves the claimed entries' next attempt to the end of the lease. */
export async function leaseOutboxEntries(db: Queryable, t: Tables, ids: readonly string[], leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await write(db, `UPDATE ${t.outbox} SET next_attempt_at = ? WHERE id IN (?)`, [sqlTime(leaseUntil), ids], 'claiming notifications');
}

/** Records a successful send. */
export async function markOutboxDelivered(db: Queryable, t: Tables, id: string, deliveredAt: Date): Promise<void> {
  await write(db, `UPDATE ${t.outbox} SET status = 'delivered', delivered_at = ? WHERE id = ?`, [sqlTime(deliveredAt), id], 'recording a delivery');
}

/** Deletes delivered entries delivered before `deliveredBefore`; pending ones are never deleted. Returns how many went. */
export async function purgeOutboxEntries(db: Queryable, t: Tables, deliveredBefore: Date): Promise<number> {
  const result = await write(db, `DELETE FROM ${t.outbox} WHERE status = 'delivered' AND delivered_at < ?`, [sqlTime(deliveredBefore)], 'purging delivered notifications');
  return result.affectedRows;
}

/** Records a failed send; a delivered entry stays delivered. */
export async function markOutboxFailed(
  db: Queryable,
  t: Tables,
  id: string,
  failure: { readonly attempts: number; readonly nextAttemptAt: Date; readonly lastError: string },
): Promise<void> {
  await write(
    db,
    `UPDATE ${t.outbox} SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
    [failure.attempts, sqlTime(failure.nextAttemptAt), failure.lastError, id],
    'recording a failed delivery',
  );
}

/** Entries oldest first, optionally only pending or delivered ones. */
export async function selectOutboxEntries(db: Queryable, t: Tables, status?: 'pending' | 'delivered'): Promise<OutboxEntry[]> {
  const rows =
    status === undefined
      ? await select<OutboxRow>(db, `SELECT ${OUTBOX_SELECT} FROM ${t.outbox} ORDER BY created_at, seq`, [], 'listing notifications')
      : await select<OutboxRow>(db, `SELECT ${OUTBOX_SELECT} FROM ${t.outbox} WHERE status = ? ORDER BY created_at, seq`, [status], 'listing notifications');
  return rows.map(outboxEntryFromRow);
}
