/**
 * The repository conformance checks, runner-agnostic: each is a named async
 * function over a fresh repository that throws (`node:assert`) when a rule of
 * the port is broken. {@link runSeatRepositoryChecks} runs them from any
 * runner; `describeSeatRepository` (`seatkeeper/testing/vitest`) registers
 * them with vitest.
 */
import type { SeatRepository } from '../ports/repository.js';
import type { SeatRepositoryCheck } from './check.js';
import { activityChecks } from './checks/activity.js';
import { areaChecks } from './checks/areas.js';
import { auditChecks } from './checks/audit.js';
import { bulkChecks } from './checks/bulk.js';
import { concurrencyChecks } from './checks/concurrency.js';
import { countChecks } from './checks/counts.js';
import { historyChecks } from './checks/history.js';
import { listingChecks } from './checks/listing.js';
import { outboxChecks } from './checks/outbox.js';
import { settingChecks } from './checks/settings.js';
import { transactionChecks } from './checks/transactions.js';
import { userChecks } from './checks/users.js';
import { valueChecks } from './checks/values.js';

export type { SeatRepositoryCheck } from './check.js';

/**
 * Every conformance check, grouped by the part of the port it covers: areas,
 * users, values (records are copied in and out), counts, listing, settings,
 * outbox, history, audit trail, activity, transactions, concurrency and bulk.
 */
export const seatRepositoryChecks: readonly SeatRepositoryCheck[] = [
  ...areaChecks,
  ...userChecks,
  ...valueChecks,
  ...countChecks,
  ...listingChecks,
  ...settingChecks,
  ...outboxChecks,
  ...historyChecks,
  ...auditChecks,
  ...activityChecks,
  ...transactionChecks,
  ...concurrencyChecks,
  ...bulkChecks,
];

/** Makes a fresh, empty repository for one check. */
export type MakeSeatRepository<R extends SeatRepository = SeatRepository> = () => R | Promise<R>;

/** Options of {@link runSeatRepositoryChecks}. */
export interface RunSeatRepositoryChecksOptions<R extends SeatRepository = SeatRepository> {
  /** The checks to run. Default: all of {@link seatRepositoryChecks}. */
  readonly checks?: readonly SeatRepositoryCheck[];
  /** Called after each check with the repository it used, pass or fail: drop its tables, close its connections. */
  readonly cleanup?: (repository: R) => void | Promise<void>;
}

/** The outcome of one check. */
export type SeatRepositoryCheckResult = SeatRepositoryCheckPassed | SeatRepositoryCheckFailed;

/** A check the repository passed. */
export interface SeatRepositoryCheckPassed {
  /** The check that ran. */
  readonly check: SeatRepositoryCheck;
  /** Always `true`. */
  readonly ok: true;
}

/** A check the repository failed. */
export interface SeatRepositoryCheckFailed {
  /** The check that ran. */
  readonly check: SeatRepositoryCheck;
  /** Always `false`. */
  readonly ok: false;
  /** What the check threw: an `AssertionError` saying what the repository got wrong. */
  readonly error: unknown;
}

/**
 * Runs one check on a fresh repository, then cleans up.
 *
 * @param check - the check
 * @param makeRepository - makes the fresh, empty repository it runs on
 * @param cleanup - called afterwards, pass or fail
 * @throws whatever the check threw: the rule it found broken
 */
export async function runSeatRepositoryCheck<R extends SeatRepository>(
  check: SeatRepositoryCheck,
  makeRepository: MakeSeatRepository<R>,
  cleanup?: (repository: R) => void | Promise<void>,
): Promise<void> {
  const repository = await makeRepository();
  try {
    await check.run(repository);
  } finally {
    await cleanup?.(repository);
  }
}

/**
 * Runs the conformance checks one after another, each on a fresh repository,
 * and reports every outcome. Use it with any test runner, or none; with
 * vitest, `describeSeatRepository` from `seatkeeper/testing/vitest` is shorter.
 *
 * @param makeRepository - makes a fresh, empty repository; called once per check
 * @param options - which checks, and a cleanup after each
 * @returns one result per check, in order
 * @example
 * ```ts
 * import { runSeatRepositoryChecks } from 'seatkeeper/testing';
 *
 * const results = await runSeatRepositoryChecks(() => new MyRepository());
 * for (const r of results) if (!r.ok) console.error(r.check.name, r.error);
 * ```
 */
export async function runSeatRepositoryChecks<R extends SeatRepository>(
  makeRepository: MakeSeatRepository<R>,
  options: RunSeatRepositoryChecksOptions<R> = {},
): Promise<readonly SeatRepositoryCheckResult[]> {
  const results: SeatRepositoryCheckResult[] = [];
  for (const check of options.checks ?? seatRepositoryChecks) {
    try {
      await runSeatRepositoryCheck(check, makeRepository, options.cleanup);
      results.push({ check, ok: true });
    } catch (error) {
      results.push({ check, ok: false, error });
    }
  }
  return results;
}
