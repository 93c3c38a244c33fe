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
import { peopleCsvRowSchema, type PeopleCsvRow } from './row-schema.js';
import type { SiteDirectory } from './site-directory.js';

/** Columns shown in the export for information; the import reads past them (a new profile gets its own). */
const INFORMATIONAL: ReadonlySet<PeopleColumnKey> = new Set(['blockReason', 'source', 'created', 'updated']);

/** A valid row, ready for `createUsers`, with its line. */
export interface Candidate {
  readonly line: number;
  readonly entry: BulkUserInput & { readonly username: string };
}

/** What a {@link RowReader} needs besides the records. */
export interface ReaderSettings {
  readonly lookup: ReadonlyMap<string, PeopleColumnKey>;
  readonly delimiter: string;
  readonly areaId: string | undefined;
  readonly organizationId: string | null;
}

/** Column key per cell index (`undefined` for an ignored cell), with the label as written. */
type ColumnMap = readonly ({ readonly key: PeopleColumnKey; readonly label: string } | undefined)[];

/** Reads records one by one: the header first, then rows into candidates, errors and skips. */
export class RowReader {
  readonly candidates: Candidate[] = [];
  readonly errors: CsvRowError[] = [];
  readonly skipped: CsvRowSkip[] = [];
  readonly ignoredColumns: string[] = [];
  rows = 0;
  #columns: ColumnMap | undefined;
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
