/**
 * Directory sync of a large feed.
 *
 * PostgreSQL (the goal): a sync (plan + apply) of `postgresSize` new entries
 * (a tenth of them over the limit, so created blocked) beside one multi-row
 * `INSERT ... SELECT FROM unnest(...)` of the same rows into a bare table of the
 * same shape (same columns, indexes and checks, no triggers): the least any
 * sync must write. Goal: within 4x. The same feed synced again (every line
 * unchanged) is reported beside the same baseline. Skipped, with the reason
 * printed, when no server answers.
 *
 * In memory (reported, no goal): plan and apply of `size` new entries, then of
 * the same feed again with `onMissing: 'block'` (the counts show nobody can be
 * missing, so no profile is scanned), and the unchanged feed planned once more
 * after a profile is made by hand, so that the scan for missing users runs;
 * each beside building and diffing a `Map` of the same entries.
 *
 * Run alone with `npx tsx bench/directory-sync.bench.ts [size]`.
 */
import { pathToFileURL } from 'node:url';
import { PostgresSeatRepository } from '../src/adapters/postgres/index.js';
import { USER_COLUMN_TYPES, USER_WRITE_COLUMNS, userColumnArrays } from '../src/adapters/postgres/rows.js';
import { createSeatkeeper, InMemorySeatRepository, type DirectoryEntryInput, type User } from '../src/index.js';
import { createTestDatabase, postgresUnavailable } from '../test/support/postgres-database.js';
import { figure, msOnce, table, type BenchFigure } from './harness.js';

/** The largest acceptable ratio of a PostgreSQL sync of new users to one unnest INSERT of the same rows. */
const POSTGRES_GOAL = 4;

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

const perSecond = (size: number, ms: number) => ({ entriesPerSecond: Math.round(size / (ms / 1000)) });

/**
 * Measures a directory sync of `size` entries in memory and of `postgresSize` on PostgreSQL.
 *
 * @param size - in-memory feed entries (default 100,000)
 * @param postgresSize - PostgreSQL feed entries (default: `size`, at most 50,000)
 * @returns the PostgreSQL figures against the unnest INSERT, then the in-memory ones against the Map baseline
 */
export async function benchDirectorySync(size = 100_000, postgresSize = Math.min(size, 50_000)): Promise<BenchFigure[]> {
  return [...(await benchPostgresDirectorySync(postgresSize)), ...(await benchInMemoryDirectorySync(size))];
}

/**
 * A PostgreSQL directory sync of `size` new entries, then of the same feed
 * again, each beside one unnest INSERT of the rows the first sync wrote.
 *
 * @param size - feed entries
 * @returns the figures, or none when no server answers
 */
export async function benchPostgresDirectorySync(size = 50_000): Promise<BenchFigure[]> {
  if ((await postgresUnavailable('PostgreSQL directory sync benchmark')) !== null) return [];
  const database = await createTestDatabase('dirsync');
  try {
    const pool = database.newPool({ max: 4 });
    const repository = new PostgresSeatRepository(pool);
    await repository.migrate();
    await pool.query('CREATE TABLE bench_bare_users (LIKE seatkeeper_users INCLUDING ALL)');
    const unnest = `unnest(${USER_COLUMN_TYPES.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS v(${USER_WRITE_COLUMNS})`;
    const bareInsert = (users: readonly User[]) => pool.query(`INSERT INTO bench_bare_users (${USER_WRITE_COLUMNS}) SELECT * FROM ${unnest}`, userColumnArrays(users));

    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: Math.floor(size * 0.9) });
    await seats.defineArea({ id: 'warm', kind: 'extranet', name: 'Warm-up', maxUsers: 1_000 });
    // Warm-up, in an area of its own: connections opened, statements planned, code optimised.
    const warmUp = await seats.syncDirectory(feedOf(1_000, 'w').map((entry) => ({ ...entry, areaId: 'warm' })));
    await bareInsert(warmUp.lines.map((line) => line.user));

    const feed = feedOf(size);
    let written: readonly User[] = [];
    const syncNew = await msOnce(async () => {
      const report = await seats.syncDirectory(feed);
      if (report.totals.create + report.totals.createBlocked !== size) throw new Error(`expected ${size} creations, got ${JSON.stringify(report.totals)}`);
      written = report.lines.map((line) => line.user);
    });
    const baseline = { name: `one unnest INSERT of the ${size.toLocaleString('en-US')} rows`, ms: await msOnce(() => bareInsert(written)) };
    await pool.query('VACUUM ANALYZE');
    const syncUnchanged = await msOnce(async () => {
      const report = await seats.syncDirectory(feed);
      if (report.totals.unchanged !== size) throw new Error(`expected every line unchanged, got ${JSON.stringify(report.totals)}`);
    });

    const n = size.toLocaleString('en-US');
    return [
      figure('directorySync', `PostgreSQL: sync ${n} new entries (plan + apply)`, syncNew, baseline, POSTGRES_GOAL, perSecond(size, syncNew)),
      figure('directorySync', `PostgreSQL: sync the same ${n} entries again (unchanged)`, syncUnchanged, baseline, null, perSecond(size, syncUnchanged)),
    ];
  } finally {
    await database.drop();
  }
}

/**
 * An in-memory directory sync of `size` entries, each step beside building
 * and diffing a `Map` of the same entries. Reported only: no goal.
 *
 * @param size - feed entries
 * @returns plan and apply of new entries, then of unchanged ones, and a plan that scans for missing users
 */
export async function benchInMemoryDirectorySync(size = 100_000): Promise<BenchFigure[]> {
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: Math.floor(size * 0.9) });
  const feed = feedOf(size);

  const baseline = {
    name: 'Map build + diff',
    ms: await msOnce(() => {
      const stored = new Map(feed.map((e) => [e.externalId, { ...e }]));
      const incoming = new Map(feed.map((e) => [e.externalId, e]));
      let changed = 0;
      for (const [id, entry] of incoming) {
        const before = stored.get(id);
        if (before === undefined || before.username !== entry.username || before.email !== entry.email || before.displayName !== entry.displayName) changed++;
      }
      return changed;
    }),
  };

  let plan = await seats.planDirectorySync([]);
  const planNew = await msOnce(async () => {
    plan = await seats.planDirectorySync(feed);
  });
  const applyNew = await msOnce(async () => {
    const report = await seats.applyDirectorySync(plan);
    if (report.totals.create + report.totals.createBlocked !== size) throw new Error(`expected ${size} creations, got ${JSON.stringify(report.totals)}`);
  });
  const planUnchanged = await msOnce(async () => {
    plan = await seats.planDirectorySync(feed, { onMissing: 'block' });
  });
  const applyUnchanged = await msOnce(async () => {
    const report = await seats.applyDirectorySync(plan);
    if (report.totals.unchanged !== size) throw new Error(`expected ${size} unchanged, got ${JSON.stringify(report.totals)}`);
  });
  // A profile the feed does not name: the counts no longer rule out missing users, every directory profile is scanned.
  await seats.createUser({ username: 'made-by-hand', areaId: 'primary' });
  const planScanned = await msOnce(async () => {
    plan = await seats.planDirectorySync(feed, { onMissing: 'block' });
    if (plan.totals.unchanged !== size) throw new Error(`expected ${size} unchanged, got ${JSON.stringify(plan.totals)}`);
  });

  const n = size.toLocaleString('en-US');
  const memory = (name: string, ms: number) => figure('directorySync', `in memory: ${name}`, ms, baseline, null, perSecond(size, ms));
  return [
    memory(`plan ${n} new entries`, planNew),
    memory(`apply ${n} new entries`, applyNew),
    memory(`plan ${n} unchanged entries`, planUnchanged),
    memory(`apply ${n} unchanged entries`, applyUnchanged),
    memory(`sync ${n} new entries (plan + apply)`, planNew + applyNew),
    memory(`sync ${n} unchanged entries (plan + apply)`, planUnchanged + applyUnchanged),
    memory(`plan ${n} unchanged entries, scanning for missing users`, planScanned),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = Number(process.argv[2] ?? 100_000);
  benchDirectorySync(size).then(
    (figures) => console.log(table(figures)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
