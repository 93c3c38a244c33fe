/**
 * Hand-written twins of the schemas a bulk import runs once per row. zod
 * spends microseconds per object (issue collection, pipes, wrappers); a large
 * CSV upload validates hundreds of thousands of rows, twice (as CSV rows, then
 * as `createUsers` entries). Each twin returns exactly what its schema's
 * successful parse returns, or `undefined` whenever the schema might refuse
 * the value; the caller then runs the schema itself, which reports the issues.
 * So a twin only ever decides the common valid case, and the tests check every
 * twin against its schema on arbitrary input. Internal: not public.
 *
 * @module
 */
import type { z } from 'zod';
import type { bulkUserInputSchema } from './bulk-schemas.js';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_PATTERN, ID_MAX_LENGTH, NO_CONTROL_CHARACTERS, USERNAME_MAX_LENGTH } from './text-rules.js';

/** What `usernameSchema` gives for `value`, or `undefined` when it might fail. */
export function fastUsername(value: unknown): string | undefined {
  return trimmedWithoutControls(value, USERNAME_MAX_LENGTH);
}

/** What `idSchema` gives for `value`, or `undefined` when it might fail. */
export function fastId(value: unknown): string | undefined {
  return trimmedWithoutControls(value, ID_MAX_LENGTH);
}

/** What `emailSchema` gives for `value`, or `undefined` when it might fail. */
export function fastEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return EMAIL_PATTERN.test(text) ? text : undefined;
}

/** What `displayNameSchema` gives for `value`, or `undefined` when it might fail. */
export function fastDisplayName(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= DISPLAY_NAME_MAX_LENGTH ? value : undefined;
}

/** What `.trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS)` gives, or `undefined`. */
function trimmedWithoutControls(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text.length <= max && NO_CONTROL_CHARACTERS.test(text) ? text : undefined;
}

/** One parsed `createUsers` entry. */
export type BulkUserEntry = z.output<typeof bulkUserInputSchema>;

/** The optional fields of a `createUsers` entry, in schema order, with their twins. */
const OPTIONAL_ENTRY_FIELDS: readonly (readonly [key: keyof BulkUserEntry, parse: (value: unknown) => unknown])[] = [
  ['organizationId', (value) => (value === null ? null : fastId(value))],
  ['email', fastEmail],
  ['displayName', fastDisplayName],
  ['externalId', fastId],
  ['state', (value) => (value === 'active' || value === 'blocked' ? value : undefined)],
];

/** Every key `bulkUserInputSchema` knows: it is strict, so any other key is an error. */
const ENTRY_KEYS: ReadonlySet<string> = new Set(['username', 'areaId', ...OPTIONAL_ENTRY_FIELDS.map(([key]) => key)]);

/**
 * What `bulkUserInputSchema` gives for `value`, or `undefined` when it might
 * fail. Only plain objects (and objects without a prototype) are decided
 * here, so `for...in` sees exactly their own keys; anything else goes to the
 * schema. As in zod, an optional key present with the value `undefined` stays
 * present in the output, and an absent one stays absent.
 *
 * @param value - one `createUsers` entry as the caller passed it
 * @returns the parsed entry, or `undefined`: run the schema
 */
export function fastBulkUserInput(value: unknown): BulkUserEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const input = value as Readonly<Record<string, unknown>>;
  for (const key in input) if (!ENTRY_KEYS.has(key)) return undefined;
  const username = fastUsername(input.username);
  const areaId = fastId(input.areaId);
  if (username === undefined || areaId === undefined) return undefined;
  const entry: Record<string, unknown> = { username, areaId };
  for (const [key, parse] of OPTIONAL_ENTRY_FIELDS) {
    const field = input[key];
    if (field === undefined) {
      if (key in input) entry[key] = undefined;
      continue;
    }
    const parsed = parse(field);
    if (parsed === undefined) return undefined;
    entry[key] = parsed;
  }
  return entry as BulkUserEntry;
}
