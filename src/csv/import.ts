/**
 * The People import: a CSV upload validated row by row, seats checked for the
 * whole file, then written atomically (or best effort).
 *
 * @module
 */
import { z } from 'zod';
import { bulkModeSchema } from '../core/bulk-schemas.js';
import { actorSchema, idSchema } from '../core/schemas.js';
import { NAME_MAX_LENGTH, requiredText } from '../core/text-rules.js';
import { InvalidInputError, UnknownAreaError, UnknownOrganizationError } from '../errors.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { parseInput } from '../service/validate.js';
import { headerLookup, PEOPLE_COLUMN_KEYS } from './columns.js';
import { csvDelimiterSchema } from './export.js';
import { summariseImport, type CsvFileProblem, type CsvRowAccepted, type CsvRowRefusal, type PeopleImportReport } from './import-report.js';
import { readCsvRows, type ReadOutcome } from './read-rows.js';
import { RowReader, type Candidate } from './row-reader.js';
import { SiteDirectory } from './site-directory.js';
import { isCsvInput, type CsvInput } from './text-input.js';

/** What the import writes to: a seatkeeper instance, or anything with its `summary` and `createUsers`. */
export type PeopleImportTarget = Pick<Seatkeeper, 'summary' | 'createUsers'>;

/**
 * The limits of an import unless its options say otherwise:
 * - `maxRows`, 100,000: a large site's People list in one upload. Rows are
 *   held until the seats are checked, about 1.5 KB each while the import
 *   runs, so about 150 MB at the limit;
 * - `maxBytes`, 50 MiB: 100,000 rows of all fourteen export columns, with long
 *   names, emails and external ids, take about 27 MB, so the row limit is met
 *   first by any real People list; the byte limit stops a file of a few huge rows;
 * - `maxErrors`, 100: errors (and refusals) listed in the report; the rest are counted.
 */
export const DEFAULT_PEOPLE_IMPORT_LIMITS = {
  /** The largest upload read, in bytes: 50 MiB. */
  maxBytes: 50 * 1024 * 1024,
  /** The most data rows read: 100,000. */
  maxRows: 100_000,
  /** The most errors (and refusals) listed in the report: 100. */
  maxErrors: 100,
} as const;

/** The highest `maxRows` accepted: what one `createUsers` call takes. */
const MAX_ROWS_CEILING = 10_000_000;

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
  /** Kept as `blockedBy` on users imported blocked. Default: the actor's id, else `csv import`. */
  blockedBy: requiredText(NAME_MAX_LENGTH).optional(),
  /** Who imports, recorded in the audit trail with every user created. Default `{ id: 'csv-import' }`. */
  actor: actorSchema.optional(),
  /** The largest upload read, in bytes (UTF-8 bytes for text). Default 50 MiB. A larger one is not read past it, and nothing is imported. */
  maxBytes: z.number().int().min(1).optional(),
  /** The most data rows read. Default 100,000, at most 10,000,000. A file with more is not read past it, and nothing is imported. */
  maxRows: z.number().int().min(1).max(MAX_ROWS_CEILING).optional(),
  /** The most errors listed in the report, and the most refusals. Default 100; the rest are counted in `moreErrors` and `moreRefused`. */
  maxErrors: z.number().int().min(1).optional(),
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
 *    its first cell does) and the column. Every 1,000 rows the reading pauses
 *    for a turn of the event loop, so a server stays responsive.
 *    Neutralised cells (`'=...`) are restored. Usernames and external ids
 *    repeated in the file are errors. Areas and organizations are named by id
 *    (the Area id and Organization id columns, which win) or by id or name (the
 *    Area and Organization columns; a cell that is one's id and another's name
 *    is refused as ambiguous). System accounts are skipped.
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
 * The upload is bounded: past `maxBytes` (default 50 MiB) or `maxRows` (default
 * 100,000) reading stops and nothing is imported, in either mode; an empty
 * file imports nothing either. The report says so in `fileProblem`. It lists
 * the first `maxErrors` (default 100) errors and refusals and counts the rest.
 *
 * @param seats - the seatkeeper instance
 * @param csv - the upload: a string, a Web `ReadableStream`, a Node `Readable` or an async iterable of text or bytes
 * @param options - default `areaId` / `organizationId`, `mode`, `dryRun`, extra header labels, delimiter, encoding, limits,
 *   and `actor`: who imports, recorded in the audit trail (default `csv-import`)
 * @returns the report: rows accepted, file problem, errors, refusals, shortages
 * @throws InvalidInputError when an option or the input's type is malformed, or bytes are not valid text
 * @throws UnknownAreaError, UnknownOrganizationError when the `areaId` / `organizationId` option is not defined
 * @throws StreamFailedError when the input stream fails
 * @example
 * ```ts
 * import { importPeopleCsv } from 'seatkeeper/csv';
 *
 * const report = await importPeopleCsv(seats, csvText, { areaId: 'primary' });
 * if (!report.ok) {
 *   if (report.fileProblem !== null) console.log(report.fileProblem.message);
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
  const maxBytes = data.maxBytes ?? DEFAULT_PEOPLE_IMPORT_LIMITS.maxBytes;
  const maxRows = data.maxRows ?? DEFAULT_PEOPLE_IMPORT_LIMITS.maxRows;
  const maxErrors = data.maxErrors ?? DEFAULT_PEOPLE_IMPORT_LIMITS.maxErrors;
  const reader = new RowReader(directory, {
    lookup: headerLookup(data.columns ?? {}),
    delimiter,
    areaId: data.areaId,
    organizationId: data.organizationId ?? null,
    maxRows,
    maxErrors,
  });
  const outcome = await readCsvRows(csv, { delimiter, encoding: data.encoding ?? 'utf-8', maxBytes }, (row) => reader.read(row));
  const fileProblem = describeFileProblem(outcome, reader, { maxBytes, maxRows });

  // A file cut short at a limit is not imported in part, in any mode: which rows are missing is the file's business.
  const candidates = fileProblem === null ? reader.candidates : [];
  const bulk =
    candidates.length === 0
      ? undefined
      : await seats.createUsers(
          candidates.map((c) => c.entry),
          {
            mode,
            dryRun: dryRun || (mode === 'all-or-nothing' && reader.errors.length > 0),
            source: 'csv',
            blockedBy: data.blockedBy ?? data.actor?.id ?? 'csv import',
            ...(data.actor === undefined ? {} : { actor: data.actor }),
          },
        );
  const accepted: CsvRowAccepted[] = [];
  const refused: CsvRowRefusal[] = [];
  let moreRefused = 0;
  bulk?.results.forEach((result, index) => {
    const { line, entry } = candidates[index] as Candidate;
    if (result.ok) accepted.push({ line, user: result.user });
    else if (refused.length < maxErrors) refused.push({ line, username: entry.username, reason: result.reason });
    else moreRefused += 1;
  });

  const report = {
    ok: fileProblem === null && reader.errors.length === 0 && refused.length === 0,
    mode,
    dryRun,
    written: bulk?.written ?? false,
    rows: reader.rows,
    created: bulk?.created ?? 0,
    accepted,
    fileProblem,
    errors: reader.errors,
    moreErrors: reader.moreErrors,
    refused,
    moreRefused,
    skipped: reader.skipped,
    shortages: bulk?.shortages ?? [],
    ignoredColumns: reader.ignoredColumns,
  };
  return { ...report, message: summariseImport(report) };
}

/** Why the file as a whole is not imported: over a limit, or empty; `null` when it was read whole and has rows. */
function describeFileProblem(outcome: ReadOutcome, reader: RowReader, limits: { readonly maxBytes: number; readonly maxRows: number }): CsvFileProblem | null {
  if (outcome === 'max-bytes') {
    const size = limits.maxBytes % 1_048_576 === 0 ? `${limits.maxBytes / 1_048_576} MiB` : `${limits.maxBytes.toLocaleString('en-US')} bytes`;
    return {
      code: 'MAX_BYTES_EXCEEDED',
      limit: limits.maxBytes,
      line: null,
      message: `Nothing was imported: the file is larger than ${size} (the maxBytes limit), so it was not read past that. Split it into smaller files.`,
    };
  }
  if (reader.stoppedAtMaxRows !== null) {
    const rows = limits.maxRows.toLocaleString('en-US');
    return {
      code: 'MAX_ROWS_EXCEEDED',
      limit: limits.maxRows,
      line: reader.stoppedAtMaxRows,
      message: `Nothing was imported: the file has more than ${rows} rows (the maxRows limit), so it was not read past line ${reader.stoppedAtMaxRows}. Split it into files of at most ${rows} rows.`,
    };
  }
  if (!reader.sawHeader) return { code: 'EMPTY_FILE', limit: null, line: null, message: 'Nothing was imported: the file is empty.' };
  // A header that could not be used is an error of its own; a usable one with nothing under it is an empty file.
  if (reader.rows === 0 && reader.errors.length === 0) return { code: 'EMPTY_FILE', limit: null, line: null, message: 'Nothing was imported: the file has a header but no rows.' };
  return null;
}

function encodingSupported(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}
