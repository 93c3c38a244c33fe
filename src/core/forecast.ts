/**
 * Forecasts: when does an area run out of seats at its current trend, and what
 * is the smallest valid purchase that covers a horizon. Pure: pass the
 * snapshots (`seats.usageSnapshots(...)`) and the time.
 *
 * @module
 */
import { add, addMilliseconds, type Duration } from 'date-fns';
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { durationSchema } from './duration.js';

const DAY_MS = 86_400_000;
/** Slopes smaller than this (seats per day) are treated as flat: floating-point noise, not a trend. */
const FLAT_EPSILON = 1e-9;

/** What a forecast reads from a usage snapshot; a `UsageSnapshot` from the repository fits. */
export interface ForecastSnapshot {
  /** The area. */
  readonly areaId: string;
  /** When it was taken. */
  readonly takenAt: Date;
  /** Seats bought then. */
  readonly maxUsers: number;
  /** Seats used then. */
  readonly using: number;
}

/** Options of `forecastExhaustion`. */
export interface ForecastOptions {
  /** How far ahead the purchase must cover, e.g. `{ months: 6 }`. Counted from `now`. */
  readonly horizon: Duration;
  /** The moment the horizon starts. Default: the latest snapshot's `takenAt`. */
  readonly now?: Date;
  /** The smallest purchase a license request may ask for. Default 5. */
  readonly minimumPurchase?: number;
}

/** Which way use is going. */
export type UsageTrend = 'rising' | 'flat' | 'falling';

/** The answer of `forecastExhaustion`. */
export interface ExhaustionForecast {
  /** The area of the snapshots. */
  readonly areaId: string;
  /** Seats bought at the latest snapshot. */
  readonly maxUsers: number;
  /** Seats in use at the latest snapshot. */
  readonly using: number;
  /** How many snapshots the trend was fitted on. */
  readonly snapshots: number;
  /** The fitted trend in seats per day (least squares). */
  readonly seatsPerDay: number;
  /** `rising`, `flat` or `falling`. */
  readonly trend: UsageTrend;
  /**
   * When the trend line reaches `maxUsers` (no seat left), or `null` when use is
   * flat or falling (or so slow that the date is beyond the year 275760). It may
   * lie in the past when the pool has already run out.
   */
  readonly exhaustsAt: Date | null;
  /** The end of the horizon: `now` plus `horizon`. */
  readonly horizonEnd: Date;
  /** Seats the trend expects in use at the end of the horizon, rounded up; never below the latest `using`. */
  readonly projectedUsing: number;
  /** Seats missing at the end of the horizon: `max(0, projectedUsing - maxUsers)`. */
  readonly seatsShort: number;
  /**
   * The smallest valid purchase that covers the horizon: 0 when nothing is
   * short, else `seatsShort` raised to `minimumPurchase`.
   */
  readonly suggestedPurchase: number;
}

/**
 * Fits a straight line (least squares) through an area's usage snapshots and
 * answers when the area runs out of seats at that trend, and the smallest
 * valid purchase that keeps enough seats until the end of the horizon.
 *
 * Uses the latest snapshot's `maxUsers` as the pool size. Use that is flat or
 * falling never runs out (`exhaustsAt: null`), but a pool already short of
 * seats still gets a purchase suggested.
 *
 * @param snapshots - one area's snapshots, in any order; at least two taken at different times
 * @param options - the horizon, `now` and the minimum purchase
 * @returns the forecast
 * @throws InvalidInputError when there are fewer than two distinct times, snapshots of several areas, or a bad option
 * @example
 * ```ts
 * const snapshots = await seats.usageSnapshots({ areaId: 'primary' });
 * const f = forecastExhaustion(snapshots, { horizon: { months: 6 } });
 * if (f.exhaustsAt) console.log(`runs out on ${f.exhaustsAt.toDateString()}; buy ${f.suggestedPurchase}`);
 * ```
 */
export function forecastExhaustion(snapshots: readonly ForecastSnapshot[], options: ForecastOptions): ExhaustionForecast {
  const { horizon, minimumPurchase } = parseOptions(options);
  const areaIds = new Set(snapshots.map((s) => s.areaId));
  if (areaIds.size > 1) {
    throw invalid(['snapshots'], `must all be of one area, got ${[...areaIds].map((id) => `"${id}"`).join(', ')}`);
  }
  const sorted = [...snapshots].sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
  const first = sorted[0];
  const latest = sorted[sorted.length - 1];
  if (first === undefined || latest === undefined || first.takenAt.getTime() === latest.takenAt.getTime()) {
    throw invalid(['snapshots'], 'need at least two snapshots taken at different times to see a trend');
  }

  // x: days since the first snapshot; y: seats in use.
  const origin = first.takenAt.getTime();
  const xs = sorted.map((s) => (s.takenAt.getTime() - origin) / DAY_MS);
  const ys = sorted.map((s) => s.using);
  const { slope, intercept } = leastSquares(xs, ys);
  const trend: UsageTrend = slope > FLAT_EPSILON ? 'rising' : slope < -FLAT_EPSILON ? 'falling' : 'flat';

  const now = options.now ?? latest.takenAt;
  const horizonEnd = add(now, horizon);
  const exhaustsAt = trend === 'rising' ? crossing(first.takenAt, ((latest.maxUsers - intercept) / slope) * DAY_MS) : null;
  const atHorizon = intercept + (trend === 'flat' ? 0 : slope) * ((horizonEnd.getTime() - origin) / DAY_MS);
  const projectedUsing = Math.max(latest.using, ceilTolerant(atHorizon));
  const seatsShort = Math.max(0, projectedUsing - latest.maxUsers);
  return {
    areaId: latest.areaId,
    maxUsers: latest.maxUsers,
    using: latest.using,
    snapshots: sorted.length,
    seatsPerDay: slope,
    trend,
    exhaustsAt,
    horizonEnd,
    projectedUsing,
    seatsShort,
    suggestedPurchase: seatsShort === 0 ? 0 : Math.max(minimumPurchase, seatsShort),
  };
}

/** The least-squares line `y = intercept + slope * x`. Needs at least two distinct x. */
function leastSquares(xs: readonly number[], ys: readonly number[]): { readonly slope: number; readonly intercept: number } {
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - meanX;
    sxy += dx * ((ys[i] as number) - meanY);
    sxx += dx * dx;
  }
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

/** `origin` plus `offsetMs`, or `null` when a very slow trend puts it beyond the dates JavaScript can hold. */
function crossing(origin: Date, offsetMs: number): Date | null {
  const at = addMilliseconds(origin, Math.round(offsetMs));
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Rounds up, ignoring floating-point dust: 30.0000000001 is 30, not 31. */
function ceilTolerant(value: number): number {
  return Math.ceil(value - 1e-6);
}

function parseOptions(options: ForecastOptions): { readonly horizon: Duration; readonly minimumPurchase: number } {
  const schema = z.strictObject({
    horizon: durationSchema,
    now: z.date().optional(),
    minimumPurchase: z.number().int().min(1).optional(),
  });
  const result = schema.safeParse(options);
  if (!result.success) throw new InvalidInputError('forecastExhaustion options', result.error.issues, { cause: result.error });
  return { horizon: result.data.horizon, minimumPurchase: result.data.minimumPurchase ?? 5 };
}

function invalid(path: readonly PropertyKey[], message: string): InvalidInputError {
  return new InvalidInputError('forecastExhaustion snapshots', [{ path, code: 'custom', message }]);
}
