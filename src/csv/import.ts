/**
 * The People import: a CSV upload validated row by row, seats checked for the
 * whole file, then written atomically (or best effort).
 *
 * @module
 */
import { z } from 'zod';
import { bulkModeSchema } from '../core/bulk-schemas.js';
import { idSchema } from '../core/schemas.js';
import { InvalidInputError, UnknownAreaError, UnknownOrganizationError } from '../errors.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { parseInput } from '../service/validate.js';
import { headerLookup, PEOPLE_COLUMN_KEYS } from './columns.js';
import { csvDelimiterSchema } from './export.js';
import { summariseImport, type CsvRowAccepted, type CsvRowRefusal, type PeopleImportReport } from './import-report.js';
import { readCsvRows } from './read-rows.js';
import { RowReader, type Candidate } from './row-reader.js';
import { SiteDirectory } from './site-directory.js';
import { isCsvInput, type CsvInput } from './text-input.js';

/** What the import writes to: a seatkeeper instance, or anything with its `summary` and `createUsers`. */
export type PeopleImportTarget = Pick<Seatkeeper, 'summary' | 'createUsers'>;

/** Options of {@link importPeopleCsv}. */
export const peopleImportOptionsSchema = z.strictObject({
  /** The area of rows without an Area / Area id cell. Required unless every row names its area. */
  areaId: idSchema.optional(),
  /** The partner organization of rows without an Organization / Organization id cell; `null` (default) for the host company. */
  organizationId: idSchema.nullable().optional(),
  /** `all-or-nothing` (default) or `best-effort`. */
  mode: bulkModeSchema.optional(),
  /** Validate and check seats, report, write nothing and notify nobody. Default `false`. */
  dryRun: z.boolean().optional(),
  /**
   * Extra header labels per column, matched ignoring case, spaces and punctuation.
   * Pass an export's `headers` here to re-import a relabelled export.
   */
  columns: z
    .partialRecord(z.enum(PEOPLE_COLUMN_KEYS), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))
    .optional(),
  /** The cell delimiter. Default `,`. */
  delimiter: csvDelimiterSchema.optional(),
  /** The text encoding of byte input (a WHATWG label such as `utf-8` or `windows-1252`). Default `utf-8`. */
  encoding: z
    .string()
    .refine((label) => encodingSupported(label), 'must be an encoding this runtime can decode, e.g. utf-8 or windows-1252')
    .optional(),
  /** Kept as `blockedBy` on users imported blocked. Default `csv import`. */
  blockedBy: z.string().trim().min(1).max(200).optional(),
});
/** Options of {@link importPeopleCsv}. */
export type PeopleImportOptions = z.input<typeof peopleImportOptionsSchema>;

/**
 * Imports people from a CSV upload.
 *
 * 1. The header maps to columns ignoring case, spaces and punctuation; the
 *    export's own labels are recognised, so an export re-imports. A Username
 *    column is required; an Area (or Area id) column unless `areaId` is given.
 * 2. papaparse reads the rows (a stream as it arrives, through `node:stream`,
 *    loaded on first use), and each is validated with `peopleCsvRowSchema`;
 *    errors name the physical line (the header is line 1; a row starts where
 *    its first cell does) and the column.
 *    Neutralised cells (`'=...`) are restored. Usernames and external ids
 *    repeated in the file are errors. Areas and organizations are named by id
 *    or by name. System accounts are skipped.
 * 3. Seats are checked for the whole file under the area locks before anything
 *    is written (`createUsers`). Rows with `Account state` `No` are created
 *    blocked by an admin and take no seat. Users get `source: 'csv'`.
 *
 * `all-or-nothing` (default) writes nothing unless every row is valid and gets
 * a seat; the report then lists the shortages (seats short per area, smallest
 * purchase). `best-effort` creates the valid rows in order while seats last and
 * refuses the rest with reasons. Both notify the responsible person when seats
 * were refused, except in a dry run.
 *
 * @param seats - the seatkeeper instance
 * @param csv - the upload: a string, a Web `ReadableStream`, a Node `Readable` or an async iterable of text or bytes
 * @param options - default `areaId` / `organizationId`, `mode`, `dryRun`, extra header labels, delimiter, encoding
 * @returns the report: rows accepted, errors, refusals, shortages
 * @throws InvalidInputError when an option or the input's type is malformed, or bytes are not valid text
 * @throws UnknownAreaError, UnknownOrganizationError when the `areaId` / `organizationId` option is not defined
 * @throws StreamFailedError when the input stream fails
 * @example
 * ```ts
 * import { importPeopleCsv } from 'seatkeeper/csv';
 *
 * const report = await importPeopleCsv(seats, csvText, { areaId: 'primary' });
 * if (!report.ok) {
 *   for (const e of report.errors) console.log(`line ${e.line}, ${e.column ?? 'row'}: ${e.message}`);
 *   for (const s of report.shortages) console.log(s.message);
 * }
 * ```
 */
export async function importPeopleCsv(seats: PeopleImportTarget, csv: CsvInput, options: PeopleImportOptions = {}): Promise<PeopleImportReport> {
  const data = parseInput(peopleImportOptionsSchema, options, 'importPeopleCsv options');
  if (!isCsvInput(csv)) {
    throw new InvalidInputError('importPeopleCsv input', [
      { path: [], code: 'invalid_type', message: 'must be a string, a ReadableStream, a Node Readable or an async iterable of strings or bytes' },
    ]);
  }
  const mode = data.mode ?? 'all-or-nothing';
  const dryRun = data.dryRun ?? false;
  const directory = new SiteDirectory(await seats.summary());
  if (data.areaId !== undefined && !directory.hasArea(data.areaId)) throw new UnknownAreaError(data.areaId);
  if (data.organizationId != null && !directory.hasOrganization(data.organizationId)) {
    throw new UnknownOrganizationError(data.organizationId, data.areaId);
  }

  const delimiter = data.delimiter ?? ',';
  const reader = new RowReader(directory, {
    lookup: headerLookup(data.columns ?? {}),
    delimiter,
    areaId: data.areaId,
    organizationId: data.organizationId ?? null,
  });
  await readCsvRows(csv, { delimiter, encoding: data.encoding ?? 'utf-8' }, (row) => reader.read(row));

  const { candidates } = reader;
  const bulk =
    candidates.length === 0
      ? undefined
      : await seats.createUsers(
          candidates.map((c) => c.entry),
          {
            mode,
            dryRun: dryRun || (mode === 'all-or-nothing' && reader.errors.length > 0),
            source: 'csv',
            blockedBy: data.blockedBy ?? 'csv import',
          },
        );
  const accepted: CsvRowAccepted[] = [];
  const refused: CsvRowRefusal[] = [];
  bulk?.results.forEach((result, index) => {
    const { line, entry } = candidates[index] as Candidate;
    if (result.ok) accepted.push({ line, user: result.user });
    else refused.push({ line, username: entry.username, reason: result.reason });
  });

  const report = {
    ok: reader.errors.length === 0 && refused.length === 0,
    mode,
    dryRun,
    written: bulk?.written ?? false,
    rows: reader.rows,
    created: bulk?.created ?? 0,
    accepted,
    errors: reader.errors,
    refused,
    skipped: reader.skipped,
    shortages: bulk?.shortages ?? [],
    ignoredColumns: reader.ignoredColumns,
  };
  return { ...report, message: summariseImport(report) };
}

function encodingSupported(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}
