/**
 * How usernames compare, and which are refused because they could pass for
 * another. Follows the PRECIS UsernameCaseMapped profile (RFC 8265): width
 * mapping, case mapping (here full Unicode case folding, so `straße` and
 * `STRASSE` are one name), then Unicode normalization form C. Deceptive names
 * are refused rather than compared loosely: invisible (default-ignorable) code
 * points, bidi controls, unassigned and private-use code points, and names that
 * mix scripts beyond what UTS #39's "Highly Restrictive" level allows (`аdmin`
 * with a Cyrillic `а`).
 *
 * The Unicode data comes from maintained sources, not tables written here:
 * the JavaScript engine's Unicode property escapes (`\p{...}`, its ICU data),
 * `unicode-case-folding` (CaseFolding.txt) and `unicode-properties` (Scripts.txt).
 *
 * @module
 */
import { caseFold } from 'unicode-case-folding';
import { getScript } from 'unicode-properties';

/**
 * Why a username is not allowed:
 * - `invisible-character`: a default-ignorable code point (zero-width space,
 *   soft hyphen, word joiner, variation selector...) that renders as nothing;
 * - `bidi-control`: a control that reorders text (U+202E and friends);
 * - `unassigned-character`: a code point Unicode has not assigned, or a private-use one;
 * - `mixed-script`: letters of scripts that are not used together (Latin with
 *   Cyrillic or Greek, say), the classic look-alike attack.
 */
export type UsernameRule = 'invisible-character' | 'bidi-control' | 'unassigned-character' | 'mixed-script';

/** A username that is refused, with the rule and a message that says what to change. */
export interface UsernameProblem {
  /** The rule the username breaks. */
  readonly rule: UsernameRule;
  /** What is wrong and what to do, naming the offending code point. */
  readonly message: string;
}

/** Width mapping (RFC 8265 section 3.3.1): fullwidth and halfwidth forms become their ordinary characters. */
const WIDTH_FORMS = /[\u3000\uFF01-\uFFEE]/gu;

/** Code points that render as nothing (zero-width space, soft hyphen, word joiner, bidi controls, variation selectors...). */
const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The canonical form two usernames are compared by: equal canonical forms are
 * the same name. Trimmed, width-mapped, case-folded (full folding, so `ß` is
 * `ss`), NFC. Invisible (default-ignorable) code points are left out, as
 * Unicode's identifier folding NFKC_Casefold does: new names holding one are
 * refused anyway (see {@link usernameProblem}), and a name stored before that
 * rule (`admin` + zero-width space) compares equal to the name it imitates.
 *
 * @param username - a username as entered
 * @returns its canonical form
 * @example
 * ```ts
 * canonicalUsername('STRASSE') === canonicalUsername('straße'); // true
 * canonicalUsername('e\u0301mile') === canonicalUsername('\u00e9mile'); // true: NFC
 * canonicalUsername('\uff41dmin') === canonicalUsername('admin\u200b'); // true: width, invisible
 * ```
 */
export function canonicalUsername(username: string): string {
  const visible = username.replace(DEFAULT_IGNORABLE, '').trim();
  const widthMapped = visible.replace(WIDTH_FORMS, (c) => c.normalize('NFKC')).replace(DEFAULT_IGNORABLE, '');
  // Folding can leave a decomposed sequence (İ folds to i + U+0307), so normalize after it.
  return caseFold(widthMapped.normalize('NFC')).normalize('NFC');
}

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const BIDI_CONTROL = /\p{Bidi_Control}/u;
const UNASSIGNED = /[\p{Cn}\p{Co}]/u;

/**
 * Why a username is refused, or `null` when it is allowed. Control characters
 * and malformed text are refused for every text field by the schemas; this
 * adds what only matters for a name others must be able to tell apart.
 *
 * @param username - a username, already valid text
 * @returns the problem, or `null`
 * @example
 * ```ts
 * usernameProblem('admin\u200b')?.rule; // 'invisible-character'
 * usernameProblem('\u0430dmin')?.rule;  // 'mixed-script'
 * usernameProblem('émile');             // null
 * ```
 */
export function usernameProblem(username: string): UsernameProblem | null {
  for (const char of username) {
    const at = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    if (BIDI_CONTROL.test(char)) {
      return { rule: 'bidi-control', message: `contains the bidi control ${at}, which reorders how the name is shown. Remove it.` };
    }
    if (INVISIBLE.test(char)) {
      return { rule: 'invisible-character', message: `contains the invisible character ${at}, so it would look like another name. Remove it.` };
    }
    if (UNASSIGNED.test(char)) {
      return { rule: 'unassigned-character', message: `contains ${at}, a code point that is unassigned or for private use. Remove it.` };
    }
  }
  const scripts = mixedScripts(username);
  if (scripts !== null) {
    return {
      rule: 'mixed-script',
      message: `mixes letters of ${scripts.join(' and ')}, which can make it look like another name. Use letters of one script.`,
    };
  }
  return null;
}

/** Scripts that Unicode allows together in a "Highly Restrictive" identifier (UTS #39 section 5.2), besides a single script. */
const ALLOWED_SCRIPT_SETS: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

const scriptPatterns = new Map<string, RegExp>();
/** Whether a character's Script_Extensions include `script`. */
function hasScript(char: string, script: string): boolean {
  let pattern = scriptPatterns.get(script);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(`\\p{Script_Extensions=${script}}`, 'u');
    } catch {
      // A script newer than the engine's Unicode data: no character of it can be matched, so none is.
      pattern = /(?!)/u;
    }
    scriptPatterns.set(script, pattern);
  }
  return pattern.test(char);
}

/**
 * The scripts a username mixes when UTS #39 would flag it, else `null`. Each
 * character's Script_Extensions are intersected (Common and Inherited
 * characters, such as digits and combining marks, fit any script); a name
 * passes when one script covers every character, or one of the allowed
 * combinations (Latin with Han and Japanese kana, Bopomofo or Hangul) does.
 */
function mixedScripts(username: string): string[] | null {
  const chars = [...username];
  const candidates = new Set<string>();
  for (const char of chars) {
    const script: string | null = getScript(char.codePointAt(0) ?? 0);
    if (script !== null && script !== 'Common' && script !== 'Inherited' && script !== 'Unknown') candidates.add(script);
  }
  if (candidates.size <= 1) return null;
  // Characters shared by several scripts (e.g. U+30FC, used in Hiragana and Katakana) narrow nothing on their own.
  const specific = chars.filter((char) => [...candidates].some((script) => hasScript(char, script)));
  const covers = (scripts: readonly string[]) => specific.every((char) => scripts.some((script) => hasScript(char, script)));
  if ([...candidates].some((script) => covers([script]))) return null;
  if (ALLOWED_SCRIPT_SETS.some((set) => covers(set))) return null;
  return [...candidates].sort();
}
