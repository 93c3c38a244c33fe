/**
 * The audit trail as CSV, streamed page by page.
 *
 * @module
 */
import Papa from 'papaparse';
import { z } from 'zod';
import { MAX_AUDIT_PAGE, type AuditEvent } from '../core/audit.js';
import { idSchema } from '../core/schemas.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { parseInput } from '../service/validate.js';
import { csvDelimiterSchema } from './export.js';
import { neutraliseCell } from './neutralise.js';

/** What the audit export reads from: a seatkeeper instance, or anything with its `auditLog`. */
export type AuditExportSource = Pick<Seatkeeper, 'auditLog'>;

/** The columns of the audit export, in order, with their header labels. */
export const AUDIT_CSV_COLUMNS = Object.freeze([
  ['at', 'At'],
  ['actorId', 'Actor'],
  ['actorName', 'Actor name'],
  ['action', 'Action'],
  ['subjectType', 'Subject type'],
  ['subjectId', 'Subject'],
  ['userId', 'User id'],
  ['areaId', 'Area id'],
  ['before', 'Before'],
  ['after', 'After'],
] as const);

/** Options of {@link exportAuditCsv}. */
export const auditExportOptionsSchema = z.strictObject({
  /** Only the events of this user. */
  userId: idSchema.optional(),
  /** Only the events of this area. */
  areaId: idSchema.optional(),
  /** Only events at or after this time. */
  since: z.date().optional(),
  /** Only events before this time. */
  until: z.date().optional(),
  /** Start with a UTF-8 byte order mark, so Excel reads accents right. Default `false`. */
  bom: z.boolean().optional(),
  /** The cell delimiter. Default `,`. */
  delimiter: csvDelimiterSchema.optional(),
  /** The line break between rows. Default `\r\n`. */
  newline: z.enum(['\r\n', '\n']).optional(),
  /** Events per yielded chunk (and per page read). Default 1,000, at most 1,000. */
  rowsPerChunk: z.number().int().min(1).max(MAX_AUDIT_PAGE).optional(),
});
/** Options of {@link exportAuditCsv}. */
export type AuditExportOptions = z.input<typeof auditExportOptionsSchema>;

/**
 * The audit trail as an async iterable of CSV text chunks, newest event first:
 * a header row, then one row per event with its time (ISO 8601), actor id and
 * name, action, subject type and id, user and area ids, and the changed fields
 * before and after as JSON objects. Each chunk is one page of `auditLog`,
 * written by `Papa.unparse` and handed over before the next page is read, so
 * memory stays flat however long the trail. Every cell that could start a
 * spreadsheet formula is neutralised, as in the People export.
 *
 * Options are validated when this is called, before anything is read.
 *
 * @param seats - the seatkeeper instance
 * @param options - the `auditLog` filters (`userId`, `areaId`, `since`, `until`), BOM, delimiter, newline, chunk size
 * @returns CSV chunks; join them for the whole file
 * @throws InvalidInputError when an option is malformed
 * @example
 * ```ts
 * import { exportAuditCsv } from 'seatkeeper/csv';
 *
 * for await (const chunk of exportAuditCsv(seats, { since: new Date('2026-01-01'), bom: true })) out.write(chunk);
 * ```
 */
export function exportAuditCsv(seats: AuditExportSource, options: AuditExportOptions = {}): AsyncIterable<string> {
  const { bom = false, delimiter = ',', newline = '\r\n', rowsPerChunk = MAX_AUDIT_PAGE, ...filter } = parseInput(auditExportOptionsSchema, options, 'exportAuditCsv options');
  return {
    async *[Symbol.asyncIterator]() {
      const config: Papa.UnparseConfig = { delimiter, newline, quotes: false, escapeFormulae: false };
      let rows: string[][] = [AUDIT_CSV_COLUMNS.map(([, label]) => neutraliseCell(label))];
      let prefix = bom ? '\uFEFF' : '';
      let after: string | null = null;
      do {
        const page = await seats.auditLog({ ...filter, limit: rowsPerChunk, ...(after === null ? {} : { after }) });
        for (const event of page.events) rows.push(auditRow(event).map(neutraliseCell));
        after = page.next;
        if (rows.length > 0) yield prefix + Papa.unparse(rows, config) + newline;
        rows = [];
        prefix = '';
      } while (after !== null);
    },
  };
}

/** One event's cells, in {@link AUDIT_CSV_COLUMNS} order. */
function auditRow(event: AuditEvent): string[] {
  return [
    event.at.toISOString(),
    event.actor.id,
    event.actor.name ?? '',
    event.action,
    event.subject.type,
    event.subject.id,
    event.userId ?? '',
    event.areaId ?? '',
    event.before === null ? '' : JSON.stringify(event.before),
    event.after === null ? '' : JSON.stringify(event.after),
  ];
}
