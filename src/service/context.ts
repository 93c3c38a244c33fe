import type { Duration } from 'date-fns';
import { auditActor, SYSTEM_ACTORS, type AuditActor } from '../core/audit.js';
import type { Actor } from '../core/schemas.js';
import type { WarningThresholds } from '../core/warning-thresholds.js';
import type { Clock } from '../ports/clock.js';
import type { LicenseNotification, Notifier } from '../ports/notifier.js';
import type { SeatRepository, SeatTransaction } from '../ports/repository.js';
import type { SeatRefusal } from '../core/seat-policy.js';
import { AuditedTransaction } from './audit-trail.js';

/**
 * Something that happened to an area's seats inside a transaction, reported to
 * the {@link SeatWatch} so it can tell the responsible person.
 */
export interface SeatEvent {
  /** What was attempted, in words that name no user, e.g. `create a user` (notifications never keep a person's name). */
  readonly attempted: string;
  /** Set when a seat was refused. */
  readonly refusal?: SeatRefusal;
  /** How many directory users were created or kept blocked waiting for a seat. */
  readonly waitingForSeat?: number;
  /**
   * For a refused batch that wrote nothing (an all-or-nothing import): the new
   * seats it wanted in the area and how many of them were short, so the
   * notification's figures describe the area as it is, not as the batch would
   * have left it.
   */
  readonly wanted?: { readonly seats: number; readonly short: number };
}

/** A notification whose send failed or timed out. */
export interface DeliveryFailure {
  /** The outbox entry's id (the notification's id). */
  readonly id: string;
  /** What went wrong, e.g. the notifier's error message or the timeout. */
  readonly error: string;
}

/** What one delivery run did. */
export interface DeliveryReport {
  /** Reminders enqueued by the scheduled check of areas in an episode. */
  readonly reminders: number;
  /** Ids of the notifications sent successfully. */
  readonly delivered: readonly string[];
  /** The notifications whose send failed or timed out; they stay in the outbox and are retried with backoff. */
  readonly failed: readonly DeliveryFailure[];
}

/**
 * Watches seat changes for notifications and peaks. `observe` runs inside the
 * area's transaction, after the write (or refusal), so what it enqueues
 * commits with the change; `afterCommit` runs once the transaction is over,
 * returns at once and never throws: delivery happens in the background.
 */
export interface SeatWatch {
  /** Called inside the area's transaction after every seat-affecting write or refusal in `areaId`. */
  observe(tx: SeatTransaction, areaId: string, event: SeatEvent): Promise<void>;
  /**
   * Called after the transaction ended (committed or not), with the transaction
   * when there was one. Starts delivery of what is due in the background (one
   * run in flight per instance; a call during a run asks for one more after
   * it) and returns without waiting for the notifier. Never throws.
   */
  afterCommit(transaction?: SeatTransaction): void;
  /**
   * Sends due reminders, then, once the delivery run in flight has finished,
   * delivers every due outbox entry and reports. Never throws for a notifier
   * failure. Optional so that a watch written for a test (recording events
   * only) stays valid; without it there is nothing to deliver.
   */
  deliverPending?(): Promise<DeliveryReport>;
  /** Resolves once no delivery run is in flight (nor asked for by one). Optional, as `deliverPending`. */
  settle?(): Promise<void>;
  /**
   * Tells the responsible person something other than a seat event (the
   * summary of a dormant-user run): inside the transaction, reads who that is,
   * composes the notification for them and enqueues it, so it commits with the
   * change and is delivered after. Nothing when no responsible person is set.
   * Optional, as `deliverPending`: without it nothing is told.
   *
   * @returns whether a notification was enqueued
   */
  notify?(tx: SeatTransaction, compose: (to: string) => LicenseNotification): Promise<boolean>;
}

/** Notification settings, resolved to their defaults. */
export interface ResolvedNotificationOptions {
  /** Repeat the limit notification this often during an episode; `null` for never. */
  readonly reminderEvery: Duration | null;
  /** How long one send may take before its signal aborts and it counts as failed, in milliseconds; a claim's lease is one minute longer. */
  readonly timeoutMs: number;
  /** The delay before the first retry, in milliseconds; it doubles with every failure. */
  readonly firstRetryDelayMs: number;
  /** The longest delay between retries, in milliseconds. */
  readonly maxRetryDelayMs: number;
  /** Whether to send early warnings when an area crosses into `warning`. */
  readonly warnings: boolean;
}

/** The notification settings used when none are given. */
export const DEFAULT_NOTIFICATION_OPTIONS: ResolvedNotificationOptions = Object.freeze({
  reminderEvery: null,
  timeoutMs: 10_000,
  firstRetryDelayMs: 60_000,
  maxRetryDelayMs: 3_600_000,
  warnings: false,
});

/**
 * Options every capability reads, resolved to their defaults by
 * `createSeatkeeper`. The notification fields are optional so that contexts
 * built by hand in tests stay valid; read them through `resolveThresholds` and
 * `DEFAULT_NOTIFICATION_OPTIONS`.
 */
export interface ResolvedOptions {
  /** Warn when fewer than this share of seats is left (used when no tier table is set). */
  readonly warningPercent: number;
  /**
   * When an area counts as `warning`: `warnings.thresholds`, else `warningPercent`.
   * Pass the options to `areaUsage` (or `resolveThresholds(options)` to `seatStatus`) so every status agrees.
   */
  readonly warningThresholds?: WarningThresholds;
  /** The smallest purchase a license request may ask for. */
  readonly minimumPurchase: number;
  /** Notification settings; `DEFAULT_NOTIFICATION_OPTIONS` when absent. */
  readonly notifications?: ResolvedNotificationOptions;
}

/** What every service capability is built from. Internal: hosts use `createSeatkeeper`. */
export interface ServiceContext {
  readonly repository: SeatRepository;
  readonly clock: Clock;
  readonly notifier: Notifier | undefined;
  readonly newId: () => string;
  readonly options: ResolvedOptions;
  readonly watch: SeatWatch;
  /** Who the writes of this call are recorded as made by; `seatkeeper` when absent. */
  readonly actor?: AuditActor;
}

/**
 * The context of one write call: its actor is the caller's, or the system
 * actor of the path when the caller gave none.
 *
 * @param context - the instance's context
 * @param actor - the validated `actor` option, if any
 * @param fallback - the path's system actor (default `seatkeeper`)
 */
export function withActor(context: ServiceContext, actor: Actor | undefined, fallback: AuditActor = SYSTEM_ACTORS.seatkeeper): ServiceContext {
  return { ...context, actor: auditActor(actor, fallback) };
}

/**
 * Runs `work` in a transaction on `areaIds`, then lets the watch start
 * delivering what the transaction enqueued, in the background. Every write
 * goes through here: `work` runs on an {@link AuditedTransaction}, which
 * appends the audit events of what it changed, as made by `context.actor`,
 * before the transaction commits.
 */
export async function inAreaTransaction<T>(
  context: ServiceContext,
  areaIds: readonly string[],
  work: (tx: SeatTransaction) => Promise<T>,
): Promise<T> {
  let transaction: SeatTransaction | undefined;
  try {
    return await context.repository.transaction({ areaIds }, async (tx) => {
      const audited = new AuditedTransaction(tx, context.clock, context.actor ?? SYSTEM_ACTORS.seatkeeper);
      transaction = audited;
      const result = await work(audited);
      await audited.flush();
      return result;
    });
  } finally {
    context.watch.afterCommit(transaction);
  }
}
