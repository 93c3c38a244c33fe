/**
 * Reading an import's rows: the header into a column map, then each row
 * validated, restored, checked for repeats and resolved to an area and
 * organization, into candidates, errors and skips.
 *
 * @module
 */
import type { BulkUserInput } from '../core/bulk-schemas.js';
import { usernameKey } from '../core/schemas.js';
import { normaliseHeader, PEOPLE_COLUMN_LABELS, type PeopleColumnKey } from './columns.js';
import type { CsvRowError, CsvRowSkip } from './import-report.js';
import { restoreCell } from './neutralise.js';
import type { CsvRow } from './read-rows.js';
import { peopleCsvRowSchema, type PeopleCsvRow } from './row-schema.js';
import type { SiteDirectory } from './site-directory.js';

/** Columns shown in the export for information; the import reads past them (a new profile gets its own). */
const INFORMATIONAL: ReadonlySet<PeopleColumnKey> = new Set(['blockReason', 'source', 'created', 'updated', 'lastActivity']);

/** A valid row, ready for `createUsers`. */
export type CandidateEntry = BulkUserInput & { readonly username: string };

/** A valid row and the line it starts on. */
export interface Candidate {
  readonly line: number;
  readonly entry: CandidateEntry;
}

/** What a {@link RowReader} needs besides the rows. */
export interface ReaderSettings {
  readonly lookup: ReadonlyMap<string, PeopleColumnKey>;
  readonly delimiter: string;
  readonly areaId: string | undefined;
  readonly organizationId: string | null;
  /** The most data rows read; the next one stops reading. */
  readonly maxRows: number;
  /** The most errors kept; the rest are only counted. */
  readonly maxErrors: number;
}

/** Reads rows one by one: the header first, then data rows into candidates, errors and skips. */
export class RowReader {
  /** The valid rows, ready for `createUsers`, in file order. */
  readonly candidates: Candidate[] = [];
  /** The first `maxErrors` errors, in file order. */
  readonly errors: CsvRowError[] = [];
  /** Errors found beyond the first `maxErrors`. */
  moreErrors = 0;
  readonly skipped: CsvRowSkip[] = [];
  readonly ignoredColumns: string[] = [];
  /** Data rows read, blank ones aside. */
  rows = 0;
  /** Whether a header row was read (usable or not): a file without one is empty. */
  sawHeader = false;
  /** The line of the row past `maxRows`, where reading stopped; `null` while within it. */
  stoppedAtMaxRows: number | null = null;
  /** The column of each cell index (`undefined`: ignored), once the header is read. */
  #columns: readonly (PeopleColumnKey | undefined)[] | undefined;
  /** Each column's label as written in the header. */
  readonly #labels = new Map<PeopleColumnKey, string>();
  readonly #usernames = new Map<string, number>();
  readonly #externalIds = new Map<string, number>();
  readonly #directory: SiteDirectory;
  readonly #settings: ReaderSettings;

  constructor(directory: SiteDirectory, settings: ReaderSettings) {
    this.#directory = directory;
    this.#settings = settings;
  }

  /** Takes the next row; `false` when reading must stop (the header is unusable, or the row is past `maxRows`). */
  read(row: CsvRow): boolean {
    // Blank lines are skipped, before the header too.
    if (row.cells.every((cell) => cell === '')) return true;
    if (this.#columns === undefined) return this.#readHeader(row);
    if (this.rows === this.#settings.maxRows) {
      this.stoppedAtMaxRows = row.line;
      return false;
    }
    this.rows += 1;
    this.#readRow(row, this.#columns);
    return true;
  }

  #readHeader({ line, cells, problem }: CsvRow): boolean {
    this.sawHeader = true;
    const fail = (message: string) => {
      // The first error of the file, so within any cap (maxErrors is at least 1).
      this.#error(line, null, message);
      return false;
    };
    if (problem !== null) return fail(`The header row is malformed: ${problem}.`);
    const columns: (PeopleColumnKey | undefined)[] = [];
    for (const cell of cells) {
      const label = restoreCell(cell).trim();
      const key = this.#settings.lookup.get(normaliseHeader(label));
      if (key !== undefined) {
        const earlier = this.#labels.get(key);
        if (earlier !== undefined) return fail(`The columns "${earlier}" and "${label}" are both ${PEOPLE_COLUMN_LABELS[key]}; keep one.`);
        this.#labels.set(key, label);
      } else if (label !== '') {
        this.ignoredColumns.push(label);
      }
      columns.push(key === undefined || INFORMATIONAL.has(key) ? undefined : key);
    }
    if (!this.#labels.has('username')) {
      const hint = /[;\t|]/.test(cells.join(',')) && this.#settings.delimiter === ',' ? ` If the file is separated by ";", tab or "|", pass that as delimiter.` : '';
      return fail(`No Username column: the header must have one (labelled "Username", or as mapped with the columns option).${hint}`);
    }
    if (!this.#labels.has('area') && !this.#labels.has('areaId') && this.#settings.areaId === undefined) {
      return fail('No Area column and no areaId option: add an Area column (area name or id) or pass areaId for every row.');
    }
    this.#columns = columns;
    return true;
  }

  #readRow({ line, cells, problem }: CsvRow, columns: readonly (PeopleColumnKey | undefined)[]): void {
    if (problem !== null) return this.#error(line, null, `The row is malformed: ${problem}. Check its quotes.`);
    const extra = cells.slice(columns.length).filter((cell) => cell !== '').length;
    if (extra > 0) {
      return this.#error(line, null, `The row has ${columns.length + extra} values but the header has ${columns.length} columns; quote values that contain "${this.#settings.delimiter}".`);
    }

    // A blank cell is left out, so the schema reads it as absent; a blank username is '' and reported missing.
    const raw: Partial<Record<PeopleColumnKey, string>> = { username: '' };
    columns.forEach((key, index) => {
      if (key === undefined) return;
      const value = restoreCell(cells[index] ?? '');
      // A display name is kept exactly (spaces are a name's business); elsewhere a cell of spaces is blank.
      if (key === 'displayName' ? value !== '' : value.trim() !== '') raw[key] = value;
    });
    const parsed = peopleCsvRowSchema.safeParse(raw);
    if (!parsed.success) {
      // One error per cell: the first check that failed says what to fix.
      const reported = new Set<PeopleColumnKey | null>();
      for (const issue of parsed.error.issues) {
        const field = (issue.path[0] as PeopleColumnKey | undefined) ?? null;
        if (!reported.has(field)) this.#error(line, field, issue.message);
        reported.add(field);
      }
      return;
    }
    const row = parsed.data;
    if (row.accountType === 'system') {
      this.skipped.push({ line, username: row.username, message: 'System accounts (SuperUser, Guest) are not imported; ensureSystemUsers() creates them.' });
      return;
    }
    if (!this.#claim(line, row)) return;

    const area = this.#directory.resolveArea(row, this.#settings.areaId);
    if (!area.ok) return this.#error(line, area.field, area.message);
    const organization = this.#directory.resolveOrganization(row, area.id, this.#settings.organizationId);
    if (!organization.ok) return this.#error(line, organization.field, organization.message);
    const entry: CandidateEntry = {
      username: row.username,
      areaId: area.id,
      organizationId: organization.id,
      state: row.accountState ?? 'active',
      ...(row.email === undefined ? {} : { email: row.email }),
      ...(row.displayName === undefined ? {} : { displayName: row.displayName }),
      ...(row.externalId === undefined ? {} : { externalId: row.externalId }),
    };
    this.candidates.push({ line, entry });
  }

  #error(line: number, field: PeopleColumnKey | null, message: string): void {
    // Past the cap an error is only counted: a file of garbage makes a short report, not a huge one.
    if (this.errors.length >= this.#settings.maxErrors) this.moreErrors += 1;
    else this.errors.push({ line, column: field === null ? null : (this.#labels.get(field) ?? null), field, message });
  }

  /** Records the row's username and external id; `false` (with an error) when an earlier row has either. */
  #claim(line: number, row: PeopleCsvRow): boolean {
    const key = usernameKey(row.username);
    const first = this.#usernames.get(key);
    if (first !== undefined) {
      this.#error(line, 'username', `The username "${row.username}" is already on line ${first} (usernames are unique ignoring case, width and accent composition).`);
      return false;
    }
    if (row.externalId !== undefined) {
      const firstExternal = this.#externalIds.get(row.externalId);
      if (firstExternal !== undefined) {
        this.#error(line, 'externalId', `The external id "${row.externalId}" is already on line ${firstExternal}.`);
        return false;
      }
      this.#externalIds.set(row.externalId, line);
    }
    this.#usernames.set(key, line);
    return true;
  }
}
