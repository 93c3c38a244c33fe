/**
 * One user as one line of the People export: each cell read, neutralised
 * against CSV injection and quoted, then joined by the delimiter.
 *
 * @module
 */
import type { User } from '../core/schemas.js';
import { cellReader, FEW_VALUED_COLUMNS, type PeopleColumnKey, type PeopleNames } from './columns.js';
import { csvCellQuoter } from './csv-cell.js';
import { neutraliseCell } from './neutralise.js';

/** A value's cell as written: neutralised, then quoted when needed. */
type CellWriter = (value: string) => string;

/**
 * A formatter of export lines (without the line break) for the given columns.
 *
 * Cells of columns with few distinct values (area and partner names and ids,
 * account type and state, block reason, source) are written once per distinct
 * value and remembered for the rest of the export. A line of one empty cell is
 * written `""`: bare, it would be a blank line, which readers skip.
 *
 * @param columns - the columns, in order (at least one)
 * @param names - area and organization names by id
 * @param delimiter - the cell delimiter
 * @returns `(user) => line`
 */
export function exportRowFormatter(columns: readonly PeopleColumnKey[], names: PeopleNames, delimiter: string): (user: User) => string {
  const quote = csvCellQuoter(delimiter);
  const write: CellWriter = columns.length === 1 ? (value) => (value === '' ? '""' : quote(neutraliseCell(value))) : (value) => quote(neutraliseCell(value));
  const cells = columns.map((key): ((user: User) => string) => {
    const read = cellReader(key);
    if (!FEW_VALUED_COLUMNS.has(key)) return (user) => write(read(user, names));
    const written = new Map<string, string>();
    return (user) => {
      const value = read(user, names);
      let cell = written.get(value);
      if (cell === undefined) {
        cell = write(value);
        written.set(value, cell);
      }
      return cell;
    };
  });
  const [first, ...rest] = cells as [(user: User) => string, ...((user: User) => string)[]];
  return (user) => {
    let line = first(user);
    for (const cell of rest) line += delimiter + cell(user);
    return line;
  };
}

/**
 * The header line (without the line break): each label neutralised and quoted
 * like a cell.
 *
 * @param labels - the header labels, in column order
 * @param delimiter - the cell delimiter
 * @returns the header line
 */
export function exportHeaderLine(labels: readonly string[], delimiter: string): string {
  const quote = csvCellQuoter(delimiter);
  return labels.map((label) => quote(neutraliseCell(label))).join(delimiter);
}
