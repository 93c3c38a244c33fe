/**
 * zod schemas of `createUsers`, the bulk creation a CSV upload goes through.
 *
 * @module
 */
import { z } from 'zod';
import { actorSchema, createUserInputSchema, userStateSchema } from './schemas.js';
import { NAME_MAX_LENGTH, requiredText } from './text-rules.js';

/** One user of a `createUsers` batch: the fields of `createUser`, and whether it starts active or blocked. */
export const bulkUserInputSchema = createUserInputSchema.extend({
  /** `active` (default) takes a seat; `blocked` creates the profile blocked by an admin, taking none. */
  state: userStateSchema.optional(),
});
/** One user of a `createUsers` batch. */
export type BulkUserInput = z.input<typeof bulkUserInputSchema>;

/**
 * `all-or-nothing`: nothing is written unless every entry can be created.
 * `best-effort`: entries are created in order while seats last; the rest are refused with reasons.
 */
export const bulkModeSchema = z.enum(['all-or-nothing', 'best-effort']);
/** How a batch treats entries that cannot be created. */
export type BulkMode = z.infer<typeof bulkModeSchema>;

/** Options of `createUsers`. */
export const bulkCreateOptionsSchema = z.strictObject({
  /** Default `all-or-nothing`. */
  mode: bulkModeSchema.optional(),
  /** Decide and report, but write nothing and notify nobody. Default `false`. */
  dryRun: z.boolean().optional(),
  /** How the users came to exist: `manual` (default) or `csv`. */
  source: z.enum(['manual', 'csv']).optional(),
  /** Kept as `blockedBy` on entries created blocked (an admin's id or name). Default: the actor's id, else `bulk import`. */
  blockedBy: requiredText(NAME_MAX_LENGTH).optional(),
  /** Who creates them, recorded in the audit trail. Default: `csv-import` for `source: 'csv'`, else `seatkeeper`. */
  actor: actorSchema.optional(),
});
/** Options of `createUsers`. */
export type BulkCreateOptions = z.input<typeof bulkCreateOptionsSchema>;
