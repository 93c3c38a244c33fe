/**
 * The clock port. seatkeeper never reads the system time directly: every
 * timestamp (createdAt, blockedAt, notification times, reminder intervals)
 * comes from this function, so tests and simulations control time.
 *
 * @module
 */

/** Returns the current time. Default: `() => new Date()`. */
export type Clock = () => Date;

/** The clock used when none is injected. */
export const systemClock: Clock = () => new Date();
