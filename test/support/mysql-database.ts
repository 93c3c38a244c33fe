import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/**
 * Creating and dropping throw-away MySQL / MariaDB databases, without any
 * test runner, so the tests (through `./mysql.ts`), the benchmarks and the
 * example share it.
 */

/** The server the MySQL tests and benchmarks run against; each test file (or bench run) gets its own database on it. */
export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

let printed = false;

/**
 * `null` when the server answers, else why not. The reason is printed, so a
 * run without a server says why its MySQL suites were skipped. `what` names
 * what is skipped in that message. With `SEATKEEPER_REQUIRE_MYSQL=1` (as CI
 * sets it) a missing server throws instead.
 */
export async function mysqlUnavailable(what = 'MySQL tests'): Promise<string | null> {
  let connection: mysql.Connection | undefined;
  try {
    connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 5_000 });
    connection.on('error', () => undefined);
    await connection.query('SELECT 1');
    return null;
  } catch (error) {
    const problem = `no MySQL server answered at ${redacted(MYSQL_URL)} (${error instanceof Error ? error.message : String(error)})`;
    // CI sets this, so a missing server fails the run instead of silently skipping the suites.
    if (process.env.SEATKEEPER_REQUIRE_MYSQL === '1') throw new Error(`${problem}, and SEATKEEPER_REQUIRE_MYSQL=1 requires one.`, { cause: error });
    const reason = `${what} skipped: ${problem}. Set MYSQL_URL to run them.`;
    if (!printed) console.warn(reason);
    printed = true;
    return reason;
  } finally {
    await connection?.end().catch(() => undefined);
  }
}

/** A freshly created database, dropped by {@link TestDatabase.drop}. */
export interface TestDatabase {
  /** Its name. */
  readonly name: string;
  /** Its connection URL. */
  readonly url: string;
  /** A shared pool on it. */
  readonly pool: mysql.Pool;
  /** Another pool on it; ended by `drop()` unless ended before. */
  newPool(options?: mysql.PoolOptions): mysql.Pool;
  /** Ends every pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database (`sk_<label>_<random>`) for one test file.
 *
 * @param label - part of the name, to recognise leftovers
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `sk_${label}_${randomBytes(4).toString('hex')}`;
  await admin((connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`));
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const pools: mysql.Pool[] = [];
  let ended = new WeakSet<mysql.Pool>();
  const newPool = (options: mysql.PoolOptions = {}) => {
    const pool = mysql.createPool({ uri: url.toString(), connectionLimit: 8, ...options });
    const end = pool.end.bind(pool);
    pool.end = async () => {
      ended.add(pool);
      await end();
    };
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
      await Promise.all(pools.map((p) => (ended.has(p) ? undefined : p.end().catch(() => undefined))));
      ended = new WeakSet();
      await admin((connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

/**
 * Drops every table (and with them their triggers) of the pool's current
 * database whose name starts with `prefix`: one repository's tables.
 */
export async function dropTables(pool: mysql.Pool, prefix: string): Promise<void> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND LEFT(TABLE_NAME, CHAR_LENGTH(?)) = ?`,
    [prefix, prefix],
  );
  if (rows.length > 0) await pool.query(`DROP TABLE IF EXISTS ${rows.map((r) => `\`${String(r.name)}\``).join(', ')}`);
}

async function admin<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: MYSQL_URL });
  connection.on('error', () => undefined);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable MYSQL_URL)';
  }
}
