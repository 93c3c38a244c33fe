/**
 * Reading a CSV upload's rows with papaparse, each tagged with the physical
 * line it starts on, giving the event loop a turn every so many rows.
 *
 * @module
 */
import Papa from 'papaparse';
import { yieldToEventLoop } from '../service/event-loop.js';
import { MaxBytesExceeded, textChunks, utf8Size, type CsvInput } from './text-input.js';

/** One CSV row (the header or a data row) and where it starts. */
export interface CsvRow {
  /** The physical line the row starts on, 1-based: the header is line 1. */
  readonly line: number;
  /** The cells, unquoted. */
  readonly cells: readonly string[];
  /** What papaparse found malformed in it (a stray or missing quote), or `null`. */
  readonly problem: string | null;
}

/** Options of {@link readCsvRows}. */
export interface ReadCsvOptions {
  /** The cell delimiter. */
  readonly delimiter: string;
  /** The encoding of byte input. */
  readonly encoding: string;
  /** The most bytes read (UTF-8 bytes for text); a larger upload is not read past it. */
  readonly maxBytes: number;
}

/** How reading ended: every row read, stopped by `onRow`, or stopped at `maxBytes`. */
export type ReadOutcome = 'read' | 'stopped' | 'max-bytes';

/**
 * Rows handed to `onRow` between two turns of the event loop. A row costs a
 * few microseconds to parse and validate, so a turn comes every few milliseconds.
 */
const ROWS_PER_TURN = 1_000;

/**
 * Hands each row of the upload to `onRow`, in order, as papaparse reads it: a
 * string in place, a stream as it arrives (through a Node `Readable`, which is
 * what papaparse streams from). papaparse detects the line break (`\r\n`,
 * `\n` or `\r`). Blank lines come as one empty cell.
 *
 * Every {@link ROWS_PER_TURN} rows the parser (and the stream) pause for a
 * turn of the event loop, so a large upload never holds a server for long.
 * A row's line is the previous row's line, plus one, plus the line breaks
 * inside the previous row's cells (a quoted cell may span lines).
 *
 * @param input - the upload
 * @param options - the cell delimiter, the encoding of byte input, the byte limit
 * @param onRow - takes each row; `false` stops reading (the rest of a stream is cancelled)
 * @returns how reading ended; an upload over `maxBytes` is not read past it (a string is not read at all)
 * @throws InvalidInputError, StreamFailedError from reading a stream (see `textChunks`)
 */
export async function readCsvRows(input: CsvInput, options: ReadCsvOptions, onRow: (row: CsvRow) => boolean): Promise<ReadOutcome> {
  if (typeof input === 'string') return utf8Size(input, options.maxBytes) > options.maxBytes ? 'max-bytes' : parse(input, undefined, options, onRow);
  // Loaded only for streams: the rest of seatkeeper/csv needs no node: module.
  const { Readable } = await import('node:stream');
  // The text papaparse holds since its last complete row: the next chunk is at least that long (see textChunks).
  const held = { chars: 0 };
  const source = Readable.from(textChunks(input, { encoding: options.encoding, maxBytes: options.maxBytes, minChunk: () => held.chars }));
  // Registered before papaparse's own listener, so it counts a chunk before the rows it completes reset the count.
  source.on('data', (chunk: string) => {
    held.chars += chunk.length;
  });
  try {
    return await parse(source, held, options, onRow);
  } catch (error) {
    if (error instanceof MaxBytesExceeded) return 'max-bytes';
    throw error;
  } finally {
    source.destroy();
  }
}

type Source = string | import('node:stream').Readable;

function parse(source: Source, held: { chars: number } | undefined, options: ReadCsvOptions, onRow: (row: CsvRow) => boolean): Promise<ReadOutcome> {
  const stream = typeof source === 'string' ? undefined : source;
  let line = 1;
  let rowsThisTurn = 0;
  let stopped = false;
  return new Promise<ReadOutcome>((resolve, reject) => {
    Papa.parse<string[]>(source, {
      delimiter: options.delimiter,
      // Never the split-based fast path: it splits all the remaining text again on every resume.
      fastMode: false,
      // papaparse drops a byte order mark from a string, not from a stream.
      beforeFirstChunk: (chunk) => chunk.replace(/^\uFEFF/, ''),
      step(result, parser) {
        if (held !== undefined) held.chars = 0;
        const error = result.errors[0];
        const row: CsvRow = { line, cells: result.data, problem: error === undefined ? null : `${error.message} (${error.code})` };
        line += 1 + lineBreaks(result.data);
        if (!onRow(row)) {
          stopped = true;
          parser.abort();
          stream?.destroy();
          return;
        }
        if (++rowsThisTurn < ROWS_PER_TURN) return;
        rowsThisTurn = 0;
        parser.pause();
        stream?.pause();
        yieldToEventLoop()
          .then(() => {
            stream?.resume();
            parser.resume();
          })
          .catch(reject);
      },
      complete: () => resolve(stopped ? 'stopped' : 'read'),
      error: (error) => reject(error),
    });
  });
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Line breaks inside a row's cells: each `\r\n`, lone `\r` or lone `\n` is one. */
function lineBreaks(cells: readonly string[]): number {
  let count = 0;
  // matchAll rather than match: a cell of a million line breaks is counted without an array of a million strings.
  for (const cell of cells) for (const _ of cell.matchAll(LINE_BREAK)) count++;
  return count;
}
