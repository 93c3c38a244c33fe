/**
 * Warning thresholds: when a pool with seats left counts as nearly full
 * (`warning`, the orange icon). Either one percentage for every pool, or a
 * tier table chosen by pool size, like GitLab's seat alerts.
 *
 * @module
 */
import { z } from 'zod';

/** The default warning threshold: fewer than 5 % of the seats left. */
export const DEFAULT_WARNING_PERCENT = 5;

/** One row of a tier table: from this pool size on, warn at this many seats (or this share) left. */
export const warningTierSchema = z.union([
  z.strictObject({
    /** The smallest pool (`maxUsers`) this tier applies to; it applies until the next tier's `minSeats`. */
    minSeats: z.number().int().min(0),
    /** Warn when at most this many seats are left. */
    atMostSeatsLeft: z.number().int().min(0),
  }),
  z.strictObject({
    /** The smallest pool (`maxUsers`) this tier applies to; it applies until the next tier's `minSeats`. */
    minSeats: z.number().int().min(0),
    /** Warn when at most this share (per cent) of the seats is left. */
    atMostPercentLeft: z.number().min(0).max(100),
  }),
]);
/** One row of a tier table. */
export type WarningTier = z.infer<typeof warningTierSchema>;

/** A tier table, sorted by `minSeats` with no size twice. */
export const warningTiersSchema = z.strictObject({
  /** The tiers, smallest pools first. */
  tiers: z
    .array(warningTierSchema)
    .min(1, 'must have at least one tier')
    .refine((tiers) => tiers.every((tier, i) => i === 0 || tier.minSeats > (tiers[i - 1] as WarningTier).minSeats), {
      message: 'tiers must be sorted by minSeats, each larger than the one before',
    }),
});
/** A tier table: the warning threshold depends on the pool size. */
export type WarningTiers = z.infer<typeof warningTiersSchema>;

/**
 * Warning thresholds: a percentage (warn when **fewer than** that share of the
 * seats is left) or a tier table.
 */
export const warningThresholdsSchema = z.union([z.number().min(0).max(100), warningTiersSchema]);
/** Warning thresholds: a percentage or a tier table. */
export type WarningThresholds = z.infer<typeof warningThresholdsSchema>;

/**
 * GitLab's seat-alert tiers: 1 seat left for pools of 2 to 15 seats, 2 for 16
 * to 25, 10 % for 26 to 99, 8 % for 100 to 999, 5 % from 1000 on. Pools of one
 * seat never warn (they go straight from `ok` to `exhausted`).
 *
 * @example
 * ```ts
 * createSeatkeeper({ repository, warnings: { thresholds: GITLAB_WARNING_TIERS } });
 * ```
 */
export const GITLAB_WARNING_TIERS: WarningTiers = Object.freeze({
  tiers: Object.freeze([
    Object.freeze({ minSeats: 2, atMostSeatsLeft: 1 }),
    Object.freeze({ minSeats: 16, atMostSeatsLeft: 2 }),
    Object.freeze({ minSeats: 26, atMostPercentLeft: 10 }),
    Object.freeze({ minSeats: 100, atMostPercentLeft: 8 }),
    Object.freeze({ minSeats: 1000, atMostPercentLeft: 5 }),
  ]) as WarningTier[],
});

/**
 * The tier that applies to a pool of `maxUsers` seats: the last one whose
 * `minSeats` is at most `maxUsers`, or `undefined` for pools smaller than every tier.
 */
export function tierFor(tiers: WarningTiers, maxUsers: number): WarningTier | undefined {
  let found: WarningTier | undefined;
  for (const tier of tiers.tiers) {
    if (tier.minSeats > maxUsers) break;
    found = tier;
  }
  return found;
}

/**
 * Whether a pool with seats left is nearly full. Compared in integers so the
 * boundaries are exact: with a percentage, 100 seats with 5 left is not a
 * warning at 5 % and 4 left is; with a tier, `atMostSeatsLeft: 2` warns at 2
 * left and `atMostPercentLeft: 8` warns at 8 of 100 left.
 *
 * @param maxUsers - the seats bought
 * @param remaining - the seats left; callers handle 0 (exhausted) before asking
 * @param thresholds - a percentage or a tier table
 * @returns `true` when the pool should show the warning
 * @example
 * ```ts
 * isNearlyFull(100, 4, 5);                    // true
 * isNearlyFull(20, 2, GITLAB_WARNING_TIERS);  // true
 * ```
 */
export function isNearlyFull(maxUsers: number, remaining: number, thresholds: WarningThresholds): boolean {
  if (typeof thresholds === 'number') return remaining * 100 < thresholds * maxUsers;
  const tier = tierFor(thresholds, maxUsers);
  if (tier === undefined) return false;
  if ('atMostSeatsLeft' in tier) return remaining <= tier.atMostSeatsLeft;
  return remaining * 100 <= tier.atMostPercentLeft * maxUsers;
}
