/**
 * The CSV-injection guard (OWASP "CSV Injection"). A spreadsheet treats a cell
 * starting with `=`, `+`, `-` or `@` as a formula; a tab or carriage return
 * can hide one, some spreadsheets trim leading spaces before deciding, and
 * some read the full-width and small-form look-alikes (`＝ ＋ － ＠ ﹦ ﹢ ﹣`)
 * as their ASCII forms. The export prefixes such cells with an apostrophe,
 * which makes the cell text: it is never run.
 *
 * The rule is reversible, so an export re-imports losslessly:
 * - a value is **guarded** when, after any leading apostrophes and then any
 *   whitespace, its first character is a trigger (see {@link FORMULA_TRIGGERS});
 * - export: a value matching `^'*\s*[trigger]` gets one more `'` in front;
 * - import: a cell matching `^'+\s*[trigger]` loses one `'`; every other cell is kept as is.
 *
 * So `=1+1` exports as `'=1+1`, `  =1+1` as `'  =1+1`, and a value that really
 * is `'=1+1` as `''=1+1`; all import back unchanged. A value starting with an
 * apostrophe not followed by a trigger (`'tis`) is never touched. A
 * hand-written `'=x` in an uploaded file imports as `=x`, which is what the
 * apostrophe means to a spreadsheet user.
 *
 * @module
 */

/**
 * The characters that make a spreadsheet read a cell as a formula when they
 * come first (after any whitespace): `=`, `+`, `-`, `@`, tab, carriage return,
 * and the full-width and small-form look-alikes of the first four
 * (U+FF1D `＝`, U+FF0B `＋`, U+FF0D `－`, U+FF20 `＠`, U+FE66 `﹦`, U+FE62 `﹢`, U+FE63 `﹣`).
 */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', '\uFE66', '\uFE62', '\uFE63'];

/** Every trigger as a `\uXXXX` escape (all are in the Basic Multilingual Plane), for a character class. */
const TRIGGER_CLASS = FORMULA_TRIGGERS.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
/** A value a spreadsheet could run, or what the guard made of one: apostrophes, whitespace, then a trigger. */
const RUNNABLE = new RegExp(`^'*\\s*[${TRIGGER_CLASS}]`);
/** A guarded cell: at least one apostrophe, then whitespace, then a trigger. */
const GUARDED = new RegExp(`^'+\\s*[${TRIGGER_CLASS}]`);

/**
 * Makes a cell safe to open in a spreadsheet.
 *
 * @param value - the cell's text
 * @returns the text, with an apostrophe prefixed when it (after any leading apostrophes and whitespace) starts with a trigger
 * @example
 * ```ts
 * neutraliseCell('=HYPERLINK("http://evil")'); // "'=HYPERLINK(\"http://evil\")"
 * neutraliseCell('  +1');                      // "'  +1"
 * neutraliseCell('＝1+1');                      // "'＝1+1"
 * neutraliseCell('alice');                     // 'alice'
 * ```
 */
export function neutraliseCell(value: string): string {
  return RUNNABLE.test(value) ? `'${value}` : value;
}

/**
 * Reverses {@link neutraliseCell}: `restoreCell(neutraliseCell(v)) === v` for every string.
 *
 * @param cell - a cell as read from the CSV
 * @returns the value, without the guarding apostrophe when there is one
 * @example
 * ```ts
 * restoreCell("'=SUM(A1)"); // '=SUM(A1)'
 * restoreCell("' -1");      // ' -1'
 * restoreCell("'tis");      // "'tis"
 * ```
 */
export function restoreCell(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}
