/**
 * `seatkeeper/testing`: the repository conformance kit. Run it against your
 * own `SeatRepository` implementation to prove it keeps every rule of
 * the port, including the race a naive check-then-insert loses.
 *
 * The checks themselves use only `node:assert` ({@link runSeatRepositoryChecks}
 * drives them from any runner); {@link describeSeatRepository} registers them
 * with vitest, an optional peer dependency needed only here.
 *
 * @example
 * ```ts
 * import { describeSeatRepository } from 'seatkeeper/testing';
 *
 * describeSeatRepository('my repository', () => new MyRepository());
 * ```
 *
 * @packageDocumentation
 * @module seatkeeper/testing
 */
export { seatRepositoryChecks, runSeatRepositoryChecks, runSeatRepositoryCheck } from './conformance.js';
export type { MakeSeatRepository, RunSeatRepositoryChecksOptions, SeatRepositoryCheckResult, SeatRepositoryCheckPassed, SeatRepositoryCheckFailed, SeatRepositoryCheck } from './conformance.js';
export { describeSeatRepository, type DescribeSeatRepositoryOptions } from './vitest.js';
