/**
 * Result values: how seatkeeper answers an operation whose refusal is an
 * expected business outcome.
 *
 * @module
 */
import type { SeatRefusal } from './seat-policy.js';
import type { User } from './schemas.js';

/** The answer of an operation that may be refused: the user, or the reason. */
export type UserResult = { readonly ok: true; readonly user: User } | { readonly ok: false; readonly reason: SeatRefusal };
