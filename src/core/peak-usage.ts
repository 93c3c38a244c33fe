/**
 * Peak usage: the highest number of seats in use per area per calendar month,
 * the high-water mark a true-up bills. Pure helpers; the service keeps the
 * running peak in the repository settings.
 *
 * @module
 */
import { z } from 'zod';

/** A usage period: a calendar month in UTC, written `yyyy-MM`, e.g. `2026-03`. */
export const usagePeriodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written yyyy-MM, e.g. 2026-03');

/**
 * The period (UTC calendar month) a moment falls in.
 *
 * @param at - the moment
 * @returns the period, `yyyy-MM`
 * @example
 * ```ts
 * usagePeriod(new Date('2026-03-31T23:59:59Z')); // '2026-03'
 * ```
 */
export function usagePeriod(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** Where a period begins and ends. */
export interface PeriodBounds {
  /** The first moment of the period (UTC). */
  readonly start: Date;
  /** The first moment of the next period: the period ends just before it. */
  readonly end: Date;
}

/**
 * Where a period begins and ends.
 *
 * @param period - a month, `yyyy-MM`
 * @returns its first moment and the first moment of the next month (UTC)
 */
export function periodBounds(period: string): PeriodBounds {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) };
}

/**
 * The period's peak after seats in use were observed at `using`.
 *
 * @param stored - the peak stored for the period so far, or `null` when this is the first observation in it
 * @param carriedOver - seats in use at the last observation before (they were in use when the period began)
 * @param using - seats in use now
 * @returns the new peak
 */
export function nextPeak(stored: number | null, carriedOver: number, using: number): number {
  return Math.max(stored ?? carriedOver, using);
}
