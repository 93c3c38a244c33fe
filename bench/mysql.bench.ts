/**
 * MySQL / MariaDB, beside the PostgreSQL figures and with the same goals:
 *
 * - `createUser` vs a bare INSERT of an equivalent row through the same pool
 *   into a plain table of the same shape (`CREATE TABLE ... LIKE`: same
 *   columns, keys and checks, no triggers). Both commit once per user; what
 *   is left is seatkeeper's cost: the area lock, the seat and uniqueness
 *   checks and the notification watch, each a round trip. Goal: within 3x.
 *   Beside it, the same statements sent bare by mysql2 with no seatkeeper code
 *   around them (reported): the floor the protocol sets.
 *   Also 10 callers at once (reported), and a seat check in a large area beside
 *   one in a small area (goal 2x: counting costs the same at any size).
 * - A directory sync (plan + apply) of `bulk` new entries, a tenth of them
 *   over the limit so created blocked, and a People CSV import of `bulk` rows,
 *   each beside one multi-row INSERT of the very rows it wrote into the bare
 *   table: the least any bulk write must send. Goal: within 4x.
 *
 * The machine may be shared, so every figure is the median of several runs,
 * each run timing seatkeeper and its baseline one right after the other.
 * Skipped, with the reason printed, when no server answers (MYSQL_URL, default
 * mysql://root@127.0.0.1:3306/).
 *
 * Run alone with `npx tsx bench/mysql.bench.ts [createUsers] [bulk]`.
 */
import { pathToFileURL } from 'node:url';
import type { Pool } from 'mysql2/promise';
import { MySqlSeatRepository } from '../src/adapters/mysql/index.js';
import { sqlTime } from '../src/adapters/mysql/queryable.js';
import { timestampsWritten, USER_COLUMNS, USER_WRITE_COLUMNS, userValues } from '../src/adapters/sql/rows.js';
import { importPeopleCsv } from '../src/csv/index.js';
import { createSeatkeeper, type DirectoryEntryInput, type Seatkeeper, type User } from '../src/index.js';
import { createTestDatabase, dropTables, mysqlUnavailable } from '../test/support/mysql-database.js';
import { benchUser, seedUsers } from './fixtures.js';
import { performance } from 'node:perf_hooks';
import { figure, median, msOnce, msPerOp, table, type BenchFigure } from './harness.js';

/** The largest acceptable ratio of one createUser to one bare INSERT. */
const CREATE_USER_GOAL = 3;
/** The largest acceptable ratio of a bulk write of new users (sync or import) to one multi-row INSERT of the same rows. */
const BULK_GOAL = 4;

/** The row a createUser of `user` writes, one bare INSERT. */
const bareInsert = (pool: Pool, table: string, users: readonly User[]) =>
  pool.query(`INSERT INTO ${table} (${USER_WRITE_COLUMNS}) VALUES ?`, [timestampsWritten(users.map(userValues), sqlTime)]);

/** A bare table of the users table's shape (columns, keys, checks), without its triggers. */
async function bareTable(pool: Pool, name: string, like: string): Promise<string> {
  await pool.query(`DROP TABLE IF EXISTS ${name}`);
  await pool.query(`CREATE TABLE ${name} LIKE ${like}`);
  return name;
}

/** Every user of a repository, page by page (what a bulk write wrote, for its baseline). */
async function everyUser(repository: MySqlSeatRepository): Promise<User[]> {
  const users: User[] = [];
  for (let after: string | null = null; ; ) {
    const page = await repository.listUsers({}, { after, limit: 10_000 });
    users.push(...page.users);
    if (page.next === null) return users;
    after = page.next;
  }
}

const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

/**
 * @param count - users created one after another by each side (in pairs, so load from elsewhere falls on both alike)
 * @param connections - the pool size, and the callers of the concurrent figure
 * @param large - users in the large area of the seat-check figure
 * @param bulk - entries of the directory sync and rows of the CSV import
 * @param runs - runs of each bulk figure (the median is reported)
 */
export async function benchMySql(count = 2_000, connections = 10, large = 100_000, bulk = 50_000, runs = 3): Promise<BenchFigure[]> {
  if ((await mysqlUnavailable('MySQL benchmarks')) !== null) return [];
  const database = await createTestDatabase('bench');
  try {
    const pool = database.newPool({ connectionLimit: connections });
    return [...(await createUserFigures(pool, count, connections, large)), ...(await bulkFigures(pool, bulk, runs))];
  } finally {
    await database.drop();
  }
}

async function createUserFigures(pool: Pool, count: number, connections: number, large: number): Promise<BenchFigure[]> {
  const repository = new MySqlSeatRepository(pool, { tablePrefix: 'cu_' });
  await repository.migrate();
  const bare = await bareTable(pool, 'bench_bare_users', 'cu_users');
  const seats = createSeatkeeper({ repository });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 * count + 1_000 });

  // Records with the same field values for both sides; a prefix per phase keeps every key unique.
  const records = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const user = benchUser(i);
      return { ...user, id: `${prefix}${user.id}`, username: `${prefix}${user.username}`, email: `${prefix}${user.email}`, externalId: null, state: 'active' as const, blockReason: null, blockedAt: null };
    });
  const create = async (user: User) => {
    const result = await seats.createUser({ username: user.username, areaId: 'primary', email: user.email ?? undefined, displayName: user.displayName ?? undefined });
    if (!result.ok) throw new Error(`createUser refused: ${result.reason.message}`);
  };

  // Warm-up: connections opened, code optimised.
  for (const user of records('w', Math.min(200, count))) {
    await bareInsert(pool, bare, [user]);
    await create(user);
  }

  // A bare INSERT, a createUser and the createUser's statements sent bare, one after the other, the order alternating, each
  // timed on its own: a burst of load from elsewhere on the machine falls on all alike, and the medians leave the bursts out.
  const bareMs: number[] = [];
  const createMs: number[] = [];
  const timed = async (times: number[], work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  };
  // The floor of the protocol: the statements a createUser sends, in the same order and queued the same way, sent by
  // mysql2 with no seatkeeper code around them (into a bare table, so the user rows need no trigger).
  const floor = await bareTable(pool, 'bench_floor_users', 'cu_users');
  const floorAudit = await bareTable(pool, 'bench_floor_audit', 'cu_audit_events');
  const floorMs: number[] = [];
  const statementsOnly = async (user: User) => {
    const connection = await pool.getConnection();
    try {
      await Promise.all([
        connection.query('SET SESSION innodb_lock_wait_timeout = 30'),
        connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED'),
        connection.query('START TRANSACTION'),
        connection.query(`SELECT id FROM cu_areas WHERE id IN ('primary') ORDER BY id FOR UPDATE`),
      ]);
      const readArea = () => connection.query(`SELECT * FROM cu_areas WHERE id = 'primary'`);
      const readCounts = () => connection.query(`SELECT * FROM cu_user_counts WHERE area_id IN ('primary') AND users <> 0`);
      await readArea();
      await readCounts();
      await connection.query(`SELECT * FROM cu_organizations WHERE area_id = 'primary' ORDER BY id`);
      await connection.query(`SELECT ${USER_COLUMNS} FROM ${floor} WHERE username_key IN (?)`, [[user.username]]);
      await connection.query(`INSERT INTO ${floor} (${USER_WRITE_COLUMNS}) VALUES ?`, [timestampsWritten([userValues(user)], sqlTime)]);
      await readArea();
      await readCounts();
      await connection.query(`SELECT CAST(setting_value AS CHAR) AS v FROM cu_settings WHERE setting_key = 'floor'`);
      await connection.query(`INSERT INTO cu_settings (setting_key, setting_value) VALUES ('floor', '1') ON DUPLICATE KEY UPDATE setting_value = '1'`);
      await connection.query(`INSERT INTO ${floorAudit} (id, occurred_at, actor_id, action, subject_type, subject_id) VALUES (?, ?, 'bench', 'user.created', 'user', ?)`, [
        user.id,
        sqlTime(user.createdAt),
        user.id,
      ]);
      await connection.query('COMMIT');
    } finally {
      connection.release();
    }
  };
  const sequential = count;
  for (const [i, user] of records('s', sequential).entries()) {
    const trio = [
      () => timed(bareMs, () => bareInsert(pool, bare, [user])),
      () => timed(createMs, () => create(user)),
      () => timed(floorMs, () => statementsOnly(user)),
    ];
    for (const step of i % 2 === 0 ? trio : trio.reverse()) await step();
  }

  // `connections` callers at once: bare INSERTs run side by side; createUser calls queue on the area lock.
  const concurrently = async (prefix: string, work: (user: User) => Promise<unknown>) => {
    const batch = records(prefix, sequential);
    const lanes = Array.from({ length: connections }, (_, lane) => batch.filter((_, i) => i % connections === lane));
    return msOnce(() =>
      Promise.all(
        lanes.map(async (lane) => {
          for (const user of lane) await work(user);
        }),
      ),
    );
  };
  const bareParallelMs = await concurrently('pb', (user) => bareInsert(pool, bare, [user]));
  const createParallelMs = await concurrently('pc', create);

  // A seat check reads maintained counts: the same cost in an area of 1,000 users and of `large`.
  await seats.defineArea({ id: 'small', kind: 'extranet', name: 'Small', maxUsers: 2 * large });
  await seats.defineArea({ id: 'large', kind: 'extranet', name: 'Large', maxUsers: 2 * large });
  await seedUsers(repository, 1_000, 'small', 5_000, 'small-');
  await seedUsers(repository, large, 'large', 5_000, 'large-');
  const checkSmall = await msPerOp(() => seats.checkSeat('small'), 200);
  const checkLarge = await msPerOp(() => seats.checkSeat('large'), 200);

  const n = sequential.toLocaleString('en-US');
  const createMedian = median(createMs);
  const bareMedian = median(bareMs);
  const quartiles = (times: readonly number[]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return [0.25, 0.75].map((q) => (sorted[Math.floor(q * (sorted.length - 1))] as number).toFixed(3)).join('-');
  };
  return [
    figure('mysql', `checkSeat() in an area of ${large.toLocaleString('en-US')} users`, checkLarge, { name: 'of 1,000 users', ms: checkSmall }, 2),
    figure('mysql', `createUser x${n}, one after another (median)`, createMedian, { name: 'bare INSERT (median)', ms: bareMedian }, CREATE_USER_GOAL, {
      perSecond: Math.round(1000 / createMedian),
      createQuartilesMs: quartiles(createMs),
      bareQuartilesMs: quartiles(bareMs),
    }),
    figure('mysql', `the ${n} createUsers' statements sent bare by mysql2 (no seatkeeper code; median)`, median(floorMs), { name: 'bare INSERT (median)', ms: bareMedian }, null, {
      quartilesMs: quartiles(floorMs),
    }),
    figure('mysql', `createUser x${n}, ${connections} callers in one area`, createParallelMs / sequential, { name: `bare INSERT, ${connections} callers`, ms: bareParallelMs / sequential }, null, {
      perSecond: perSecond(sequential, createParallelMs),
    }),
  ];
}

/** `size` directory entries of new users, numbered from 0; `prefix` keeps keys apart between feeds. */
function feedOf(size: number, prefix = ''): DirectoryEntryInput[] {
  return Array.from({ length: size }, (_, i) => ({
    externalId: `${prefix}guid-${i.toString(16).padStart(8, '0')}`,
    username: `${prefix}user${i}`,
    email: `${prefix}user${i}@example.com`,
    displayName: `User ${i}`,
    areaId: 'primary',
  }));
}

/** A People CSV of `size` new users in area `primary` (a twentieth of them blocked). */
function peopleCsv(size: number): string {
  const lines = ['Username,Display name,Email,Area id,Account state'];
  for (let i = 0; i < size; i++) lines.push(`person${String(i).padStart(7, '0')},"Person, number ${i}",person${i}@example.com,primary,${i % 20 === 0 ? 'No' : 'Yes'}`);
  return `${lines.join('\n')}\n`;
}

/** A fresh site in tables of its own: `maxUsers` seats in the primary area. */
async function freshSite(pool: Pool, prefix: string, maxUsers: number): Promise<{ seats: Seatkeeper; repository: MySqlSeatRepository }> {
  await dropTables(pool, prefix);
  const repository = new MySqlSeatRepository(pool, { tablePrefix: prefix });
  await repository.migrate();
  const seats = createSeatkeeper({ repository });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  return { seats, repository };
}

async function bulkFigures(pool: Pool, size: number, runs: number): Promise<BenchFigure[]> {
  const feed = feedOf(size);
  const csv = peopleCsv(size);
  const limits = { maxRows: size, maxBytes: csv.length * 3 };
  const sync: Array<{ ms: number; bare: number }> = [];
  const imports: Array<{ ms: number; bare: number }> = [];
  let unchanged = 0;

  // Warm-up, in tables of their own: code optimised, the server's buffers warm.
  {
    const { seats } = await freshSite(pool, 'warm_', 2_000);
    await seats.syncDirectory(feedOf(1_000, 'w'));
    await importPeopleCsv(seats, peopleCsv(500), limits);
  }

  for (let run = 0; run < runs; run++) {
    // Directory sync: a tenth over the limit, so created blocked.
    {
      const { seats, repository } = await freshSite(pool, `sync${run}_`, Math.floor(size * 0.9));
      const ms = await msOnce(async () => {
        const report = await seats.syncDirectory(feed);
        if (report.totals.create + report.totals.createBlocked !== size) throw new Error(`expected ${size} creations, got ${JSON.stringify(report.totals)}`);
      });
      const written = await everyUser(repository);
      const bare = await bareTable(pool, 'bench_bare_bulk', `sync${run}_users`);
      sync.push({ ms, bare: await msOnce(() => bareInsert(pool, bare, written)) });
      if (run === runs - 1) {
        unchanged = await msOnce(async () => {
          const report = await seats.syncDirectory(feed);
          if (report.totals.unchanged !== size) throw new Error(`expected every line unchanged, got ${JSON.stringify(report.totals)}`);
        });
      }
      await dropTables(pool, `sync${run}_`);
    }
    // People import, all or nothing.
    {
      const { seats, repository } = await freshSite(pool, `csv${run}_`, 2 * size);
      const ms = await msOnce(async () => {
        const report = await importPeopleCsv(seats, csv, limits);
        if (report.created !== size) throw new Error(`import created ${report.created} of ${size}: ${report.message}`);
      });
      const written = await everyUser(repository);
      const bare = await bareTable(pool, 'bench_bare_bulk', `csv${run}_users`);
      imports.push({ ms, bare: await msOnce(() => bareInsert(pool, bare, written)) });
      await dropTables(pool, `csv${run}_`);
    }
  }

  const n = size.toLocaleString('en-US');
  const baseline = (name: string, timings: ReadonlyArray<{ bare: number }>) => ({ name, ms: median(timings.map((t) => t.bare)) });
  const ratios = (timings: ReadonlyArray<{ ms: number; bare: number }>) => timings.map((t) => (t.ms / t.bare).toFixed(2)).join(' ');
  const syncMs = median(sync.map((t) => t.ms));
  const importMs = median(imports.map((t) => t.ms));
  const rowsInsert = `one multi-row INSERT of the ${n} rows`;
  return [
    figure('mysql', `directory sync of ${n} new entries (plan + apply, median of ${runs})`, syncMs, baseline(rowsInsert, sync), BULK_GOAL, {
      entriesPerSecond: perSecond(size, syncMs),
      runRatios: ratios(sync),
    }),
    figure('mysql', `directory sync of the same ${n} entries again (unchanged)`, unchanged, baseline(rowsInsert, sync), null, { entriesPerSecond: perSecond(size, unchanged) }),
    figure('mysql', `importPeopleCsv of ${n} new users (all or nothing, median of ${runs})`, importMs, baseline(rowsInsert, imports), BULK_GOAL, {
      rowsPerSecond: perSecond(size, importMs),
      runRatios: ratios(imports),
    }),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 2_000);
  const bulk = Number(process.argv[3] ?? 50_000);
  benchMySql(count, 10, 100_000, bulk).then(
    (figures) => console.log(table(figures)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
