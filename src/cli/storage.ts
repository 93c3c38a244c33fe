/**
 * Where the command line keeps its data: a PostgreSQL server (a `postgres://`
 * URL), a MySQL or MariaDB server (a `mysql://` URL) or, without a URL, an
 * embedded PostgreSQL (PGlite) in a local folder through the same
 * `PostgresSeatRepository` and migrations as a PostgreSQL server. Each kind of
 * storage is one `case` of {@link openStorage} and one opener below.
 *
 * The drivers are loaded only for the storage asked for, so `pg`, `mysql2`
 * and `@electric-sql/pglite` are needed only by those who use them.
 *
 * @module
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SeatRepository } from 'seatkeeper';
import { PostgresSeatRepository, pglitePool } from 'seatkeeper/postgres';
import { CliError, EXIT } from './exit-codes.js';
import { loadOptional } from './optional.js';

/** What `migrate()` answers, for every kind of storage. */
export interface MigrationOutcome {
  /** The schema version after migrating. */
  readonly version: number;
  /** The versions this run applied, oldest first. */
  readonly applied: readonly number[];
}

/** A repository the command line can migrate. */
export type MigratableRepository = SeatRepository & { migrate(): Promise<MigrationOutcome> };

/** An open storage; `close()` ends its connections and releases the data folder. */
export interface Storage {
  /** The repository on it. */
  readonly repository: MigratableRepository;
  /** Where the data is, for messages (passwords left out). */
  readonly description: string;
  /** Whether it is the embedded database in a local folder (which the command line migrates by itself). */
  readonly embedded: boolean;
  /** Ends the connections (and, embedded, closes the database and releases its folder). */
  close(): Promise<void>;
}

/** How to reach the storage: the global options. */
export interface StorageOptions {
  /** A database URL; without one the embedded database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /** The embedded database's folder. */
  readonly dataDir: string;
  /** The PostgreSQL schema (MySQL: the database) of seatkeeper's tables, if not the connection's default. */
  readonly schema: string | undefined;
  /** MySQL: the prefix of seatkeeper's table names, if not `seatkeeper_`. */
  readonly tablePrefix: string | undefined;
}

/** How long a command waits for another one to finish with the embedded database. */
const EMBEDDED_LOCK_WAIT_MS = 10_000;
/** The file, in the embedded database's folder, that says which process has it open. */
const LOCK_FILE = 'seatkeeper-cli.lock';

/**
 * Opens the storage the options name.
 *
 * @param options - the database URL or the data folder, and the schema
 * @throws CliError with exit code 2 for a URL of a kind it does not know
 * @throws CliError with exit code 3 when the embedded database stays busy
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.databaseUrl === undefined) {
    refuseOption(options.tablePrefix, '--table-prefix', 'MySQL');
    return openEmbedded(options.dataDir, options.schema);
  }
  const url = parseUrl(options.databaseUrl);
  switch (url.protocol) {
    case 'postgres:':
    case 'postgresql:':
      refuseOption(options.tablePrefix, '--table-prefix', 'MySQL');
      return openPostgres(options.databaseUrl, url, options.schema);
    case 'mysql:':
      return openMySql(options.databaseUrl, url, options.schema, options.tablePrefix);
    // Another store is one case here and one opener below.
    default:
      throw new CliError(EXIT.USAGE, `Unsupported database URL scheme "${url.protocol}" in ${redacted(url)}.`, {
        hint: 'Use a postgres://, postgresql:// or mysql:// URL, or none for the embedded database in --data-dir.',
      });
  }
}

/** A storage option given for a storage that has no such thing is a usage error, not silently ignored. */
function refuseOption(value: string | undefined, option: string, forWhat: string): void {
  if (value !== undefined) throw new CliError(EXIT.USAGE, `${option} is for ${forWhat} databases only.`);
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, 'The database URL is not a URL.', { hint: 'For example postgres://user:password@host:5432/database', cause: error });
  }
}

/** The URL without its password, for messages. */
export function redacted(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  return copy.href;
}

async function openPostgres(connectionString: string, url: URL, schema: string | undefined): Promise<Storage> {
  const { default: pg } = await loadOptional(() => import('pg'), 'pg', 'PostgreSQL URLs need');
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops must not crash the command; the next statement reports it.
  pool.on('error', () => undefined);
  return {
    repository: new PostgresSeatRepository(pool, schema === undefined ? {} : { schema }),
    description: `PostgreSQL at ${redacted(url)}`,
    embedded: false,
    close: () => pool.end(),
  };
}

async function openMySql(uri: string, url: URL, database: string | undefined, tablePrefix: string | undefined): Promise<Storage> {
  const { default: mysql } = await loadOptional(() => import('mysql2/promise'), 'mysql2', 'MySQL URLs need', 'mysql2/promise');
  const { MySqlSeatRepository } = await import('seatkeeper/mysql');
  const pool = mysql.createPool({ uri, connectionLimit: 4, connectTimeout: 10_000 });
  return {
    repository: new MySqlSeatRepository(pool, {
      ...(database === undefined ? {} : { database }),
      ...(tablePrefix === undefined ? {} : { tablePrefix }),
    }),
    description: `MySQL at ${redacted(url)}`,
    embedded: false,
    close: () => pool.end(),
  };
}

async function openEmbedded(dataDir: string, schema: string | undefined): Promise<Storage> {
  const { PGlite } = await loadOptional(() => import('@electric-sql/pglite'), '@electric-sql/pglite', 'The embedded database (used when no database URL is given) needs');
  const folder = resolve(dataDir);
  await mkdir(folder, { recursive: true });
  const releaseLock = await lockFolder(folder);
  try {
    const db = await PGlite.create(folder);
    const pool = pglitePool(db);
    return {
      repository: new PostgresSeatRepository(pool, schema === undefined ? {} : { schema }),
      description: `the embedded PostgreSQL (PGlite) in ${dataDir}`,
      embedded: true,
      async close() {
        try {
          await pool.end();
          await db.close();
        } finally {
          await releaseLock();
        }
      },
    };
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

/**
 * PGlite is one process's database: a second process writing the same folder
 * at the same time would lose writes. A lock file holding the owner's process
 * id keeps commands one at a time; one left by a process that is gone is taken over.
 *
 * @returns the function that releases the lock
 */
async function lockFolder(folder: string): Promise<() => Promise<void>> {
  const path = join(folder, LOCK_FILE);
  const deadline = Date.now() + EMBEDDED_LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as { readonly code?: unknown }).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(owner) || !isRunning(owner)) {
      // Left behind by a process that ended without releasing it (killed, or a crash).
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new CliError(EXIT.UNAVAILABLE, `The embedded database in ${folder} is in use by another seatkeeper command (process ${owner}).`, {
        hint: `Retry when it has finished. If no such process is running, delete ${path}.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as { readonly code?: unknown }).code === 'EPERM';
  }
}
