/**
 * Splitting CSV text into records with papaparse's parser, chunk by chunk,
 * each record tagged with the physical line it starts on.
 *
 * @module
 */
import Papa from 'papaparse';

/** One CSV record (the header or a row) and where it starts. */
export interface CsvRecord {
  /** The physical line the record starts on, 1-based: the header is line 1. */
  readonly line: number;
  /** The cells, unquoted. */
  readonly cells: readonly string[];
  /** What papaparse found malformed in it (a stray or missing quote), if anything. */
  readonly problem?: string;
}

/** What papaparse's low-level parser returns; its own typings leave it `any`. */
interface ParserResult {
  readonly data: string[][];
  readonly errors: readonly { readonly row: number; readonly message: string; readonly code: string }[];
  readonly meta: { readonly cursor: number };
}

/**
 * The records of CSV text, in batches as the text arrives.
 *
 * The line break is taken from the header line (`\r\n`, `\n` or `\r`), so
 * line breaks inside quoted cells never confuse it. Each chunk is parsed up to
 * its last complete record; the unfinished rest is carried into the next
 * chunk. A record's line is the previous record's line plus one plus the line
 * breaks inside the previous record's cells (a quoted cell may span lines).
 *
 * @param text - the CSV text in chunks
 * @param delimiter - the cell delimiter
 * @returns batches of records, in order; blank lines come back as one empty cell
 */
export async function* readCsvRecords(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<readonly CsvRecord[], void, undefined> {
  let parser: { parse(input: string, baseIndex: number, ignoreLastRow: boolean): ParserResult } | undefined;
  let newline: '\r\n' | '\n' | '\r' = '\r\n';
  let pending = '';
  let line = 1;

  const take = (result: ParserResult, complete: boolean): CsvRecord[] => {
    const problems = new Map<number, string>();
    for (const error of result.errors) {
      if (error.row < result.data.length && !problems.has(error.row)) problems.set(error.row, `${error.message} (${error.code})`);
    }
    // Each record but the very last ends with the line break; when the text holds no other line break
    // characters, no cell has one, and each record is simply on the next line.
    const consumed = complete ? pending.length : result.meta.cursor;
    const separators = complete ? result.data.length - 1 : result.data.length;
    const breakFree =
      count(pending, '\r', consumed) === (newline === '\n' ? 0 : separators) && count(pending, '\n', consumed) === (newline === '\r' ? 0 : separators);
    const records = result.data.map((cells, index): CsvRecord => {
      const problem = problems.get(index);
      const record = problem === undefined ? { line, cells } : { line, cells, problem };
      line += breakFree ? 1 : 1 + lineBreaks(cells);
      return record;
    });
    pending = complete ? '' : pending.slice(result.meta.cursor);
    return records;
  };

  for await (const chunk of text) {
    pending += chunk;
    if (parser === undefined) {
      const detected = detectNewline(pending, false);
      if (detected === undefined) continue;
      newline = detected;
      parser = new Papa.Parser({ delimiter, newline, quoteChar: '"' });
    }
    const records = take(parser.parse(pending, 0, true), false);
    if (records.length > 0) yield records;
  }
  if (pending === '') return;
  if (parser === undefined) {
    newline = detectNewline(pending, true);
    parser = new Papa.Parser({ delimiter, newline, quoteChar: '"' });
  }
  yield take(parser.parse(pending, 0, false), true);
}

/** How many times `character` occurs in the first `end` characters of `text`. */
function count(text: string, character: string, end: number): number {
  let found = 0;
  for (let at = text.indexOf(character); at !== -1 && at < end; at = text.indexOf(character, at + 1)) found++;
  return found;
}

/**
 * The line break of the first line: the first `\r\n`, `\n` or `\r` outside
 * quotes. `undefined` when more text is needed to tell; at the end of the
 * input (`final`), `\r\n` when the text is one line.
 */
function detectNewline(text: string, final: true): '\r\n' | '\n' | '\r';
function detectNewline(text: string, final: boolean): '\r\n' | '\n' | '\r' | undefined;
function detectNewline(text: string, final: boolean): '\r\n' | '\n' | '\r' | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n') return '\n';
    else if (c === '\r') {
      if (i + 1 < text.length) return text[i + 1] === '\n' ? '\r\n' : '\r';
      return final ? '\r' : undefined;
    }
  }
  return final ? '\r\n' : undefined;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Line breaks inside a record's cells: each `\r\n`, lone `\r` or lone `\n` is one. */
function lineBreaks(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) {
    if (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1) continue;
    count += cell.match(LINE_BREAK)?.length ?? 0;
  }
  return count;
}
