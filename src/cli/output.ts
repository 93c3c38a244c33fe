/**
 * Writing for people: colour only on a terminal (and never with `NO_COLOR`),
 * status marks, and aligned tables.
 *
 * @module
 */
import type { SeatStatus } from 'seatkeeper';

/** Where a command writes, and the environment that decides colour. */
export interface Io {
  /** Results: tables, CSV, JSON. */
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Messages, errors and progress. */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** The environment (`NO_COLOR`, `FORCE_COLOR`, `TERM`, `DATABASE_URL`...). */
  readonly env: NodeJS.ProcessEnv;
}

/** Text styles; each one leaves the text as it is when colour is off. */
export interface Styles {
  /** Whether colour is on. */
  readonly enabled: boolean;
  /** Orange: warnings. */
  orange(text: string): string;
  /** Red: stops and errors. */
  red(text: string): string;
  /** Green: all is well. */
  green(text: string): string;
  /** Bold: headings. */
  bold(text: string): string;
  /** Dim: secondary text. */
  dim(text: string): string;
}

/**
 * Whether to colour what goes to `stream`: `FORCE_COLOR` (other than `0`)
 * forces it; else never with `NO_COLOR` set (https://no-color.org) or
 * `TERM=dumb`, and only on a terminal.
 *
 * @param stream - the stream written to
 * @param env - the environment
 */
export function colourEnabled(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const sgr = (open: string, close: string) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

/**
 * The styles for a stream.
 *
 * @param stream - the stream written to
 * @param env - the environment
 */
export function stylesFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): Styles {
  const enabled = colourEnabled(stream, env);
  const plain = (text: string) => text;
  return {
    enabled,
    // 256-colour orange (208): the warning icon's colour, distinct from a yellow.
    orange: enabled ? sgr('38;5;208', '39') : plain,
    red: enabled ? sgr('31', '39') : plain,
    green: enabled ? sgr('32', '39') : plain,
    bold: enabled ? sgr('1', '22') : plain,
    dim: enabled ? sgr('2', '22') : plain,
  };
}

/** The mark and word of a status: `! warning` (orange), `✖ exhausted` / `✖ exceeded` (red, the stop sign), `ok`. */
export function statusCell(status: SeatStatus | null): Cell {
  switch (status) {
    case null:
      return { text: '-' };
    case 'ok':
      return { text: 'ok', style: 'green' };
    case 'warning':
      return { text: '! warning', style: 'orange' };
    case 'exhausted':
    case 'exceeded':
      return { text: `✖ ${status}`, style: 'red' };
  }
}

/** A table cell: its text and, optionally, its style. */
export interface Cell {
  /** The text, without escape codes: its length is its width. */
  readonly text: string;
  /** The style to draw it with. */
  readonly style?: 'orange' | 'red' | 'green' | 'bold' | 'dim';
}

/** A column: its heading and which side it is aligned to. */
export interface Column {
  /** The heading. */
  readonly heading: string;
  /** `right` for figures. Default `left`. */
  readonly align?: 'left' | 'right';
}

/**
 * Lines of an aligned table: a bold heading row, then the rows. Widths are
 * measured on the plain text, and styles drawn after padding, so colour never
 * breaks the alignment.
 *
 * @param columns - the columns
 * @param rows - the rows, a cell (or plain text) per column
 * @param styles - the styles
 * @param indent - spaces before each line
 */
export function table(columns: readonly Column[], rows: ReadonlyArray<ReadonlyArray<Cell | string>>, styles: Styles, indent = ''): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths = columns.map((column, i) => Math.max(column.heading.length, ...cells.map((row) => row[i]?.text.length ?? 0)));
  const last = columns.length - 1;
  // The last column, when aligned left, is not padded: no trailing spaces.
  const pad = (text: string, i: number) =>
    columns[i]?.align === 'right' ? text.padStart(widths[i] ?? 0) : i === last ? text : text.padEnd(widths[i] ?? 0);
  const line = (parts: string[]) => `${indent}${parts.join('  ')}`;
  return [
    line(columns.map((column, i) => styles.bold(pad(column.heading, i)))),
    ...cells.map((row) =>
      line(
        columns.map((_, i) => {
          const cell = row[i] ?? { text: '' };
          const padded = pad(cell.text, i);
          return cell.style === undefined ? padded : styles[cell.style](padded);
        }),
      ),
    ),
  ];
}

/**
 * Writes a line to a stream.
 *
 * @param stream - where
 * @param text - the line, without its newline
 */
export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** `n noun(s)`, with thousands separators. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
