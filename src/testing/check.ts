import type { SeatRepository } from '../ports/repository.js';

/**
 * One conformance check: a rule of the repository port, proved against a
 * fresh, empty repository. Checks throw (with `node:assert`) when the rule is
 * broken, so any test runner can drive them.
 */
export interface SeatRepositoryCheck {
  /** The part of the port it covers, e.g. `users` or `concurrency`. */
  readonly group: string;
  /** The rule it proves, as a sentence. */
  readonly name: string;
  /**
   * Runs the check. Resolves when the repository keeps the rule; rejects with
   * the reason when it does not.
   *
   * @param repository - a fresh, empty repository, used by this check only
   */
  run(repository: SeatRepository): Promise<void>;
}

/** Builds a check. */
export function check(group: string, name: string, run: (repository: SeatRepository) => Promise<void>): SeatRepositoryCheck {
  return { group, name, run };
}
