/**
 * What a People import reports: rows accepted, errors by line and column,
 * refusals, skips and seat shortages, and the outcome in words.
 *
 * @module
 */
import type { BulkMode } from '../core/bulk-schemas.js';
import type { SeatRefusal } from '../core/seat-policy.js';
import type { SeatShortage } from '../core/seat-shortage.js';
import type { User } from '../core/schemas.js';
import type { PeopleColumnKey } from './columns.js';

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

/**
 * Why a file as a whole was not imported:
 * - `EMPTY_FILE`: it has no header row, or a header and no data rows;
 * - `MAX_BYTES_EXCEEDED`: it is larger than the `maxBytes` option; reading stopped there;
 * - `MAX_ROWS_EXCEEDED`: it has more data rows than the `maxRows` option; reading stopped at the first row too many.
 */
export type CsvFileProblemCode = 'EMPTY_FILE' | 'MAX_BYTES_EXCEEDED' | 'MAX_ROWS_EXCEEDED';

/** A problem with the whole file, which stopped it from being imported. */
export interface CsvFileProblem {
  /** What kind of problem: see {@link CsvFileProblemCode}. */
  readonly code: CsvFileProblemCode;
  /** The limit that was hit: `maxBytes` in bytes, or `maxRows` in rows; `null` for an empty file. */
  readonly limit: number | null;
  /** Where reading stopped: the line of the first row past `maxRows`; `null` otherwise. */
  readonly line: number | null;
  /** What happened and what to do, for an admin. */
  readonly message: string;
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

/** What `importPeopleCsv` did, or in a dry run would do. */
export interface PeopleImportReport {
  /** `true` when every row was (or in a dry run could be) created, system accounts aside: no file problem, no errors, no refusals. */
  readonly ok: boolean;
  /** The mode the import ran in. */
  readonly mode: BulkMode;
  /** Whether this was a dry run. */
  readonly dryRun: boolean;
  /** Whether users were written. */
  readonly written: boolean;
  /** Data rows read (blank lines not counted); when reading stopped at a limit, the rows read until then. */
  readonly rows: number;
  /** Users written. */
  readonly created: number;
  /** Rows created, or that could be created, in file order. */
  readonly accepted: readonly CsvRowAccepted[];
  /** The file as a whole was not imported: it is empty, or over `maxBytes` or `maxRows`. `null` when it was read whole and has rows. */
  readonly fileProblem: CsvFileProblem | null;
  /** Invalid rows (and header problems), by line and column, in file order: the first `maxErrors` of them. */
  readonly errors: readonly CsvRowError[];
  /** How many more errors were found than `errors` lists. */
  readonly moreErrors: number;
  /** Valid rows refused, with the reason, in file order: the first `maxErrors` of them. */
  readonly refused: readonly CsvRowRefusal[];
  /** How many more rows were refused than `refused` lists. */
  readonly moreRefused: number;
  /** System accounts left out. */
  readonly skipped: readonly CsvRowSkip[];
  /** Per area, the seats short for every valid active row and the smallest purchase covering them. */
  readonly shortages: readonly SeatShortage[];
  /** Header labels that match no column; their cells were ignored. */
  readonly ignoredColumns: readonly string[];
  /** The outcome in one or two sentences, for an admin. */
  readonly message: string;
}

/** The report's `message`: the outcome in one or two sentences. */
export function summariseImport(report: Omit<PeopleImportReport, 'message'>): string {
  const n = (count: number, noun: string) => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
  const errors = report.errors.length + report.moreErrors;
  const refused = report.refused.length + report.moreRefused;
  const problems = [errors > 0 ? `${n(errors, 'error')} in the file` : '', refused > 0 ? `${n(refused, 'row')} refused` : ''].filter((p) => p !== '');
  const skipped = report.skipped.length > 0 ? ` ${n(report.skipped.length, 'system account')} skipped.` : '';
  const shortages = report.shortages.map((s) => ` ${s.message}`).join('');
  let outcome: string;
  if (report.fileProblem !== null) outcome = report.fileProblem.message;
  else if (report.written) outcome = `Imported ${n(report.created, 'user')} from ${n(report.rows, 'row')}.`;
  else if (report.dryRun) outcome = `Dry run: ${n(report.accepted.length, 'row')} of ${report.rows.toLocaleString('en-US')} can be imported.`;
  else outcome = 'Nothing was imported.';
  return `${outcome}${problems.length > 0 ? ` ${problems.join(', ')}.` : ''}${skipped}${shortages}`;
}
