/**
 * The limits and patterns behind the text schemas of `schemas.ts`, kept apart
 * so that the zod schemas and their hand-written twins (`fast-parse.ts`) read
 * the very same values. Internal: not part of the public surface.
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
/** The longest area or organization reference (name or id) in a CSV row. */
export const REFERENCE_MAX_LENGTH = 200;

/** Non-empty text without control characters (C0 and DEL). */
// eslint-disable-next-line no-control-regex
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]+$/;

/** The addresses `z.email()` accepts by default, named so the schema and its twin share it. */
export const EMAIL_PATTERN: RegExp = z.regexes.email;
