/**
 * Reading a CSV upload's rows with papaparse, each tagged with the physical
 * line it starts on.
 *
 * @module
 */
import Papa from 'papaparse';
import { textChunks, type CsvInput } from './text-input.js';

/** One CSV row (the header or a data row) and where it starts. */
export interface CsvRow {
  /** The physical line the row starts on, 1-based: the header is line 1. */
  readonly line: number;
  /** The cells, unquoted. */
  readonly cells: readonly string[];
  /** What papaparse found malformed in it (a stray or missing quote), or `null`. */
  readonly problem: string | null;
}

/**
 * Hands each row of the upload to `onRow`, in order, as papaparse reads it: a
 * string at once, a stream as it arrives (through a Node `Readable`, which is
 * what papaparse streams from). papaparse detects the line break (`\r\n`,
 * `\n` or `\r`). Blank lines come as one empty cell.
 *
 * A row's line is the previous row's line, plus one, plus the line breaks
 * inside the previous row's cells (a quoted cell may span lines).
 *
 * @param input - the upload
 * @param options - the cell delimiter, and the encoding of byte input
 * @param onRow - takes each row; `false` stops reading (the rest of a stream is cancelled)
 * @returns resolves once every row is read, or reading stopped
 * @throws InvalidInputError, StreamFailedError from reading a stream (see `textChunks`)
 */
export async function readCsvRows(input: CsvInput, options: { readonly delimiter: string; readonly encoding: string }, onRow: (row: CsvRow) => boolean): Promise<void> {
  // Loaded only for streams: the rest of seatkeeper/csv needs no node: module.
  const source = typeof input === 'string' ? input : (await import('node:stream')).Readable.from(textChunks(input, options.encoding));
  let line = 1;
  try {
    await new Promise<void>((resolve, reject) => {
      Papa.parse<string[]>(source, {
        delimiter: options.delimiter,
        // papaparse drops a byte order mark from a string, not from a stream.
        beforeFirstChunk: (chunk) => chunk.replace(/^\uFEFF/, ''),
        step(result, parser) {
          const error = result.errors[0];
          const row: CsvRow = { line, cells: result.data, problem: error === undefined ? null : `${error.message} (${error.code})` };
          line += 1 + lineBreaks(result.data);
          if (onRow(row)) return;
          parser.abort();
          if (typeof source !== 'string') source.destroy();
        },
        complete: () => resolve(),
        error: (error) => reject(error),
      });
    });
  } finally {
    if (typeof source !== 'string') source.destroy();
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Line breaks inside a row's cells: each `\r\n`, lone `\r` or lone `\n` is one. */
function lineBreaks(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) count += cell.match(LINE_BREAK)?.length ?? 0;
  return count;
}
