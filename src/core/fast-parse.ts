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

/** An entry's fields as given, before validation. */
interface EntryFields {
  readonly username?: unknown;
  readonly areaId?: unknown;
  readonly organizationId?: unknown;
  readonly email?: unknown;
  readonly displayName?: unknown;
  readonly externalId?: unknown;
  readonly state?: unknown;
}

/** Marks a field its twin refused, as opposed to an absent one (`undefined`). */
const INVALID = Symbol('invalid');

/** A present field through its twin; an absent field stays `undefined`. */
function optional<T>(value: unknown, parse: (value: unknown) => T | undefined): T | undefined | typeof INVALID {
  if (value === undefined) return undefined;
  const parsed = parse(value);
  return parsed === undefined ? INVALID : parsed;
}

/** Whether `bulkUserInputSchema` (a strict object) knows the key. */
function isEntryKey(key: string): boolean {
  switch (key) {
    case 'username':
    case 'areaId':
    case 'organizationId':
    case 'email':
    case 'displayName':
    case 'externalId':
    case 'state':
      return true;
    default:
      return false;
  }
}

/**
 * What `bulkUserInputSchema` gives for `value`, or `undefined` when it might
 * fail. Only plain objects (and objects without a prototype) are decided
 * here, so `for...in` sees exactly their own keys; anything else goes to the
 * schema. As in zod, an optional key present with the value `undefined` stays
 * present in the output, and an absent one stays absent.
 *
 * A frozen plain entry already in parsed form (nothing to trim) is returned
 * as it is: no one can change it, so it is as good as zod's copy, and a bulk
 * import that hands over frozen entries does not have each one copied.
 *
 * @param value - one `createUsers` entry as the caller passed it
 * @returns the parsed entry, or `undefined`: run the schema
 */
export function fastBulkUserInput(value: unknown): BulkUserEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const input = value as EntryFields;
  for (const key in input) if (!isEntryKey(key)) return undefined;
  const username = fastUsername(input.username);
  const areaId = fastId(input.areaId);
  const organizationId = optional(input.organizationId, fastOrganizationId);
  const email = optional(input.email, fastEmail);
  const displayName = optional(input.displayName, fastDisplayName);
  const externalId = optional(input.externalId, fastId);
  const state = optional(input.state, fastState);
  if (
    username === undefined ||
    areaId === undefined ||
    organizationId === INVALID ||
    email === INVALID ||
    displayName === INVALID ||
    externalId === INVALID ||
    state === INVALID
  ) {
    return undefined;
  }
  const unchanged =
    username === input.username &&
    areaId === input.areaId &&
    organizationId === input.organizationId &&
    email === input.email &&
    displayName === input.displayName &&
    externalId === input.externalId;
  if (unchanged && prototype === Object.prototype && Object.isFrozen(value)) return value as BulkUserEntry;
  const entry: { -readonly [K in keyof BulkUserEntry]: BulkUserEntry[K] } = { username, areaId };
  if ('organizationId' in input) entry.organizationId = organizationId;
  if ('email' in input) entry.email = email;
  if ('displayName' in input) entry.displayName = displayName;
  if ('externalId' in input) entry.externalId = externalId;
  if ('state' in input) entry.state = state;
  return entry;
}

function fastOrganizationId(value: unknown): string | null | undefined {
  return value === null ? null : fastId(value);
}

function fastState(value: unknown): 'active' | 'blocked' | undefined {
  return value === 'active' || value === 'blocked' ? value : undefined;
}
