/**
 * Stands in for `vitest-api.ts` in the CommonJS build of
 * `seatkeeper/testing/vitest` (tsup.config.ts swaps it in): vitest refuses to
 * be `require`d, so a CommonJS caller registers the suite with its runner's
 * global `describe` and `it` instead: jest's, mocha's, or vitest's with
 * `globals: true`. The ES module build imports vitest itself.
 */
import { SeatkeeperError } from '../errors.js';

type Register = (name: string, body: () => unknown, timeout?: number) => unknown;

/** The runner's global `describe` or `it`, or a clear error when there is none. */
function runnerGlobal(name: 'describe' | 'it'): Register {
  const fn = (globalThis as Record<string, unknown>)[name];
  if (typeof fn !== 'function') {
    throw new SeatkeeperError(
      'INVALID_INPUT',
      `describeSeatRepository needs a test runner, and there is no global ${name}(). Import seatkeeper/testing/vitest as an ES module under vitest, ` +
        'run it under jest or mocha, or drive the checks with runSeatRepositoryChecks() from seatkeeper/testing under any runner.',
    );
  }
  return fn as Register;
}

/** The runner's global `describe`. */
export function describe(name: string, body: () => void): void {
  runnerGlobal('describe')(name, body);
}

/** The runner's global `it`. */
export function it(name: string, body: () => Promise<void>, timeout?: number): void {
  runnerGlobal('it')(name, body, timeout);
}
