/**
 * The CSV-injection guard. A spreadsheet treats a cell starting with `=`, `+`,
 * `-` or `@` as a formula (tab and carriage return can hide one), so the
 * export prefixes such cells with an apostrophe, which spreadsheets read as
 * "this is text" and do not show.
 *
 * The rule is reversible, so an export re-imports losslessly:
 * - a cell is **neutralised** when it is `'` + a value whose first character,
 *   after any leading apostrophes, is a trigger (`=`, `+`, `-`, `@`, tab, CR);
 * - export: a value matching `^'*[trigger]` gets one more `'` in front;
 * - import: a cell matching `^'+[trigger]` loses one `'`; every other cell is kept as is.
 *
 * So `=1+1` exports as `'=1+1`, and a value that really is `'=1+1` exports as
 * `''=1+1`; both import back unchanged. A value starting with an apostrophe
 * not followed by a trigger (`'tis`) is never touched. A hand-written `'=x` in
 * an uploaded file imports as `=x`, which is what the apostrophe means to a
 * spreadsheet user.
 *
 * @module
 */

/** The characters that make a spreadsheet read a cell as a formula. */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r'];

/**
 * Whether the text, after any leading apostrophes, starts with a formula
 * trigger: what a spreadsheet would run, or what the guard made of such a value.
 */
function startsWithTrigger(text: string): boolean {
  let index = 0;
  while (text.charAt(index) === "'") index++;
  return FORMULA_TRIGGERS.includes(text.charAt(index));
}

/**
 * Makes a cell safe to open in a spreadsheet.
 *
 * @param value - the cell's text
 * @returns the text, with an apostrophe prefixed when it (after any leading apostrophes) starts with a trigger
 * @example
 * ```ts
 * neutraliseCell('=HYPERLINK("http://evil")'); // "'=HYPERLINK(\"http://evil\")"
 * neutraliseCell('alice');                     // 'alice'
 * ```
 */
export function neutraliseCell(value: string): string {
  return startsWithTrigger(value) ? `'${value}` : value;
}

/**
 * Reverses {@link neutraliseCell}: `restoreCell(neutraliseCell(v)) === v` for every string.
 *
 * @param cell - a cell as read from the CSV
 * @returns the value, without the guarding apostrophe when there is one
 * @example
 * ```ts
 * restoreCell("'=SUM(A1)"); // '=SUM(A1)'
 * restoreCell("'tis");      // "'tis"
 * ```
 */
export function restoreCell(cell: string): string {
  return cell.startsWith("'") && startsWithTrigger(cell) ? cell.slice(1) : cell;
}
