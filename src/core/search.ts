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
 * For stores that index the search: `searchKeyGrams` gives the n-grams an
 * inverted index holds per user, `searchGrams` those a search looks up, and
 * `searchLikePattern` the exact SQL test that follows.
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

/** The longest n-gram {@link searchKeyGrams} indexes, in code points: a search of this many or more is found by its n-grams of this length. */
export const SEARCH_GRAM_LENGTH = 3;

/**
 * The n-grams of a stored search key an index holds: every distinct run of 1
 * to {@link SEARCH_GRAM_LENGTH} code points that does not cross a field
 * separator. A key contains a search only if it holds all of
 * {@link searchGrams}`(search)`, so an inverted index on these (a GIN index,
 * a multi-valued index, a table of grams) finds the candidates of any search,
 * of any length and script; the exact "contains" test then keeps the matches.
 *
 * @param storedKey - a {@link userSearchKey}
 * @returns its grams, sorted by code unit
 * @example
 * ```ts
 * searchKeyGrams('zoe'); // ['e', 'o', 'oe', 'z', 'zo', 'zoe']
 * ```
 */
export function searchKeyGrams(storedKey: string): string[] {
  const grams = new Set<string>();
  for (const field of storedKey.split(SEARCH_FIELD_SEPARATOR)) {
    const points = Array.from(field);
    for (let n = 1; n <= SEARCH_GRAM_LENGTH; n++) {
      for (let i = 0; i + n <= points.length; i++) grams.add(points.slice(i, i + n).join(''));
    }
  }
  return [...grams].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The n-grams a stored key must hold to contain a search (see
 * {@link searchKeyGrams}): the folded text itself when it is shorter than
 * {@link SEARCH_GRAM_LENGTH} code points, else each of its distinct runs of
 * that length. Empty for a search that folds to nothing.
 *
 * @param search - the search text as the caller gave it
 * @returns the grams to look up, sorted by code unit
 * @example
 * ```ts
 * searchGrams('Émile'); // ['emi', 'ile', 'mil']
 * searchGrams('Li');    // ['li']
 * ```
 */
export function searchGrams(search: string): string[] {
  const points = Array.from(searchKey(search));
  if (points.length === 0) return [];
  if (points.length < SEARCH_GRAM_LENGTH) return [points.join('')];
  const grams = new Set<string>();
  for (let i = 0; i + SEARCH_GRAM_LENGTH <= points.length; i++) grams.add(points.slice(i, i + SEARCH_GRAM_LENGTH).join(''));
  return [...grams].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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
