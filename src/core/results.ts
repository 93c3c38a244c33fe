/**
 * Result values: how seatkeeper answers an operation whose refusal is an
 * expected business outcome.
 *
 * @module
 */
import type { Refused } from './seat-policy.js';
import type { User } from './schemas.js';

/** A user operation that succeeded. */
export interface UserDone {
  /** Always `true`. */
  readonly ok: true;
  /** The user as it is now. */
  readonly user: User;
}

/** The answer of an operation that may be refused: the user, or the reason. */
export type UserResult = UserDone | Refused;
