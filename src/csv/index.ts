/**
 * People CSV export and import (papaparse): `seatkeeper/csv`.
 *
 * - {@link exportPeopleCsv} streams the People export in chunks; {@link toReadableStream}
 *   and {@link pipeToWritable} turn it into a download.
 * - {@link importPeopleCsv} validates a CSV upload row by row, checks the seats it
 *   needs and creates the users all-or-nothing or best effort.
 * - {@link exportAuditCsv} streams the audit trail, newest first.
 *
 * The guide is docs/csv.md.
 *
 * @packageDocumentation
 * @module seatkeeper/csv
 */
export {
  ACCOUNT_STATE_ACTIVE,
  ACCOUNT_STATE_BLOCKED,
  ACCOUNT_TYPE_LICENSED,
  ACCOUNT_TYPE_SYSTEM,
  DEFAULT_PEOPLE_COLUMNS,
  PEOPLE_COLUMN_KEYS,
  PEOPLE_COLUMN_LABELS,
  normaliseHeader,
  type PeopleColumnKey,
} from './columns.js';
export { FORMULA_TRIGGERS, neutraliseCell, restoreCell } from './neutralise.js';
export { csvDelimiterSchema, exportPeopleCsv, peopleExportOptionsSchema, type CsvDelimiter, type PeopleExportOptions, type PeopleExportSource } from './export.js';
export { AUDIT_CSV_COLUMNS, auditExportOptionsSchema, exportAuditCsv, type AuditExportOptions, type AuditExportSource } from './audit-export.js';
export { DEFAULT_PEOPLE_IMPORT_LIMITS, importPeopleCsv, peopleImportOptionsSchema, type PeopleImportOptions, type PeopleImportTarget } from './import.js';
export type { CsvFileProblem, CsvFileProblemCode, CsvRowAccepted, CsvRowError, CsvRowRefusal, CsvRowSkip, PeopleImportReport } from './import-report.js';
export { peopleCsvRowSchema, type PeopleCsvRow } from './row-schema.js';
export type { CsvInput } from './text-input.js';
export { pipeToWritable, toReadableStream, type PipeToWritableOptions } from './streams.js';
