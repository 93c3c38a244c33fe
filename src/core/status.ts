/**
 * Thresholds: how full a pool is, as one of four marks.
 *
 * @module
 */
import { DEFAULT_WARNING_PERCENT, isNearlyFull, type WarningThresholds } from './warning-thresholds.js';

export { DEFAULT_WARNING_PERCENT };

/**
 * `ok`; `warning` (orange icon: fewer than the warning share of seats left);
 * `exhausted` (red stop sign: no seat left); `exceeded` (more seats used than bought).
 */
export type SeatStatus = 'ok' | 'warning' | 'exhausted' | 'exceeded';

/**
 * The status of a pool of `maxUsers` seats of which `using` are taken.
 *
 * Compared in integers so 5 % of 100 is exactly 5: 100 seats with 5 left is
 * `ok`, with 4 left `warning`, with 0 left `exhausted`, with 101 used `exceeded`.
 *
 * @param maxUsers - the seats bought
 * @param using - the seats taken
 * @param thresholds - when to warn: a percentage (fewer than this share of
 *   seats left, default 5) or a tier table such as {@link GITLAB_WARNING_TIERS}
 * @returns the status mark
 * @example
 * ```ts
 * seatStatus(100, 96); // 'warning'
 * seatStatus(20, 18, GITLAB_WARNING_TIERS); // 'warning' (2 left)
 * ```
 */
export function seatStatus(maxUsers: number, using: number, thresholds: WarningThresholds = DEFAULT_WARNING_PERCENT): SeatStatus {
  return poolStatus(maxUsers, using, maxUsers - using, thresholds);
}

/**
 * The status of a pool whose seats can run out before its own limit does: a
 * partner's quota inside a fuller area, or the host's unallocated seats. The
 * mark is decided on what can really still be granted (`remaining`), measured
 * against the pool's own size.
 *
 * @param limit - the pool's size (a quota, or the seats not set aside)
 * @param using - the seats the pool's users hold
 * @param remaining - the seats it can still get, at most `limit - using`
 * @param thresholds - when to warn, as for {@link seatStatus}
 * @returns `exceeded` when `using > limit`, else `exhausted` at 0 left, else `warning` or `ok`
 */
export function poolStatus(limit: number, using: number, remaining: number, thresholds: WarningThresholds = DEFAULT_WARNING_PERCENT): SeatStatus {
  if (using > limit) return 'exceeded';
  if (remaining <= 0) return 'exhausted';
  if (isNearlyFull(limit, remaining, thresholds)) return 'warning';
  return 'ok';
}
