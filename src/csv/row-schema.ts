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

/**
 * A row's cells by column, as the import hands them to `peopleCsvRowSchema`:
 * every column the schema knows, `undefined` where the file has no such column
 * or the cell is blank (the username is `''` then, so the schema says it is missing).
 */
export type PeopleCsvCells = { readonly username: string } & { readonly [K in Exclude<keyof PeopleCsvRow, 'username'>]: string | undefined };

/** Marks a cell its twin refused, as opposed to an absent one (`undefined`). */
const INVALID = Symbol('invalid');

/** A present cell through its twin; an absent cell stays `undefined`. */
function optional<T>(cell: string | undefined, parse: (value: string) => T | undefined): T | undefined | typeof INVALID {
  if (cell === undefined) return undefined;
  const parsed = parse(cell);
  return parsed === undefined ? INVALID : parsed;
}

/**
 * What `peopleCsvRowSchema` gives for a row's cells, or `undefined` when it
 * might fail: then run the schema, which says what is wrong. The import runs
 * this for every row; zod only sees the rows in error. Each field is read by
 * name, so the engine sees one object shape in, one out.
 *
 * @param cells - the row's cells by column, every column present
 * @returns the validated row (every key present, `undefined` where the cell was), or `undefined`
 */
export function fastPeopleCsvRow(cells: PeopleCsvCells): PeopleCsvRow | undefined {
  const username = fastUsername(cells.username);
  const displayName = optional(cells.displayName, fastDisplayName);
  const email = optional(cells.email, fastEmail);
  const externalId = optional(cells.externalId, fastId);
  const area = optional(cells.area, fastReference);
  const areaId = optional(cells.areaId, fastId);
  const organization = optional(cells.organization, fastReference);
  const organizationId = optional(cells.organizationId, fastId);
  const accountType = optional(cells.accountType, fastAccountType);
  const accountState = optional(cells.accountState, fastAccountState);
  if (
    username === undefined ||
    displayName === INVALID ||
    email === INVALID ||
    externalId === INVALID ||
    area === INVALID ||
    areaId === INVALID ||
    organization === INVALID ||
    organizationId === INVALID ||
    accountType === INVALID ||
    accountState === INVALID
  ) {
    return undefined;
  }
  return { username, displayName, email, externalId, area, areaId, organization, organizationId, accountType, accountState };
}

function fastAccountType(value: string): 'licensed' | 'system' | undefined {
  const type = value.trim().toLowerCase();
  return type === 'licensed' || type === 'system' ? type : undefined;
}

function fastAccountState(value: string): 'active' | 'blocked' | undefined {
  const state = value.trim().toLowerCase();
  if (state === 'yes' || state === 'active') return 'active';
  return state === 'no' || state === 'blocked' ? 'blocked' : undefined;
}

function fastReference(value: string): string | undefined {
  const text = value.trim();
  return text.length >= 1 && text.length <= REFERENCE_MAX_LENGTH ? text : undefined;
}
