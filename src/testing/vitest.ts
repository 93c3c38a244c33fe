/**
 * `seatkeeper/testing/vitest`: the conformance kit of `seatkeeper/testing`,
 * registered as a vitest suite. vitest is an optional peer dependency, needed
 * only by this entry.
 *
 * vitest refuses to be `require`d, so the CommonJS build of this entry
 * registers with the runner's global `describe` and `it` instead (vitest with
 * `globals: true`, jest, mocha); the ES module build imports them from
 * vitest. Any other runner can use `runSeatRepositoryChecks` from
 * `seatkeeper/testing`.
 *
 * @example
 * ```ts
 * import { describeSeatRepository } from 'seatkeeper/testing/vitest';
 *
 * describeSeatRepository('my repository', () => new MyRepository());
 * ```
 *
 * @packageDocumentation
 * @module seatkeeper/testing/vitest
 */
import type { SeatRepository } from '../ports/repository.js';
import { runSeatRepositoryCheck, seatRepositoryChecks, type MakeSeatRepository, type RunSeatRepositoryChecksOptions } from './conformance.js';
import { describe, it } from './vitest-api.js';

/** Options of {@link describeSeatRepository}. */
export interface DescribeSeatRepositoryOptions<R extends SeatRepository = SeatRepository> extends RunSeatRepositoryChecksOptions<R> {
  /** Milliseconds each check may take. Default: vitest's `testTimeout`. */
  readonly timeout?: number;
}

/**
 * Registers the repository conformance suite with vitest: one `describe` per
 * part of the port, one `it` per rule, each on a fresh repository from
 * `makeRepository`. Every port method, paging and ordering, aggregate counts
 * after mixed writes, unknown ids, unique keys, copies in and out, rollback
 * of a failed transaction, the outbox, and races that a naive
 * check-then-insert repository fails. Call it at the top level of a test file.
 *
 * @param name - the suite's name
 * @param makeRepository - makes a fresh, empty repository; called once per check
 * @param options - a subset of checks, a cleanup after each, a timeout
 * @example
 * ```ts
 * import { describeSeatRepository } from 'seatkeeper/testing/vitest';
 *
 * describeSeatRepository('my repository', () => new MyRepository(), {
 *   cleanup: (repository) => repository.close(),
 * });
 * ```
 */
export function describeSeatRepository<R extends SeatRepository>(
  name: string,
  makeRepository: MakeSeatRepository<R>,
  options: DescribeSeatRepositoryOptions<R> = {},
): void {
  const checks = options.checks ?? seatRepositoryChecks;
  const groups = [...new Set(checks.map((c) => c.group))];
  describe(name, () => {
    for (const group of groups) {
      describe(group, () => {
        for (const check of checks.filter((c) => c.group === group)) {
          it(check.name, () => runSeatRepositoryCheck(check, makeRepository, options.cleanup), options.timeout);
        }
      });
    }
  });
}
