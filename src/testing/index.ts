/**
 * `seatkeeper/testing`: the repository conformance kit. Run it against your
 * own `SeatRepository` implementation to prove it keeps every rule of the
 * port, including value semantics and the race a naive check-then-insert
 * loses.
 *
 * The checks use only `node:assert`, so any test runner (or none) drives them
 * through {@link runSeatRepositoryChecks}; this entry needs no test framework.
 * With vitest, `describeSeatRepository` from `seatkeeper/testing/vitest`
 * registers them as one test per rule.
 *
 * @example
 * ```ts
 * import { runSeatRepositoryChecks } from 'seatkeeper/testing';
 *
 * const results = await runSeatRepositoryChecks(() => new MyRepository());
 * for (const r of results) if (!r.ok) console.error(`${r.check.group}: ${r.check.name}`, r.error);
 * ```
 *
 * @packageDocumentation
 * @module seatkeeper/testing
 */
export { seatRepositoryChecks, runSeatRepositoryChecks, runSeatRepositoryCheck } from './conformance.js';
export type {
  MakeSeatRepository,
  RunSeatRepositoryChecksOptions,
  SeatRepositoryCheckResult,
  SeatRepositoryCheckPassed,
  SeatRepositoryCheckFailed,
  SeatRepositoryCheck,
} from './conformance.js';
