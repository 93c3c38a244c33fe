/**
 * The zod schema of one People CSV row, after its header is mapped to column
 * keys, neutralised cells are restored and blank cells are left out. It is the
 * only check a row's cells go through, and every text cell is checked by the
 * same schemas (and text rules) as the write it leads to, so a dry run accepts
 * exactly what the import writes.
 *
 * @module
 */
import { z } from 'zod';
import { displayNameSchema, emailSchema, idSchema, usernameSchema } from '../core/schemas.js';
import { REFERENCE_MAX_LENGTH, requiredText } from '../core/text-rules.js';

/**
 * A reference to an area or organization: its id or its name (names are
 * matched ignoring case). The text rules of every stored text apply, so a cell
 * that no area or organization could be named by is refused as such.
 */
const referenceSchema = requiredText(REFERENCE_MAX_LENGTH);

/** One People CSV row. Informational columns (block reason, source, created, updated, last activity) are not imported. */
export const peopleCsvRowSchema = z.object({
  /** The username, unique site-wide. */
  username: usernameSchema,
  /** The name shown in lists; empty for none. */
  displayName: displayNameSchema.optional(),
  /** The email address; empty for none. */
  email: emailSchema.optional(),
  /** The directory id; empty for none. */
  externalId: idSchema.optional(),
  /** The area's name or id. */
  area: referenceSchema.optional(),
  /** The area's id. */
  areaId: idSchema.optional(),
  /** The partner organization's name or id; empty for the host company. */
  organization: referenceSchema.optional(),
  /** The partner organization's id. */
  organizationId: idSchema.optional(),
  /** `Licensed` or `System`, ignoring case. Default `Licensed`. */
  accountType: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['licensed', 'system'], { error: 'must be Licensed or System' }))
    .optional(),
  /** `Yes` (active) or `No` (blocked); `Active` and `Blocked` are accepted too, ignoring case. Default `Yes`. */
  accountState: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['yes', 'no', 'active', 'blocked'], { error: 'must be Yes (active) or No (blocked)' }))
    .transform((state) => (state === 'yes' || state === 'active' ? ('active' as const) : ('blocked' as const)))
    .optional(),
});
/** One People CSV row, validated. */
export type PeopleCsvRow = z.output<typeof peopleCsvRowSchema>;
