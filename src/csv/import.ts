/**
 * The People import: a CSV upload validated row by row, seats checked for the
 * whole file, then written atomically (or best effort).
 *
 * @module
 */
import { z } from 'zod';
import { bulkModeSchema, type BulkMode, type BulkUserInput } from '../core/bulk-schemas.js';
import type { SeatRefusal } from '../core/seat-policy.js';
import type { SeatShortage } from '../core/seat-shortage.js';
import { idSchema, usernameKey, type User } from '../core/schemas.js';
import type { SiteSummary } from '../core/usage.js';
import { InvalidInputError, UnknownAreaError, UnknownOrganizationError } from '../errors.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { parseInput } from '../service/validate.js';
import { headerLookup, normaliseHeader, PEOPLE_COLUMN_KEYS, PEOPLE_COLUMN_LABELS, type PeopleColumnKey } from './columns.js';
import { csvDelimiterSchema } from './export.js';
import { restoreCell } from './neutralise.js';
import { readCsvRecords, type CsvRecord } from './read-records.js';
import { peopleCsvRowSchema, type PeopleCsvRow } from './row-schema.js';
import { isCsvInput, textChunks, type CsvInput } from './text-input.js';

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

/** A row (or the header) that could not be read or is invalid. */
export interface CsvRowError {
  /** The physical line the row starts on, 1-based; the header is line 1. */
  readonly line: number;
  /** The header label of the offending column as written in the file, or `null` when the whole row is at fault. */
  readonly column: string | null;
  /** The offending column's key, or `null`. */
  readonly field: PeopleColumnKey | null;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** A valid row refused by a licensing rule or a taken username. */
export interface CsvRowRefusal {
  /** The physical line the row starts on. */
  readonly line: number;
  /** The row's username. */
  readonly username: string;
  /** Why: `LICENSE_LIMIT_REACHED`, `PARTNER_QUOTA_REACHED`, `PARTNER_ACCESS_DENIED`, `USERNAME_TAKEN` or `EXTERNAL_ID_TAKEN`. */
  readonly reason: SeatRefusal;
}

/** A row left out on purpose: system accounts are never imported. */
export interface CsvRowSkip {
  /** The physical line the row starts on. */
  readonly line: number;
  /** The row's username. */
  readonly username: string;
  /** Why it was left out. */
  readonly message: string;
}

/** A row that was created, or (when nothing was written) could be. */
export interface CsvRowAccepted {
  /** The physical line the row starts on. */
  readonly line: number;
  /** The user created; when the report's `written` is false, the user that would have been (its id is not reserved). */
  readonly user: User;
}

/** What {@link importPeopleCsv} did, or in a dry run would do. */
export interface PeopleImportReport {
  /** `true` when every row was (or in a dry run could be) created, system accounts aside: no errors, no refusals. */
  readonly ok: boolean;
  /** The mode the import ran in. */
  readonly mode: BulkMode;
  /** Whether this was a dry run. */
  readonly dryRun: boolean;
  /** Whether users were written. */
  readonly written: boolean;
  /** Data rows read (blank lines not counted). */
  readonly rows: number;
  /** Users written. */
  readonly created: number;
  /** Rows created, or that could be created, in file order. */
  readonly accepted: readonly CsvRowAccepted[];
  /** Invalid rows (and header problems), by line and column, in file order. */
  readonly errors: readonly CsvRowError[];
  /** Valid rows refused, with the reason, in file order. */
  readonly refused: readonly CsvRowRefusal[];
  /** System accounts left out. */
  readonly skipped: readonly CsvRowSkip[];
  /** Per area, the seats short for every valid active row and the smallest purchase covering them. */
  readonly shortages: readonly SeatShortage[];
  /** Header labels that match no column; their cells were ignored. */
  readonly ignoredColumns: readonly string[];
  /** The outcome in one or two sentences, for an admin. */
  readonly message: string;
}

/** Columns shown in the export for information; the import reads past them (a new profile gets its own). */
const INFORMATIONAL: ReadonlySet<PeopleColumnKey> = new Set(['blockReason', 'source', 'created', 'updated']);

/**
 * Imports people from a CSV upload (DESIGN.md section 8).
 *
 * 1. The header maps to columns ignoring case, spaces and punctuation; the
 *    export's own labels are recognised, so an export re-imports. A Username
 *    column is required; an Area (or Area id) column unless `areaId` is given.
 * 2. Every row is validated with zod; errors name the physical line (the header
 *    is line 1; a row starts where its first cell does) and the column.
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
  const directory = new Directory(await seats.summary());
  if (data.areaId !== undefined && !directory.hasArea(data.areaId)) throw new UnknownAreaError(data.areaId);
  if (data.organizationId != null && !directory.hasOrganization(data.organizationId)) {
    throw new UnknownOrganizationError(data.organizationId, data.areaId);
  }

  const reader = new RowReader(directory, {
    lookup: headerLookup(data.columns ?? {}),
    delimiter: data.delimiter ?? ',',
    areaId: data.areaId,
    organizationId: data.organizationId ?? null,
  });
  read: for await (const batch of readCsvRecords(textChunks(csv, data.encoding ?? 'utf-8'), data.delimiter ?? ',')) {
    for (const record of batch) {
      if (!reader.read(record)) break read;
    }
  }

  const { candidates } = reader;
  const bulk =
    candidates.length === 0
      ? undefined
      : await seats.createUsers(
          candidates.map((c) => c.entry),
          { mode, dryRun: dryRun || (mode === 'all-or-nothing' && reader.errors.length > 0), source: 'csv', blockedBy: data.blockedBy ?? 'csv import' },
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
  return { ...report, message: summarise(report) };
}

interface Candidate {
  readonly line: number;
  readonly entry: BulkUserInput & { readonly username: string };
}

interface ReaderSettings {
  readonly lookup: ReadonlyMap<string, PeopleColumnKey>;
  readonly delimiter: string;
  readonly areaId: string | undefined;
  readonly organizationId: string | null;
}

/** Column key per cell index (`undefined` for an ignored cell), with the label as written. */
type ColumnMap = readonly ({ readonly key: PeopleColumnKey; readonly label: string } | undefined)[];

/** Reads records one by one: the header first, then rows into candidates, errors and skips. */
class RowReader {
  readonly candidates: Candidate[] = [];
  readonly errors: CsvRowError[] = [];
  readonly skipped: CsvRowSkip[] = [];
  readonly ignoredColumns: string[] = [];
  rows = 0;
  #columns: ColumnMap | undefined;
  readonly #labels = new Map<PeopleColumnKey, string>();
  readonly #usernames = new Map<string, number>();
  readonly #externalIds = new Map<string, number>();
  readonly #directory: Directory;
  readonly #settings: ReaderSettings;

  constructor(directory: Directory, settings: ReaderSettings) {
    this.#directory = directory;
    this.#settings = settings;
  }

  /** Takes the next record; `false` when reading must stop (the header is unusable). */
  read(record: CsvRecord): boolean {
    if (this.#columns === undefined) return this.#readHeader(record);
    if (record.cells.every((cell) => cell === '')) return true;
    this.rows += 1;
    this.#readRow(record, this.#columns);
    return true;
  }

  #readHeader(record: CsvRecord): boolean {
    const fail = (message: string) => {
      this.errors.push({ line: record.line, column: null, field: null, message });
      return false;
    };
    if (record.problem !== undefined) return fail(`The header row is malformed: ${record.problem}.`);
    const columns: ({ key: PeopleColumnKey; label: string } | undefined)[] = [];
    for (const cell of record.cells) {
      const label = restoreCell(cell).trim();
      const key = this.#settings.lookup.get(normaliseHeader(label));
      if (key === undefined) {
        if (label !== '') this.ignoredColumns.push(label);
        columns.push(undefined);
        continue;
      }
      const earlier = this.#labels.get(key);
      if (earlier !== undefined) return fail(`The columns "${earlier}" and "${label}" are both ${PEOPLE_COLUMN_LABELS[key]}; keep one.`);
      this.#labels.set(key, label);
      columns.push({ key, label });
    }
    if (!this.#labels.has('username')) {
      const hint = /[;\t|]/.test(record.cells.join(',')) && this.#settings.delimiter === ',' ? ` If the file is separated by ";", tab or "|", pass that as delimiter.` : '';
      return fail(`No Username column: the header must have one (labelled "Username", or as mapped with the columns option).${hint}`);
    }
    if (!this.#labels.has('area') && !this.#labels.has('areaId') && this.#settings.areaId === undefined) {
      return fail('No Area column and no areaId option: add an Area column (area name or id) or pass areaId for every row.');
    }
    this.#columns = columns;
    return true;
  }

  #readRow(record: CsvRecord, columns: ColumnMap): void {
    const { line } = record;
    const error = (field: PeopleColumnKey | null, message: string) => {
      this.errors.push({ line, column: field === null ? null : (this.#labels.get(field) ?? null), field, message });
    };
    if (record.problem !== undefined) return error(null, `The row is malformed: ${record.problem}. Check its quotes.`);
    const extra = record.cells.slice(columns.length).filter((cell) => cell !== '');
    if (extra.length > 0) {
      return error(null, `The row has ${columns.length + extra.length} values but the header has ${columns.length} columns; quote values that contain "${this.#settings.delimiter}".`);
    }

    const raw: Partial<Record<PeopleColumnKey, string>> = { username: '' };
    columns.forEach((column, index) => {
      if (column === undefined || INFORMATIONAL.has(column.key)) return;
      const value = restoreCell(record.cells[index] ?? '');
      // A display name is kept exactly; elsewhere a blank cell is an empty one.
      if (column.key === 'displayName' ? value !== '' : value.trim() !== '') raw[column.key] = value;
    });
    const parsed = peopleCsvRowSchema.safeParse(raw);
    if (!parsed.success) {
      // One error per cell: the first check that failed says what to fix.
      const reported = new Set<PeopleColumnKey | null>();
      for (const issue of parsed.error.issues) {
        const field = (issue.path[0] as PeopleColumnKey | undefined) ?? null;
        if (reported.has(field)) continue;
        reported.add(field);
        error(field, issue.message);
      }
      return;
    }
    const row = parsed.data;
    if (row.accountType === 'system') {
      this.skipped.push({ line, username: row.username, message: 'System accounts (SuperUser, Guest) are not imported; ensureSystemUsers() creates them.' });
      return;
    }
    if (!this.#claim(line, row, error)) return;

    const area = this.#directory.resolveArea(row, this.#settings.areaId);
    if (!area.ok) return error(area.field, area.message);
    const organization = this.#directory.resolveOrganization(row, area.id, this.#settings.organizationId);
    if (!organization.ok) return error(organization.field, organization.message);
    this.candidates.push({
      line,
      entry: {
        username: row.username,
        areaId: area.id,
        organizationId: organization.id,
        ...(row.email === undefined ? {} : { email: row.email }),
        ...(row.displayName === undefined ? {} : { displayName: row.displayName }),
        ...(row.externalId === undefined ? {} : { externalId: row.externalId }),
        state: row.accountState ?? 'active',
      },
    });
  }

  /** Records the row's username and external id; `false` (with an error) when an earlier row has either. */
  #claim(line: number, row: PeopleCsvRow, error: (field: PeopleColumnKey, message: string) => void): boolean {
    const key = usernameKey(row.username);
    const first = this.#usernames.get(key);
    if (first !== undefined) {
      error('username', `The username "${row.username}" is already on line ${first} (usernames are unique ignoring case).`);
      return false;
    }
    if (row.externalId !== undefined) {
      const firstExternal = this.#externalIds.get(row.externalId);
      if (firstExternal !== undefined) {
        error('externalId', `The external id "${row.externalId}" is already on line ${firstExternal}.`);
        return false;
      }
      this.#externalIds.set(row.externalId, line);
    }
    this.#usernames.set(key, line);
    return true;
  }
}

type Resolution = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly field: PeopleColumnKey; readonly message: string };
type OrganizationResolution =
  | { readonly ok: true; readonly id: string | null }
  | { readonly ok: false; readonly field: PeopleColumnKey; readonly message: string };

/** Areas and partner organizations by id and by name, from one summary read. */
class Directory {
  readonly #areas = new Map<string, string>();
  readonly #areasByName = new Map<string, string[]>();
  /** organization id -> its area id and name */
  readonly #organizations = new Map<string, { readonly areaId: string; readonly name: string }>();
  /** area id + NUL + folded name -> organization ids */
  readonly #organizationsByName = new Map<string, string[]>();
  /** folded name -> the areas having an organization of that name */
  readonly #organizationAreasByName = new Map<string, string[]>();

  constructor(summary: SiteSummary) {
    for (const area of summary.areas) {
      this.#areas.set(area.areaId, area.name);
      push(this.#areasByName, fold(area.name), area.areaId);
      for (const o of area.organizations) {
        this.#organizations.set(o.organizationId, { areaId: area.areaId, name: o.name });
        push(this.#organizationsByName, `${area.areaId}\u0000${fold(o.name)}`, o.organizationId);
        push(this.#organizationAreasByName, fold(o.name), area.areaId);
      }
    }
  }

  hasArea(areaId: string): boolean {
    return this.#areas.has(areaId);
  }

  hasOrganization(organizationId: string): boolean {
    return this.#organizations.has(organizationId);
  }

  /** The row's area: its Area id cell, else its Area cell (an id, else a name), else the default. */
  resolveArea(row: PeopleCsvRow, fallback: string | undefined): Resolution {
    if (row.areaId !== undefined) {
      return this.#areas.has(row.areaId) ? { ok: true, id: row.areaId } : { ok: false, field: 'areaId', message: `Unknown area id "${row.areaId}".` };
    }
    if (row.area === undefined) {
      return fallback === undefined
        ? { ok: false, field: 'area', message: 'No area: fill in the Area cell, or pass areaId for rows without one.' }
        : { ok: true, id: fallback };
    }
    if (this.#areas.has(row.area)) return { ok: true, id: row.area };
    const named = this.#areasByName.get(fold(row.area)) ?? [];
    if (named.length === 1) return { ok: true, id: named[0] as string };
    return {
      ok: false,
      field: 'area',
      message:
        named.length === 0
          ? `Unknown area "${row.area}": use the name or id of a defined area.`
          : `Several areas are named "${row.area}": use the area id instead.`,
    };
  }

  /** The row's partner: its Organization id cell, else its Organization cell (an id, else a name in the area), else the default. */
  resolveOrganization(row: PeopleCsvRow, areaId: string, fallback: string | null): OrganizationResolution {
    const field: PeopleColumnKey = row.organizationId !== undefined ? 'organizationId' : 'organization';
    const reference = row.organizationId ?? row.organization;
    if (reference === undefined) {
      if (fallback === null || this.#organizations.get(fallback)?.areaId === areaId) return { ok: true, id: fallback };
      return { ok: false, field, message: `The organizationId option "${fallback}" is not a partner of area "${this.#areas.get(areaId)}"; fill in the Organization cell.` };
    }
    const byId = this.#organizations.get(reference);
    if (byId !== undefined) {
      if (byId.areaId === areaId) return { ok: true, id: reference };
      return { ok: false, field, message: `The organization "${byId.name}" belongs to area "${this.#areas.get(byId.areaId)}", not "${this.#areas.get(areaId)}".` };
    }
    const named = field === 'organization' ? (this.#organizationsByName.get(`${areaId}\u0000${fold(reference)}`) ?? []) : [];
    if (named.length === 1) return { ok: true, id: named[0] as string };
    const elsewhere = named.length === 0 && field === 'organization' ? this.#organizationAreasByName.get(fold(reference)) : undefined;
    if (elsewhere !== undefined) {
      return { ok: false, field, message: `The organization "${reference}" belongs to area "${this.#areas.get(elsewhere[0] as string)}", not "${this.#areas.get(areaId)}".` };
    }
    return {
      ok: false,
      field,
      message:
        named.length === 0
          ? `Unknown organization "${reference}" in area "${this.#areas.get(areaId)}": use the name or id of one of its partners, or leave it empty for the host company.`
          : `Several organizations of area "${this.#areas.get(areaId)}" are named "${reference}": use the organization id instead.`,
    };
  }
}

function fold(name: string): string {
  return name.trim().toLowerCase();
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function encodingSupported(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function summarise(report: Omit<PeopleImportReport, 'message'>): string {
  const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  const problems = [
    report.errors.length > 0 ? `${n(report.errors.length, 'error')} in the file` : '',
    report.refused.length > 0 ? `${n(report.refused.length, 'row')} refused` : '',
  ].filter((p) => p !== '');
  const skipped = report.skipped.length > 0 ? ` ${n(report.skipped.length, 'system account')} skipped.` : '';
  const shortages = report.shortages.map((s) => ` ${s.message}`).join('');
  let outcome: string;
  if (report.written) outcome = `Imported ${n(report.created, 'user')} from ${n(report.rows, 'row')}.`;
  else if (report.dryRun) outcome = `Dry run: ${n(report.accepted.length, 'row')} of ${report.rows} can be imported.`;
  else if (report.rows === 0 && report.errors.length === 0) outcome = 'The file has no rows to import.';
  else outcome = 'Nothing was imported.';
  return `${outcome}${problems.length > 0 ? ` ${problems.join(', ')}.` : ''}${skipped}${shortages}`;
}
