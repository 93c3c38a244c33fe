/**
 * Writing one CSV cell, quoted when a reader would otherwise misread it. The
 * export used to hand every chunk to `Papa.unparse`; this applies the same
 * rules (the tests compare the two on arbitrary text) without papaparse's
 * per-cell configuration checks, which cost more than the rest of the export.
 *
 * @module
 */

/**
 * A quoter for cells separated by `delimiter`, following `Papa.unparse` with
 * `quotes: false`: a cell is wrapped in double quotes, its quotes doubled, when
 * it contains a double quote, a carriage return, a line feed, a byte order
 * mark or the delimiter, or when it starts or ends with a space (which some
 * readers trim). Any other cell is written as it is.
 *
 * @param delimiter - the one-character cell delimiter
 * @returns `(cell) => text as written`
 */
export function csvCellQuoter(delimiter: string): (cell: string) => string {
  const code = delimiter.charCodeAt(0).toString(16).padStart(4, '0');
  // One compiled test per cell; the delimiter is written as an escape so any character is safe in the class.
  const needsQuotes = new RegExp(`["\\r\\n\\uFEFF\\u${code}]|^ | $`);
  return (cell) => (needsQuotes.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
}
