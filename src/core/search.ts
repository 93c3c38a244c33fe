/**
 * How `listUsers({ search })` finds people: one fold for the search text and
 * for the fields it is matched against, so every repository answers alike.
 *
 * The fold is the username rule (`usernameKey`: case, width and Unicode
 * composition ignored) plus accents: after canonical decomposition (NFD) every
 * combining mark (`\p{M}`) is dropped, then the text is recomposed (NFC). So
 * `EMILE`, `émile` and `e\u0301mile` (an `e` and a combining acute) fold alike.
 * Letters that are letters of their own, not a base letter with a mark, stay
 * themselves: `ø`, `æ`, `ł` and `đ` do not match `o`, `ae`, `l` and `d`.
 *
 * A search matches when the folded text occurs anywhere ("contains", not
 * "starts with") in the folded username, display name or email address, each
 * field on its own: a search never spans two fields. A search that folds to
 * nothing (blank, or only marks) matches every user.
 *
 * Pure: no I/O, runs in a browser.
 *
 * @module
 */
import { usernameKey, type User } from './schemas.js';

/** Every combining mark: accents, diacritics, and the vowel signs of scripts that write vowels as marks. */
const COMBINING_MARKS = /\p{M}/gu;

/**
 * Separates the fields in a {@link userSearchKey}. A control character, which
 * a search text never contains (`listUsers` refuses one), so a search cannot
 * match across two fields.
 */
export const SEARCH_FIELD_SEPARATOR = '\u001f';

/**
 * Folds text for searching: the username fold (`usernameKey`), then accents
 * and other combining marks removed.
 *
 * @param text - a search text, or a username, display name or email address
 * @returns the folded text; equal folds match
 * @example
 * ```ts
 * searchKey('Émile');        // 'emile'
 * searchKey('E\u0301MILE');  // 'emile' (decomposed input folds alike)
 * searchKey('Øystein');      // 'øystein' (ø is a letter of its own)
 * ```
 */
export function searchKey(text: string): string {
  // Trimmed again: a mark removed from either end may leave a space there.
  return usernameKey(text).normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC').trim();
}

/**
 * What a repository stores to search a user by: the folded username, display
 * name and email address, joined by {@link SEARCH_FIELD_SEPARATOR} (a missing
 * field is empty). Recompute it on every insert and update; a user matches a
 * search when this contains the folded search text.
 *
 * @param user - the user's searchable fields
 * @returns the stored search key
 * @example
 * ```ts
 * userSearchKey({ username: 'emile', displayName: 'Émile Zola', email: 'EZ@example.org' });
 * // 'emile\u001femile zola\u001fez@example.org'
 * ```
 */
export function userSearchKey(user: Pick<User, 'username' | 'displayName' | 'email'>): string {
  return [searchKey(user.username), searchKey(user.displayName ?? ''), searchKey(user.email ?? '')].join(SEARCH_FIELD_SEPARATOR);
}

/**
 * The SQL `LIKE` pattern that finds a search text in a stored search key:
 * the folded text between `%` wildcards, with `\`, `%` and `_` escaped by a
 * backslash (the default `LIKE` escape character of PostgreSQL and MySQL), so
 * they match themselves.
 *
 * @param search - the search text as the caller gave it
 * @returns the pattern, e.g. `%50\%%` for `50%`
 */
export function searchLikePattern(search: string): string {
  return `%${searchKey(search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
