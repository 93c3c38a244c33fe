/**
 * The People export: every user (or a filtered set) as CSV, streamed in chunks.
 *
 * @module
 */
import Papa from 'papaparse';
import { z } from 'zod';
import { userFilterSchema, type ListUsersOptions, type User, type UserFilter } from '../core/schemas.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { parseInput } from '../service/validate.js';
import { CELL_READERS, DEFAULT_PEOPLE_COLUMNS, PEOPLE_COLUMN_KEYS, PEOPLE_COLUMN_LABELS, type PeopleColumnKey, type PeopleNames } from './columns.js';
import { neutraliseCell } from './neutralise.js';

/** What the export reads from: a seatkeeper instance, or anything with its iterable `listUsers` and its `summary`. */
export interface PeopleExportSource extends Pick<Seatkeeper, 'summary'> {
  /** Every user matching the options, as `Seatkeeper.listUsers` without `limit` gives them. */
  listUsers(options?: ListUsersOptions): AsyncIterable<User>;
}

/** The delimiters an export may use. `;` suits spreadsheets in locales where `,` is the decimal mark. */
export const csvDelimiterSchema = z.enum([',', ';', '\t', '|']);
/** A CSV delimiter. */
export type CsvDelimiter = z.infer<typeof csvDelimiterSchema>;

/** Options of {@link exportPeopleCsv}. */
export const peopleExportOptionsSchema = z.strictObject({
  /** The columns, in order. Default {@link DEFAULT_PEOPLE_COLUMNS}. */
  columns: z
    .array(z.enum(PEOPLE_COLUMN_KEYS))
    .min(1, 'must name at least one column')
    .refine((columns) => new Set(columns).size === columns.length, 'must name each column at most once')
    .optional(),
  /** Header labels to use instead of the defaults, by column. */
  headers: z.partialRecord(z.enum(PEOPLE_COLUMN_KEYS), z.string().trim().min(1, 'must not be empty').max(200)).optional(),
  /** Which users: the `listUsers` filter (area, organization, state, kind, block reason, source, search). Default every user. */
  filter: userFilterSchema.optional(),
  /** Start with a UTF-8 byte order mark, so Excel reads accents right. Default `false`. */
  bom: z.boolean().optional(),
  /** The cell delimiter. Default `,`. */
  delimiter: csvDelimiterSchema.optional(),
  /** The line break between rows. Default `\r\n` (RFC 4180, what Excel writes). */
  newline: z.enum(['\r\n', '\n']).optional(),
  /** Rows per yielded chunk (and users per page read). Default 1,000. */
  rowsPerChunk: z.number().int().min(1).max(10_000).optional(),
});
/** Options of {@link exportPeopleCsv}. */
export type PeopleExportOptions = z.input<typeof peopleExportOptionsSchema>;

interface ExportSettings {
  readonly columns: readonly PeopleColumnKey[];
  readonly labels: readonly string[];
  readonly filter: UserFilter;
  readonly bom: boolean;
  readonly delimiter: string;
  readonly newline: string;
  readonly rowsPerChunk: number;
}

/**
 * The People export as an async iterable of CSV text chunks: first the header
 * row, then the users ordered by username ignoring case. Users are read page by
 * page and each chunk is formatted and handed over before the next page is
 * read, so memory stays flat however many users there are. Area and
 * organization names are read once, up front.
 *
 * Every cell that could start a spreadsheet formula is neutralised (see
 * `neutraliseCell`); `Papa.unparse` then writes each chunk, quoting cells with
 * the delimiter, quotes, line breaks or edge spaces. Dates are ISO 8601
 * (`Date#toISOString`). The text ends with a line break.
 *
 * Options are validated when this is called, before anything is read.
 *
 * @param seats - the seatkeeper instance
 * @param options - columns, header labels, filter, BOM, delimiter, newline, chunk size
 * @returns CSV chunks; join them for the whole file
 * @throws InvalidInputError when an option is malformed
 * @example
 * ```ts
 * import { exportPeopleCsv } from 'seatkeeper/csv';
 *
 * for await (const chunk of exportPeopleCsv(seats, { filter: { state: 'blocked' }, bom: true })) out.write(chunk);
 * ```
 */
export function exportPeopleCsv(seats: PeopleExportSource, options: PeopleExportOptions = {}): AsyncIterable<string> {
  const data = parseInput(peopleExportOptionsSchema, options, 'exportPeopleCsv options');
  const columns = data.columns ?? DEFAULT_PEOPLE_COLUMNS;
  const settings: ExportSettings = {
    columns,
    labels: columns.map((key) => data.headers?.[key] ?? PEOPLE_COLUMN_LABELS[key]),
    filter: data.filter ?? {},
    bom: data.bom ?? false,
    delimiter: data.delimiter ?? ',',
    newline: data.newline ?? '\r\n',
    rowsPerChunk: data.rowsPerChunk ?? 1_000,
  };
  return { [Symbol.asyncIterator]: () => exportChunks(seats, settings) };
}

async function* exportChunks(seats: PeopleExportSource, settings: ExportSettings): AsyncGenerator<string, void, undefined> {
  const names = await readNames(seats);
  const readers = settings.columns.map((key) => CELL_READERS[key]);
  const config: Papa.UnparseConfig = {
    delimiter: settings.delimiter,
    newline: settings.newline,
    // A row of one empty cell would be a blank line, which readers skip: quoted, it is a row.
    quotes: settings.columns.length === 1 ? (value: unknown) => value === '' : false,
    // Our own guard (neutraliseCell) runs instead: papaparse's is not reversible.
    escapeFormulae: false,
  };
  // The header travels with the first rows; each chunk of rows is written by Papa.unparse and let go.
  let rows: string[][] = [settings.labels.map(neutraliseCell)];
  let prefix = settings.bom ? '\uFEFF' : '';
  let count = 0;
  for await (const user of seats.listUsers({ ...settings.filter, pageSize: settings.rowsPerChunk })) {
    rows.push(readers.map((read) => neutraliseCell(read(user, names))));
    if (++count % settings.rowsPerChunk === 0) {
      yield prefix + Papa.unparse(rows, config) + settings.newline;
      rows = [];
      prefix = '';
    }
  }
  if (rows.length > 0) yield prefix + Papa.unparse(rows, config) + settings.newline;
}

/** Area and organization names by id, from one summary read. */
async function readNames(seats: PeopleExportSource): Promise<PeopleNames> {
  const { areas } = await seats.summary();
  return {
    areas: new Map(areas.map((a) => [a.areaId, a.name])),
    organizations: new Map(areas.flatMap((a) => a.organizations.map((o) => [o.organizationId, o.name] as const))),
  };
}
