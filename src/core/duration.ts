/**
 * Durations as options: reminder intervals and forecast horizons are date-fns
 * `Duration`s, validated here.
 *
 * @module
 */
import type { Duration } from 'date-fns';
import { z } from 'zod';

/** A date-fns `Duration` of whole numbers with at least one positive field, e.g. `{ months: 6 }`. */
export const durationSchema = z
  .strictObject({
    /** Years. */
    years: z.number().int().min(0).optional(),
    /** Calendar months. */
    months: z.number().int().min(0).optional(),
    /** Weeks. */
    weeks: z.number().int().min(0).optional(),
    /** Days. */
    days: z.number().int().min(0).optional(),
    /** Hours. */
    hours: z.number().int().min(0).optional(),
    /** Minutes. */
    minutes: z.number().int().min(0).optional(),
    /** Seconds. */
    seconds: z.number().int().min(0).optional(),
  })
  .refine((d) => Object.values(d).some((v) => v !== undefined && v > 0), { message: 'must be longer than zero, e.g. { days: 1 }' })
  // A date-fns Duration has no field set to `undefined`: keep only the fields given.
  .transform((d): Duration => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)));

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Adds a duration to a moment, counted in UTC whatever the host's time zone: a
 * day is always 24 hours and a month is a UTC calendar month. (date-fns `add`
 * counts in local time, so under `TZ=Europe/Berlin` `{ days: 1 }` from the
 * day before a daylight-saving change is 23 or 25 hours.) Years and months are
 * added first, then the rest, as `add` does; a day beyond the end of the target
 * month is clamped to its last day (`2026-01-31` plus one month is `2026-02-28`).
 *
 * @param at - the moment to start from
 * @param duration - a date-fns `Duration` (whole numbers, as {@link durationSchema} allows)
 * @returns the moment `duration` after `at`
 * @example
 * ```ts
 * addDurationUtc(new Date('2026-03-28T12:00:00Z'), { days: 1 }); // 2026-03-29T12:00:00.000Z
 * ```
 */
export function addDurationUtc(at: Date, duration: Duration): Date {
  return shiftUtc(at, duration, 1);
}

/**
 * Subtracts a duration from a moment, counted in UTC as {@link addDurationUtc}
 * adds one (date-fns `sub`, but a day is always 24 hours and a month a UTC
 * calendar month): years and months first, then the rest; a day beyond the end
 * of the target month is clamped to its last day (`2026-03-31` minus one month
 * is `2026-02-28`).
 *
 * @param at - the moment to start from
 * @param duration - a date-fns `Duration` (whole numbers, as {@link durationSchema} allows)
 * @returns the moment `duration` before `at`
 * @example
 * ```ts
 * subDurationUtc(new Date('2026-06-30T08:00:00Z'), { days: 90 }); // 2026-04-01T08:00:00.000Z
 * ```
 */
export function subDurationUtc(at: Date, duration: Duration): Date {
  return shiftUtc(at, duration, -1);
}

/** Moves `at` by `duration` forwards (`1`) or backwards (`-1`), in UTC. */
function shiftUtc(at: Date, duration: Duration, sign: 1 | -1): Date {
  const { years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0 } = duration;
  const result = new Date(at.getTime());
  const monthsToAdd = sign * (years * 12 + months);
  if (monthsToAdd !== 0) {
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + monthsToAdd);
    const lastDayOfMonth = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
    result.setUTCDate(Math.min(day, lastDayOfMonth));
  }
  return new Date(result.getTime() + sign * ((weeks * 7 + days) * DAY + hours * HOUR + minutes * MINUTE + seconds * SECOND));
}
