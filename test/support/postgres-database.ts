import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Creating and dropping throw-away PostgreSQL databases, without any test
 * runner, so the tests (through `./postgres.ts`) and the benchmarks share it.
 */

/** The server the PostgreSQL tests and benchmarks run against; each test file (or bench run) gets its own database on it. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let printed = false;

/**
 * `null` when the server answers, else why not. The reason is printed, so a
 * run without a server says why its PostgreSQL suites were skipped.
 * `what` names what is skipped in that message. With
 * `SEATKEEPER_REQUIRE_POSTGRES=1` (as CI sets it) a missing server throws instead.
 */
export async function postgresUnavailable(what = 'PostgreSQL tests'): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const problem = `no PostgreSQL server answered at ${redacted(DATABASE_URL)} (${error instanceof Error ? error.message : String(error)})`;
    // CI sets this, so a missing server fails the run instead of silently skipping the suites.
    if (process.env.SEATKEEPER_REQUIRE_POSTGRES === '1') throw new Error(`${problem}, and SEATKEEPER_REQUIRE_POSTGRES=1 requires one.`, { cause: error });
    const reason = `${what} skipped: ${problem}. Set DATABASE_URL to run them.`;
    if (!printed) console.warn(reason);
    printed = true;
    return reason;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A freshly created database, dropped by {@link TestDatabase.drop}. */
export interface TestDatabase {
  /** Its name. */
  readonly name: string;
  /** Its connection string. */
  readonly url: string;
  /** A shared pool on it. */
  readonly pool: pg.Pool;
  /** Another pool on it; ended by `drop()` unless ended before. */
  newPool(config?: pg.PoolConfig): pg.Pool;
  /** Ends every pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database for one test file.
 *
 * @param label - part of the name, to recognise leftovers
 * @param create - extra `CREATE DATABASE` options, e.g. a locale
 */
export async function createTestDatabase(label: string, create = ''): Promise<TestDatabase> {
  const name = `seatkeeper_test_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} ${create}`));
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const pools: pg.Pool[] = [];
  const newPool = (config: pg.PoolConfig = {}) => {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 8, ...config });
    // pg asks every pool for an error listener: an idle connection dropped by the server must not crash the run.
    pool.on('error', () => undefined);
    pools.push(pool);
    return pool;
  };
  const pool = newPool();
  return {
    name,
    url: url.toString(),
    pool,
    newPool,
    async drop() {
      await Promise.all(pools.map((p) => (p.ended ? undefined : p.end())));
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
