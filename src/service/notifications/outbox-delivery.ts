import { addMilliseconds, max } from 'date-fns';
import type { Clock } from '../../ports/clock.js';
import type { Notifier } from '../../ports/notifier.js';
import type { OutboxEntry, SeatRepository } from '../../ports/repository.js';
import type { ResolvedNotificationOptions } from '../context.js';

/** How many entries one round claims. */
const ROUND_SIZE = 25;
/**
 * How much longer than the send timeout a claim keeps other instances off an
 * entry: time for a notifier to stop once its signal aborted, and for a
 * crashed sender's entries to come back.
 */
const LEASE_MARGIN_MS = 60_000;

/** What one or more rounds did. */
export interface RoundResult {
  /** How many entries were claimed. */
  readonly claimed: number;
  /** Ids sent successfully. */
  readonly delivered: readonly string[];
  /** Entries whose send failed or timed out, with the error. */
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Delivers outbox entries through the notifier. Each round claims due entries
 * with a lease longer than the send timeout, so no other instance sends them
 * meanwhile; sends each with an `AbortSignal` that fires at the timeout; and
 * records the outcome: delivered (never sent again) or failed with an
 * exponential backoff. Never throws for a notifier or store failure: the entry
 * stays in the outbox.
 *
 * One send in flight per entry: a send that outlives its timeout is recorded
 * as a failed attempt, but this instance starts no other send of the entry
 * until it settles (if it then succeeds, it is recorded as delivered), and its
 * retry time is not before the lease ends. A send that succeeded but could not
 * be recorded is recorded, not sent, when this instance claims it again after
 * the lease; only another instance (or a restart) would send it again, so the
 * promise to the notifier is at-least-once, with `notification.id` to drop a duplicate.
 */
export class OutboxDelivery {
  readonly #repository: SeatRepository;
  readonly #notifier: Notifier;
  readonly #clock: Clock;
  readonly #options: ResolvedNotificationOptions;
  /** Entries whose send this instance started and that has not settled yet (past its timeout included). */
  readonly #sending = new Set<string>();
  /** Entries sent successfully whose delivery could not be recorded: recorded, never sent again, at their next claim. */
  readonly #sentUnrecorded = new Set<string>();
  /** Entries this instance left pending, with when they are due again: a later operation looks for them once due. */
  readonly #retries = new Map<string, Date>();
  /** Whether the next operation should look for due entries whatever it enqueued (at start: entries left by an earlier process). */
  #lookOnNext = true;

  constructor(repository: SeatRepository, notifier: Notifier, clock: Clock, options: ResolvedNotificationOptions) {
    this.#repository = repository;
    this.#notifier = notifier;
    this.#clock = clock;
    this.#options = options;
  }

  /**
   * Whether an operation that enqueued nothing should still run a round: at
   * start, after a full or failed round, or when an entry this instance left
   * pending is due again.
   */
  worthLooking(): boolean {
    if (this.#lookOnNext) return true;
    const now = this.#clock().getTime();
    for (const due of this.#retries.values()) if (due.getTime() <= now) return true;
    return false;
  }

  /** Sends rounds until no due entry is left. */
  async drain(): Promise<RoundResult> {
    const delivered: string[] = [];
    const failed: { id: string; error: string }[] = [];
    let claimed = 0;
    for (;;) {
      const result = await this.#round();
      claimed += result.claimed;
      delivered.push(...result.delivered);
      failed.push(...result.failed);
      if (result.claimed < ROUND_SIZE) return { claimed, delivered, failed };
    }
  }

  /** Claims one round of due entries and delivers them. */
  async #round(): Promise<RoundResult> {
    this.#lookOnNext = false;
    const now = this.#clock();
    const leaseUntil = addMilliseconds(now, this.#options.timeoutMs + LEASE_MARGIN_MS);
    let claimed: readonly OutboxEntry[];
    try {
      claimed = await this.#repository.claimDueNotifications(now, leaseUntil, ROUND_SIZE);
    } catch {
      // The store is unreachable: the entries are safe in it; look again next time.
      this.#lookOnNext = true;
      return { claimed: 0, delivered: [], failed: [] };
    }
    if (claimed.length >= ROUND_SIZE) this.#lookOnNext = true;
    // This round looked for every entry due by now: those not claimed were delivered or taken by another instance.
    for (const [id, due] of this.#retries) if (due.getTime() <= now.getTime()) this.#retries.delete(id);
    const outcomes = await Promise.all(claimed.map((entry) => this.#deliver(entry, leaseUntil)));
    const delivered: string[] = [];
    const failed: { id: string; error: string }[] = [];
    claimed.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome === null || outcome === undefined) return;
      if (outcome.ok) delivered.push(entry.id);
      else failed.push({ id: entry.id, error: outcome.error });
    });
    return { claimed: claimed.length, delivered, failed };
  }

  /** Delivers one claimed entry; `null` when it was left alone because its earlier send is still running. */
  async #deliver(entry: OutboxEntry, leaseUntil: Date): Promise<SendOutcome | null> {
    const { id } = entry;
    if (this.#sentUnrecorded.has(id)) {
      await this.#recordDelivered(id, leaseUntil);
      return { ok: true };
    }
    if (this.#sending.has(id)) {
      // No second send while the first runs; the claim just renewed the lease.
      this.#retries.set(id, leaseUntil);
      return null;
    }

    this.#sending.add(id);
    const { settled, withinTimeout } = this.#send(entry);
    const outcome = await withinTimeout;
    if (outcome === 'timed-out') {
      const error = `The notifier did not answer within ${this.#options.timeoutMs} ms.`;
      // Not due again before the lease ends: no other instance may start a second send while this one may still run.
      await this.#recordFailure(entry, error, leaseUntil, true);
      // The entry stays "sending" here until the late answer is known; a late success did go out: record it.
      void settled
        .then((late) => (late.ok ? this.#recordDelivered(id, leaseUntil) : undefined))
        .finally(() => this.#sending.delete(id));
      return { ok: false, error };
    }
    if (outcome.ok) await this.#recordDelivered(id, leaseUntil);
    else await this.#recordFailure(entry, outcome.error, leaseUntil, false);
    this.#sending.delete(id);
    return outcome;
  }

  /** Starts the send with a signal that aborts at the timeout; neither promise rejects. */
  #send(entry: OutboxEntry): { settled: Promise<SendOutcome>; withinTimeout: Promise<SendOutcome | 'timed-out'> } {
    const timeoutMs = this.#options.timeoutMs;
    const controller = new AbortController();
    const settled = Promise.resolve()
      .then(() => this.#notifier.send(entry.notification, { signal: controller.signal }))
      .then(
        (): SendOutcome => ({ ok: true }),
        (error: unknown): SendOutcome => ({ ok: false, error: errorMessage(error) }),
      );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new DOMException(`The notifier did not answer within ${timeoutMs} ms.`, 'TimeoutError'));
        resolve('timed-out');
      }, timeoutMs);
    });
    const withinTimeout = Promise.race([settled, timedOut]).finally(() => clearTimeout(timer));
    return { settled, withinTimeout };
  }

  /** Records a successful send; never throws. */
  async #recordDelivered(id: string, leaseUntil: Date): Promise<void> {
    try {
      await this.#repository.markNotificationDelivered(id, this.#clock());
      this.#sentUnrecorded.delete(id);
      this.#retries.delete(id);
    } catch {
      // Sent, but not recorded (store down): the claim holds the entry until the lease ends; then this instance records it, without sending.
      this.#sentUnrecorded.add(id);
      this.#retries.set(id, leaseUntil);
    }
  }

  /** Records a failed attempt with its retry time (not before the lease ends when `keepLease`); never throws. */
  async #recordFailure(entry: OutboxEntry, error: string, leaseUntil: Date, keepLease: boolean): Promise<void> {
    const attempts = entry.attempts + 1;
    try {
      const backoff = addMilliseconds(this.#clock(), this.#backoff(attempts));
      const nextAttemptAt = keepLease ? max([backoff, leaseUntil]) : backoff;
      await this.#repository.markNotificationFailed(entry.id, { attempts, nextAttemptAt, lastError: error });
      this.#retries.set(entry.id, nextAttemptAt);
    } catch {
      // Not recorded (store down): the claim holds the entry until the lease ends; it is tried again then.
      this.#retries.set(entry.id, leaseUntil);
    }
  }

  /** The delay before attempt `attempts + 1`: the first delay doubled per failure, capped. */
  #backoff(attempts: number): number {
    const { firstRetryDelayMs, maxRetryDelayMs } = this.#options;
    return Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** Math.min(attempts - 1, 30));
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'The notifier failed without a message.';
}
