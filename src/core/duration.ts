/**
 * Durations as options: reminder intervals and forecast horizons are date-fns
 * `Duration`s, validated here.
 *
 * @module
 */
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
  .refine((d) => Object.values(d).some((v) => v !== undefined && v > 0), { message: 'must be longer than zero, e.g. { days: 1 }' });
