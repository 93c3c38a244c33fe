/**
 * The rules every stored text follows, so that what validation accepts every
 * store accepts too: well-formed Unicode (no lone surrogate, which PostgreSQL
 * would silently turn into U+FFFD) and no control characters (NUL, line
 * breaks, tabs, C1 controls), with one message style for every length limit.
 * Internal: the schemas in `schemas.ts` are the public face.
 *
 * @module
 */
import { z } from 'zod';

/** The longest id, in UTF-16 code units (what zod's `max` counts). */
export const ID_MAX_LENGTH = 200;
/** The longest username. */
export const USERNAME_MAX_LENGTH = 255;
/** The longest display name. */
export const DISPLAY_NAME_MAX_LENGTH = 500;
/** The longest area, organization or block-reason name. */
export const NAME_MAX_LENGTH = 200;
/** The longest area or organization reference (name or id) in a CSV row. */
export const REFERENCE_MAX_LENGTH = 200;
/** The longest email address (RFC 5321: a path of 256 octets, less the angle brackets). */
export const EMAIL_MAX_LENGTH = 254;
/** The longest local part of an email address, before the `@` (RFC 5321). */
export const EMAIL_LOCAL_PART_MAX_LENGTH = 64;

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Text of at most `max` characters that every store keeps as it is: refuses
 * lone surrogates and control characters.
 *
 * @param max - the most UTF-16 code units allowed
 * @returns the schema (untrimmed; callers trim where the field is an identifier)
 */
export function storedText(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode text (it contains a lone surrogate)')
    .refine((s) => !CONTROL_CHARACTER.test(s), 'must not contain control characters (NUL, line breaks, tabs...)');
}

/**
 * Like {@link storedText}, trimmed and not empty: ids, usernames and names.
 *
 * @param max - the most UTF-16 code units allowed, after trimming
 * @returns the schema
 */
export function requiredText(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .pipe(storedText(max));
}
