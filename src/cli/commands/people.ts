/**
 * `seatkeeper export` and `seatkeeper import`: the People CSV.
 *
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { exportPeopleCsv, importPeopleCsv, pipeToWritable, type CsvDelimiter, type PeopleImportOptions, type PeopleImportReport } from 'seatkeeper/csv';
import { CliError, EXIT } from '../exit-codes.js';
import { count, writeLine, type Styles } from '../output.js';
import { startProgress } from '../progress.js';
import { withSeats, type Session } from '../session.js';

/** The delimiters as typed on a command line: `tab` for a tab. */
const DELIMITERS = [',', ';', 'tab', '|'] as const;

function delimiterOf(typed: (typeof DELIMITERS)[number] | undefined): CsvDelimiter | undefined {
  return typed === 'tab' ? '\t' : typed;
}

/**
 * Adds the `export` command.
 *
 * @param program - the program
 * @param session - the session
 */
export function addExportCommand(program: Command, session: Session): void {
  program
    .command('export')
    .summary('write the People CSV to a file or standard output')
    .description(
      'Writes the People CSV: username, display name, email, area, organization, account type, account state (Yes / No), ' +
        'block reason, source and creation date of every user. Cells that a spreadsheet would run as a formula are neutralised; ' +
        '`seatkeeper import` reads the file back.',
    )
    .argument('[file]', 'the file to write (replaced once complete); standard output when omitted')
    .option('--area <id>', 'only the users of this area')
    .addOption(new Option('--delimiter <char>', 'the cell delimiter').choices(DELIMITERS).default(','))
    .option('--bom', 'start with a byte order mark, so Excel reads accents right')
    .action(async (file: string | undefined, options: { readonly area?: string; readonly delimiter: (typeof DELIMITERS)[number]; readonly bom?: boolean }, command: Command) => {
      await withSeats(command, async (seats) => {
        const delimiter = delimiterOf(options.delimiter);
        const chunks = exportPeopleCsv(seats, {
          ...(options.area === undefined ? {} : { filter: { areaId: options.area } }),
          ...(delimiter === undefined ? {} : { delimiter }),
          bom: options.bom === true,
        });
        if (file === undefined || file === '-') {
          await pipeToWritable(chunks, session.io.stdout, { end: false });
          return;
        }
        // Written beside the file and renamed once complete: a failed export never leaves half a file in its place.
        const partial = `${file}.partial`;
        try {
          await pipeToWritable(chunks, createWriteStream(partial));
          await rename(partial, file);
        } catch (error) {
          await unlink(partial).catch(() => undefined);
          throw error;
        }
        writeLine(session.io.stderr, `Exported the People CSV to ${file}.`);
      });
    });
}

/** The options of `import`. */
interface ImportOptions {
  readonly dryRun?: boolean;
  readonly bestEffort?: boolean;
  readonly area?: string;
  readonly organization?: string;
  readonly delimiter: (typeof DELIMITERS)[number];
  readonly encoding?: string;
  readonly json?: boolean;
}

/** Files at least this large get a progress bar (on a terminal): about a thousand rows. */
export const PROGRESS_MIN_BYTES = 100_000;

/**
 * Adds the `import` command.
 *
 * @param program - the program
 * @param session - the session
 */
export function addImportCommand(program: Command, session: Session): void {
  program
    .command('import')
    .summary('create users from a People CSV')
    .description(
      'Creates users from a People CSV (an export, or a file with at least a Username column). Every row is validated and ' +
        'the seats the file needs are checked before anything is written: all or nothing by default, or with --best-effort ' +
        'the valid rows in order while seats last. Row errors and refusals are listed at the end, by line. ' +
        'Files over 100 kB show a progress bar on a terminal.',
    )
    .argument('<file>', 'the CSV file to read ("-" for standard input)')
    .option('--dry-run', 'validate and check seats, report, and write nothing')
    .option('--best-effort', 'create the valid rows in order while seats last, and refuse the rest (default: all or nothing)')
    .option('--area <id>', 'the area of rows that name none')
    .option('--organization <id>', 'the partner organization of rows that name none (default: the host company)')
    .addOption(new Option('--delimiter <char>', 'the cell delimiter').choices(DELIMITERS).default(','))
    .option('--encoding <label>', 'the text encoding, e.g. windows-1252 (default utf-8)')
    .option('--json', 'print the import report as JSON')
    .action(async (file: string, options: ImportOptions, command: Command) => {
      const input = await openInput(file, session);
      try {
        await withSeats(command, async (seats) => {
          const delimiter = delimiterOf(options.delimiter);
          const importOptions: PeopleImportOptions = {
            mode: options.bestEffort === true ? 'best-effort' : 'all-or-nothing',
            dryRun: options.dryRun === true,
            ...(options.area === undefined ? {} : { areaId: options.area }),
            ...(options.organization === undefined ? {} : { organizationId: options.organization }),
            ...(delimiter === undefined ? {} : { delimiter }),
            ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
          };
          const report = await importPeopleCsv(seats, input.chunks, importOptions);
          input.done();
          if (options.json === true) writeLine(session.io.stdout, JSON.stringify(report, null, 2));
          else for (const line of renderImport(report, session.out)) writeLine(session.io.stdout, line);
          if (!report.ok) session.exitCode = EXIT.REFUSED;
        });
      } finally {
        input.done();
      }
    });
}

/** The file's chunks, counted into a progress bar when worth it. */
interface Input {
  readonly chunks: AsyncIterable<Uint8Array | string>;
  /** Stops the progress bar (idempotent). */
  done(): void;
}

async function openInput(file: string, session: Session): Promise<Input> {
  if (file === '-') return { chunks: process.stdin, done: () => undefined };
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(EXIT.REFUSED, `${file} is not a file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(EXIT.REFUSED, `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const stream = createReadStream(file);
  if (session.io.stderr.isTTY !== true || size < PROGRESS_MIN_BYTES) return { chunks: stream, done: () => undefined };
  const progress = await startProgress(session.io.stderr, size);
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      progress.advance(chunk.length);
      yield chunk;
    }
    progress.finish('checking seats');
  }
  return { chunks: counted(), done: () => progress.stop() };
}

/**
 * The import report as lines: the outcome, then the row errors, refusals and skipped rows by line.
 *
 * @param report - the report
 * @param styles - the styles
 */
export function renderImport(report: PeopleImportReport, styles: Styles): string[] {
  const lines = [report.ok ? styles.green(report.message) : styles.bold(report.message)];
  if (report.ignoredColumns.length > 0) lines.push(`Ignored columns: ${report.ignoredColumns.join(', ')}`);
  if (report.errors.length > 0) {
    lines.push('', styles.red(`Errors (${count(report.errors.length + report.moreErrors, 'error')}):`));
    for (const e of report.errors) lines.push(`  line ${e.line}${e.column === null ? '' : `, ${e.column}`}: ${e.message}`);
    if (report.moreErrors > 0) lines.push(`  ... and ${count(report.moreErrors, 'more error')}`);
  }
  if (report.refused.length > 0) {
    lines.push('', styles.red(`Refused (${count(report.refused.length + report.moreRefused, 'row')}):`));
    for (const r of report.refused) lines.push(`  line ${r.line}, ${r.username}: ${r.reason.code}: ${r.reason.message}`);
    if (report.moreRefused > 0) lines.push(`  ... and ${count(report.moreRefused, 'more row')}`);
  }
  if (report.skipped.length > 0) {
    lines.push('', `Skipped (${count(report.skipped.length, 'row')}):`);
    for (const s of report.skipped) lines.push(`  line ${s.line}, ${s.username}: ${s.message}`);
  }
  return lines;
}
