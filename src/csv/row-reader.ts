/**
 * Reading an import's records: the header into a column map, then each row
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
import type { CsvRecord } from './read-records.js';
import { fastPeopleCsvRow, peopleCsvRowSchema, type PeopleCsvCells, type PeopleCsvRow } from './row-schema.js';
import type { SiteDirectory } from './site-directory.js';

/** Columns shown in the export for information; the import reads past them (a new profile gets its own). */
const INFORMATIONAL: ReadonlySet<PeopleColumnKey> = new Set(['blockReason', 'source', 'created', 'updated']);

/** A valid row, ready for `createUsers`. */
export type CandidateEntry = BulkUserInput & { readonly username: string };

/** What a {@link RowReader} needs besides the records. */
export interface ReaderSettings {
  readonly lookup: ReadonlyMap<string, PeopleColumnKey>;
  readonly delimiter: string;
  readonly areaId: string | undefined;
  readonly organizationId: string | null;
}

/** A header cell that names a column: its key, its label as written, and whether the import reads past it. */
interface MappedColumn {
  readonly key: PeopleColumnKey;
  readonly label: string;
  readonly informational: boolean;
}

/** Column per cell index (`undefined` for an ignored cell). */
type ColumnMap = readonly (MappedColumn | undefined)[];

/** The columns the import reads (the rest are informational). */
type ImportedKey = keyof PeopleCsvCells;

/** No imported column anywhere: the positions before the header is read. */
const NOWHERE: Readonly<Record<ImportedKey, number>> = {
  username: -1,
  displayName: -1,
  email: -1,
  externalId: -1,
  area: -1,
  areaId: -1,
  organization: -1,
  organizationId: -1,
  accountType: -1,
  accountState: -1,
};

/**
 * The cell at `index`, restored from its CSV-injection guard; `undefined` when
 * there is no such column or the cell is blank (empty, or only spaces unless `exact`).
 */
function cellAt(cells: readonly string[], index: number, exact: boolean): string | undefined {
  if (index < 0) return undefined;
  const value = restoreCell(cells[index] ?? '');
  return (exact ? value !== '' : value.trim() !== '') ? value : undefined;
}

/** Whether every cell is empty: a blank line, or a row of delimiters. */
function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell !== '') return false;
  return true;
}

/** Reads records one by one: the header first, then rows into candidates, errors and skips. */
export class RowReader {
  /** The valid rows, ready for `createUsers`, in file order. */
  readonly entries: CandidateEntry[] = [];
  /** The line of each of `entries`, at the same index (two flat arrays: a hundred thousand rows are not wrapped twice). */
  readonly lines: number[] = [];
  readonly errors: CsvRowError[] = [];
  readonly skipped: CsvRowSkip[] = [];
  readonly ignoredColumns: string[] = [];
  rows = 0;
  #columns: ColumnMap | undefined;
  /** The cell index of each imported column, `-1` when the file has none. */
  #at: Readonly<Record<ImportedKey, number>> = NOWHERE;
  readonly #labels = new Map<PeopleColumnKey, string>();
  readonly #usernames = new Map<string, number>();
  readonly #externalIds = new Map<string, number>();
  readonly #directory: SiteDirectory;
  readonly #settings: ReaderSettings;

  constructor(directory: SiteDirectory, settings: ReaderSettings) {
    this.#directory = directory;
    this.#settings = settings;
  }

  /** Takes the next record; `false` when reading must stop (the header is unusable). */
  read(record: CsvRecord): boolean {
    if (this.#columns === undefined) return this.#readHeader(record);
    if (isBlank(record.cells)) return true;
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
    const columns: (MappedColumn | undefined)[] = [];
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
      columns.push({ key, label, informational: INFORMATIONAL.has(key) });
    }
    if (!this.#labels.has('username')) {
      const hint = /[;\t|]/.test(record.cells.join(',')) && this.#settings.delimiter === ',' ? ` If the file is separated by ";", tab or "|", pass that as delimiter.` : '';
      return fail(`No Username column: the header must have one (labelled "Username", or as mapped with the columns option).${hint}`);
    }
    if (!this.#labels.has('area') && !this.#labels.has('areaId') && this.#settings.areaId === undefined) {
      return fail('No Area column and no areaId option: add an Area column (area name or id) or pass areaId for every row.');
    }
    this.#columns = columns;
    const at: Record<ImportedKey, number> = { ...NOWHERE };
    columns.forEach((column, index) => {
      if (column !== undefined && !column.informational) at[column.key as ImportedKey] = index;
    });
    this.#at = at;
    return true;
  }

  #readRow(record: CsvRecord, columns: ColumnMap): void {
    const { line, cells } = record;
    if (record.problem !== undefined) return this.#error(line, null, `The row is malformed: ${record.problem}. Check its quotes.`);
    let extra = 0;
    for (let index = columns.length; index < cells.length; index++) if (cells[index] !== '') extra++;
    if (extra > 0) {
      return this.#error(line, null, `The row has ${columns.length + extra} values but the header has ${columns.length} columns; quote values that contain "${this.#settings.delimiter}".`);
    }

    const at = this.#at;
    // A display name is kept exactly; elsewhere a blank cell is an empty one.
    const raw: PeopleCsvCells = {
      username: cellAt(cells, at.username, false) ?? '',
      displayName: cellAt(cells, at.displayName, true),
      email: cellAt(cells, at.email, false),
      externalId: cellAt(cells, at.externalId, false),
      area: cellAt(cells, at.area, false),
      areaId: cellAt(cells, at.areaId, false),
      organization: cellAt(cells, at.organization, false),
      organizationId: cellAt(cells, at.organizationId, false),
      accountType: cellAt(cells, at.accountType, false),
      accountState: cellAt(cells, at.accountState, false),
    };
    const row = fastPeopleCsvRow(raw) ?? this.#validate(line, raw);
    if (row === undefined) return;
    if (row.accountType === 'system') {
      this.skipped.push({ line, username: row.username, message: 'System accounts (SuperUser, Guest) are not imported; ensureSystemUsers() creates them.' });
      return;
    }
    if (!this.#claim(line, row)) return;

    const area = this.#directory.resolveArea(row, this.#settings.areaId);
    if (!area.ok) return this.#error(line, area.field, area.message);
    const organization = this.#directory.resolveOrganization(row, area.id, this.#settings.organizationId);
    if (!organization.ok) return this.#error(line, organization.field, organization.message);
    // Every key in one literal (an absent value is `undefined`, which createUsers reads as absent), and
    // frozen: createUsers then takes the entry as it is rather than copying a hundred thousand of them.
    const entry: CandidateEntry = Object.freeze({
      username: row.username,
      areaId: area.id,
      organizationId: organization.id,
      email: row.email,
      displayName: row.displayName,
      externalId: row.externalId,
      state: row.accountState ?? 'active',
    });
    this.entries.push(entry);
    this.lines.push(line);
  }

  /** Validates a row with the schema, reporting one error per cell (the first check that failed says what to fix). */
  #validate(line: number, raw: PeopleCsvCells): PeopleCsvRow | undefined {
    const parsed = peopleCsvRowSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const reported = new Set<PeopleColumnKey | null>();
    for (const issue of parsed.error.issues) {
      const field = (issue.path[0] as PeopleColumnKey | undefined) ?? null;
      if (reported.has(field)) continue;
      reported.add(field);
      this.#error(line, field, issue.message);
    }
    return undefined;
  }

  #error(line: number, field: PeopleColumnKey | null, message: string): void {
    this.errors.push({ line, column: field === null ? null : (this.#labels.get(field) ?? null), field, message });
  }

  /** Records the row's username and external id; `false` (with an error) when an earlier row has either. */
  #claim(line: number, row: PeopleCsvRow): boolean {
    const key = usernameKey(row.username);
    const first = this.#usernames.get(key);
    if (first !== undefined) {
      this.#error(line, 'username', `The username "${row.username}" is already on line ${first} (usernames are unique ignoring case).`);
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
