/**
 * What every command shares: where it writes, the exit code it ends with, the
 * global options, and a seatkeeper instance on the storage they name.
 *
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import { createSeatkeeper, StorageError, type Seatkeeper } from 'seatkeeper';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { stylesFor, type Io, type Styles } from './output.js';
import { openStorage, type Storage } from './storage.js';

/** What the commands share. */
export interface Session {
  /** Where they write. */
  readonly io: Io;
  /** Styles for standard output. */
  readonly out: Styles;
  /** Styles for standard error. */
  readonly err: Styles;
  /** The exit code the command ends with; 0 unless a command sets it. */
  exitCode: ExitCode;
}

/**
 * A session writing to `io`.
 *
 * @param io - the streams and the environment
 */
export function createSession(io: Io): Session {
  return { io, out: stylesFor(io.stdout, io.env), err: stylesFor(io.stderr, io.env), exitCode: EXIT.OK };
}

/** The global options, as commander gives them. */
interface GlobalOptions {
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly schema?: string;
  readonly tablePrefix?: string;
}

/**
 * Opens the storage the command's global options name, runs `work` with a
 * seatkeeper instance on it, and closes the storage. The embedded database is
 * migrated first (its folder belongs to the command line); a server's schema
 * changes only with `seatkeeper migrate`.
 *
 * @param command - the command being run, for its global options
 * @param work - what to do
 * @param options - `migrate: false` to leave the embedded database as it is
 */
export async function withSeats<T>(
  command: Command,
  work: (seats: Seatkeeper, storage: Storage) => Promise<T>,
  options: { readonly migrate?: boolean } = {},
): Promise<T> {
  const global = command.optsWithGlobals<GlobalOptions>();
  // An empty DATABASE_URL (exported but blank) means none, as it does to most tools.
  const databaseUrl = global.databaseUrl === '' ? undefined : global.databaseUrl;
  const storage = await openStorage({ databaseUrl, dataDir: global.dataDir, schema: global.schema, tablePrefix: global.tablePrefix });
  try {
    if (storage.embedded && options.migrate !== false) await storage.repository.migrate();
    return await work(createSeatkeeper({ repository: storage.repository }), storage);
  } catch (error) {
    throw withAdvice(error, storage);
  } finally {
    await storage.close().catch(() => undefined);
  }
}

/** Adds what to do to a failure the command line can explain better than the library. */
function withAdvice(error: unknown, storage: Storage): unknown {
  // A missing table (PostgreSQL's SQLSTATE 42P01, MySQL's errno 1146): the library's message speaks to programmers (repository.migrate()).
  const cause = error instanceof StorageError ? (error.cause as { readonly code?: unknown; readonly errno?: unknown } | undefined) : undefined;
  if (cause?.code === '42P01' || cause?.errno === 1146) {
    return new CliError(EXIT.REFUSED, `The seatkeeper tables are missing in ${storage.description}.`, {
      hint: 'Create them with: seatkeeper migrate',
      cause: error,
    });
  }
  return error;
}

/**
 * Parses a whole number of at least `min` for an option, or refuses it as a usage error.
 *
 * @param min - the smallest value accepted
 */
export function wholeNumber(min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`must be a whole number${min > 0 ? ` of at least ${min}` : ' (0 or more)'}.`);
    }
    return n;
  };
}

/**
 * Parses a number between 0 and 1 for an option, or refuses it as a usage error.
 */
export function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number from 0 to 1, e.g. 0.2.');
  return n;
}
