/**
 * The zod schema of one People CSV row, after its header is mapped to column
 * keys, neutralised cells are restored and empty cells are left out.
 *
 * @module
 */
import { z } from 'zod';
import { fastDisplayName, fastEmail, fastId, fastUsername } from '../core/fast-parse.js';
import { displayNameSchema, emailSchema, idSchema, usernameSchema } from '../core/schemas.js';
import { REFERENCE_MAX_LENGTH } from '../core/text-rules.js';
import type { PeopleColumnKey } from './columns.js';

/** A reference to an area or organization: its id or its name (names are matched ignoring case). */
const referenceSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(REFERENCE_MAX_LENGTH, `must be at most ${REFERENCE_MAX_LENGTH} characters`);

/** One People CSV row. Informational columns (block reason, source, created, updated) are not imported. */
export const peopleCsvRowSchema = z.object({
  username: usernameSchema,
  displayName: displayNameSchema.optional(),
  email: emailSchema.optional(),
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

/** A row's cells by column, as `peopleCsvRowSchema` takes them. */
export type PeopleCsvCells = Readonly<Partial<Record<PeopleColumnKey, string>>>;

/** The optional fields of a row, in schema order, each with a twin of its schema (see `core/fast-parse.ts`). */
const OPTIONAL_ROW_FIELDS: readonly (readonly [key: keyof PeopleCsvRow, parse: (value: string) => unknown])[] = [
  ['displayName', fastDisplayName],
  ['email', fastEmail],
  ['externalId', fastId],
  ['area', fastReference],
  ['areaId', fastId],
  ['organization', fastReference],
  ['organizationId', fastId],
  ['accountType', (value) => {
    const type = value.trim().toLowerCase();
    return type === 'licensed' || type === 'system' ? type : undefined;
  }],
  ['accountState', (value) => {
    const state = value.trim().toLowerCase();
    if (state === 'yes' || state === 'active') return 'active';
    return state === 'no' || state === 'blocked' ? 'blocked' : undefined;
  }],
];

/**
 * What `peopleCsvRowSchema` gives for a row's cells, or `undefined` when it
 * might fail: then run the schema, which says what is wrong. The import runs
 * this for every row; zod only sees the rows in error.
 *
 * @param cells - the row's cells by column (as the schema takes them)
 * @returns the validated row, or `undefined`
 */
export function fastPeopleCsvRow(cells: PeopleCsvCells): PeopleCsvRow | undefined {
  const username = fastUsername(cells.username);
  if (username === undefined) return undefined;
  const row: Record<string, unknown> = { username };
  for (const [key, parse] of OPTIONAL_ROW_FIELDS) {
    const cell = cells[key];
    if (cell === undefined) {
      if (key in cells) row[key] = undefined;
      continue;
    }
    const parsed = parse(cell);
    if (parsed === undefined) return undefined;
    row[key] = parsed;
  }
  return row as PeopleCsvRow;
}

function fastReference(value: string): string | undefined {
  const text = value.trim();
  return text.length >= 1 && text.length <= REFERENCE_MAX_LENGTH ? text : undefined;
}
