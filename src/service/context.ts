import type { Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { SeatRepository, SeatTransaction } from '../ports/repository.js';
import type { SeatRefusal } from '../core/seat-policy.js';

/**
 * Something that happened to an area's seats inside a transaction, reported to
 * the {@link SeatWatch} so it can tell the responsible person.
 */
export interface SeatEvent {
  /** What was attempted, in words, e.g. `create user "alice"`. */
  readonly attempted: string;
  /** Set when a seat was refused. */
  readonly refusal?: SeatRefusal;
  /** How many directory users were created or kept blocked waiting for a seat. */
  readonly waitingForSeat?: number;
}

/**
 * Watches seat changes for notifications and peaks. `observe` runs inside the
 * area's transaction, after the write (or refusal), so what it enqueues
 * commits with the change; `afterCommit` runs once the transaction is over and
 * must never throw.
 */
export interface SeatWatch {
  /** Called inside the area's transaction after every seat-affecting write or refusal in `areaId`. */
  observe(tx: SeatTransaction, areaId: string, event: SeatEvent): Promise<void>;
  /** Called after the transaction ended (committed or not); delivers what is due, never throws. */
  afterCommit(): Promise<void>;
}

/** Options every capability reads, resolved to their defaults. */
export interface ResolvedOptions {
  /** Warn when fewer than this share of seats is left. */
  readonly warningPercent: number;
  /** The smallest purchase a license request may ask for. */
  readonly minimumPurchase: number;
}

/** What every service capability is built from. Internal: hosts use `createSeatkeeper`. */
export interface ServiceContext {
  readonly repository: SeatRepository;
  readonly clock: Clock;
  readonly notifier: Notifier | undefined;
  readonly newId: () => string;
  readonly options: ResolvedOptions;
  readonly watch: SeatWatch;
}

/**
 * Runs `work` in a transaction on `areaIds`, then lets the watch deliver what
 * the transaction enqueued. Every seat-taking write goes through here.
 */
export async function inAreaTransaction<T>(
  context: ServiceContext,
  areaIds: readonly string[],
  work: (tx: SeatTransaction) => Promise<T>,
): Promise<T> {
  try {
    return await context.repository.transaction({ areaIds }, work);
  } finally {
    await context.watch.afterCommit();
  }
}
