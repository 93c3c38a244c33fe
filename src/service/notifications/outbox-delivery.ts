import { addMilliseconds } from 'date-fns';
import type { Clock } from '../../ports/clock.js';
import type { Notifier } from '../../ports/notifier.js';
import type { OutboxEntry, SeatRepository } from '../../ports/repository.js';
import type { ResolvedNotificationOptions } from '../context.js';

/** How many entries one round claims. */
const ROUND_SIZE = 25;
/** How long a claim keeps other instances off an entry beyond the send timeout (a crashed sender's entries come back after it). */
const LEASE_MARGIN_MS = 60_000;

/** What one round did. */
export interface RoundResult {
  /** How many entries were claimed. */
  readonly claimed: number;
  /** Ids sent successfully. */
  readonly delivered: readonly string[];
  /** Entries whose send failed or timed out, with the error. */
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly timedOut: boolean };

/**
 * Delivers outbox entries through the notifier: claims due entries (a lease, so
 * two instances never send the same entry at once), sends each within the
 * timeout, and records the outcome: delivered (never sent again) or failed
 * with an exponential backoff. Never throws: every failure is contained and
 * kept in the outbox.
 */
export class OutboxDelivery {
  readonly #repository: SeatRepository;
  readonly #notifier: Notifier;
  readonly #clock: Clock;
  readonly #options: ResolvedNotificationOptions;
  /** Entries this instance failed to send, with when they are due again: the next operation retries them once due. */
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
   * start, after a full round, or when a retry this instance scheduled is due.
   */
  worthLooking(): boolean {
    if (this.#lookOnNext) return true;
    const now = this.#clock().getTime();
    for (const due of this.#retries.values()) if (due.getTime() <= now) return true;
    return false;
  }

  /** Claims and sends one round of due entries. */
  async round(): Promise<RoundResult> {
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
    const outcomes = await Promise.all(claimed.map((entry) => this.#deliver(entry)));
    const delivered: string[] = [];
    const failed: { id: string; error: string }[] = [];
    claimed.forEach((entry, i) => {
      const outcome = outcomes[i] as SendOutcome;
      if (outcome.ok) delivered.push(entry.id);
      else failed.push({ id: entry.id, error: outcome.error });
    });
    return { claimed: claimed.length, delivered, failed };
  }

  /** Sends rounds until no due entry is left. */
  async drain(): Promise<RoundResult> {
    const delivered: string[] = [];
    const failed: { id: string; error: string }[] = [];
    let claimed = 0;
    for (;;) {
      const result = await this.round();
      claimed += result.claimed;
      delivered.push(...result.delivered);
      failed.push(...result.failed);
      if (result.claimed < ROUND_SIZE) return { claimed, delivered, failed };
    }
  }

  async #deliver(entry: OutboxEntry): Promise<SendOutcome> {
    const sending = Promise.resolve().then(() => this.#notifier.send(entry.notification));
    const outcome = await withTimeout(sending, this.#options.timeoutMs);
    try {
      if (outcome.ok) {
        await this.#repository.markNotificationDelivered(entry.id, this.#clock());
        this.#retries.delete(entry.id);
        return outcome;
      }
      const attempts = entry.attempts + 1;
      const nextAttemptAt = addMilliseconds(this.#clock(), this.#backoff(attempts));
      await this.#repository.markNotificationFailed(entry.id, { attempts, nextAttemptAt, lastError: outcome.error });
      this.#retries.set(entry.id, nextAttemptAt);
      // A send that answers after its timeout did go out: record it so the retry does not send it again.
      if (outcome.timedOut) sending.then(() => this.#lateSuccess(entry.id), () => undefined);
    } catch {
      // Recording the outcome failed (store down): the lease expires and the entry is tried again.
      this.#lookOnNext = true;
    }
    return outcome;
  }

  async #lateSuccess(id: string): Promise<void> {
    try {
      await this.#repository.markNotificationDelivered(id, this.#clock());
      this.#retries.delete(id);
    } catch {
      // Nothing more to do: at worst the entry is sent once more (the notifier contract is at-least-once).
    }
  }

  /** The delay before attempt `attempts + 1`: the first delay doubled per failure, capped. */
  #backoff(attempts: number): number {
    const { firstRetryDelayMs, maxRetryDelayMs } = this.#options;
    return Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** Math.min(attempts - 1, 30));
  }
}

/** Waits for `promise` at most `ms` milliseconds (real time); the timer is cleared either way. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<SendOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<SendOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `The notifier did not answer within ${ms} ms.`, timedOut: true }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (): SendOutcome => ({ ok: true }),
        (error: unknown): SendOutcome => ({ ok: false, error: errorMessage(error), timedOut: false }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'The notifier failed without a message.';
}
