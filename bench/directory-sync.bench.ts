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
 * Streamed (PostgreSQL, goals): a sync of a feed of 1,000,000 new entries
 * read page by page, within 60 s and adding at most 500 MB to the process;
 * see {@link benchPostgresStreamedDirectorySync}.
 *
 * Run alone with `npx tsx bench/directory-sync.bench.ts [size]`, or
 * `BENCH_STREAMED=1 node --expose-gc --import tsx bench/directory-sync.bench.ts 1000000`
 * for the streamed figure.
 */
import { pathToFileURL } from 'node:url';
import { PostgresSeatRepository } from '../src/adapters/postgres/index.js';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createSeatkeeper, InMemorySeatRepository, type DirectoryEntryInput, type User } from '../src/index.js';
import { createTestDatabase, postgresUnavailable } from '../test/support/postgres-database.js';
import { figure, msOnce, table, type BenchFigure } from './harness.js';
import { bareUnnestInsert } from './fixtures.js';

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
    const bareInsert = await bareUnnestInsert(pool);

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

/** What a streamed sync added to the process: the peaks above the figures before it, in MB. */
export interface MemoryPeak {
  /** Peak resident set size above the one before, MB. */
  readonly rssMb: number;
  /** Peak V8 heap in use above the one before, MB. */
  readonly heapMb: number;
}

/**
 * Runs `fn` while sampling `process.memoryUsage()` every 20 ms (a sample also
 * lands whenever the work awaits the database), and returns the peaks above
 * the figures taken before it, after a garbage collection when `--expose-gc` is on.
 */
export async function peakMemory<T>(fn: () => Promise<T>): Promise<{ readonly result: T; readonly peak: MemoryPeak }> {
  globalThis.gc?.();
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  };
  const timer = setInterval(sample, 20);
  try {
    const result = await fn();
    sample();
    return { result, peak: { rssMb: Math.round((rss - start.rss) / 2 ** 20), heapMb: Math.round((heap - start.heapUsed) / 2 ** 20) } };
  } finally {
    clearInterval(timer);
  }
}

/**
 * `size` new directory entries, made one page (1,000) at a time as they are
 * read, as a directory reader such as `readLdapDirectoryPages` yields them: the
 * feed itself is never held whole.
 */
export async function* streamedFeedOf(size: number, prefix = 's'): AsyncGenerator<DirectoryEntryInput[], void, undefined> {
  const pageSize = 1_000;
  for (let start = 0; start < size; start += pageSize) {
    const page: DirectoryEntryInput[] = [];
    for (let i = start; i < Math.min(size, start + pageSize); i++) {
      page.push({
        externalId: `${prefix}guid-${i.toString(16).padStart(8, '0')}`,
        username: `${prefix}user${i}`,
        email: `${prefix}user${i}@example.com`,
        displayName: `User ${i}`,
        areaId: 'primary',
      });
    }
    yield page;
  }
}

/** The goals of a streamed sync of 1,000,000 new entries on PostgreSQL, on a 2-core machine. */
const STREAMED_GOAL = { seconds: 60, addedMb: 500 } as const;

/**
 * A user row as a sync of new entries writes it, for the bare-insert floor:
 * the same columns and kinds of values.
 */
function bareUser(i: number, at: Date): User {
  return {
    id: randomUUID(),
    username: `buser${i}`,
    email: `buser${i}@example.com`,
    displayName: `User ${i}`,
    externalId: `bguid-${i.toString(16).padStart(8, '0')}`,
    areaId: 'primary',
    organizationId: null,
    kind: 'licensed',
    systemRole: null,
    state: 'active',
    blockReason: null,
    blockedAt: null,
    blockedBy: null,
    source: 'directory',
    createdAt: at,
    updatedAt: at,
    lastActivityAt: null,
  };
}

/**
 * A PostgreSQL sync of a streamed feed of `size` new entries (a tenth over the
 * limit), read page by page as a directory reader yields them: the time, and
 * the peak memory it adds to the process (resident set and heap). Goals: within
 * 60 s and at most 500 MB added for 1,000,000 entries on a 2-core machine.
 * Beside it, the floor on this machine at that moment: the same number of rows
 * sent as unnest INSERTs of 5,000 rows into a bare table of the same shape
 * (same columns, indexes and checks, no triggers), with nothing read first.
 * The same feed synced again with `onMissing: 'block'` (every line unchanged,
 * the counts show nobody is missing) is reported beside the same floor.
 *
 * @param size - feed entries (the recorded figure: 1,000,000)
 * @returns the figures, or none when no server answers
 */
export async function benchPostgresStreamedDirectorySync(size = 1_000_000): Promise<BenchFigure[]> {
  if ((await postgresUnavailable('PostgreSQL streamed directory sync benchmark')) !== null) return [];
  const database = await createTestDatabase('dirstream');
  try {
    const pool = database.newPool({ max: 4 });
    const repository = new PostgresSeatRepository(pool);
    await repository.migrate();
    const bareInsert = await bareUnnestInsert(pool);

    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: Math.floor(size * 0.9) });
    await seats.defineArea({ id: 'warm', kind: 'extranet', name: 'Warm-up', maxUsers: 10_000 });
    // Warm-up, in an area of its own: connections opened, statements planned, code optimised.
    await seats.syncDirectory(feedOf(5_000, 'w').map((entry) => ({ ...entry, areaId: 'warm' })));
    await bareInsert(Array.from({ length: 5_000 }, (_, i) => bareUser(size + i, new Date())));

    const loadBefore = os.loadavg()[0] ?? 0;
    let start = performance.now();
    const created = await peakMemory(() => seats.syncDirectory(streamedFeedOf(size)));
    const syncNew = performance.now() - start;
    const loadAfter = os.loadavg()[0] ?? 0;
    const { totals } = created.result;
    if (totals.create + totals.createBlocked !== size) throw new Error(`expected ${size} creations, got ${JSON.stringify(totals)}`);

    const floor = {
      name: `${size.toLocaleString('en-US')} rows as unnest INSERTs of 5,000`,
      ms: await msOnce(async () => {
        const at = new Date();
        for (let from = 0; from < size; from += 5_000) await bareInsert(Array.from({ length: Math.min(5_000, size - from) }, (_, i) => bareUser(from + i, at)));
      }),
    };

    await pool.query('VACUUM ANALYZE');
    start = performance.now();
    const unchanged = await peakMemory(() => seats.syncDirectory(streamedFeedOf(size), { onMissing: 'block' }));
    const syncUnchanged = performance.now() - start;
    if (unchanged.result.totals.unchanged !== size) throw new Error(`expected every line unchanged, got ${JSON.stringify(unchanged.result.totals)}`);

    const n = size.toLocaleString('en-US');
    const memory = (peak: MemoryPeak) => ({ peakRssAddedMb: peak.rssMb, peakHeapAddedMb: peak.heapMb });
    const goal =
      size === 1_000_000
        ? `within ${STREAMED_GOAL.seconds} s and ${STREAMED_GOAL.addedMb} MB: ${syncNew <= STREAMED_GOAL.seconds * 1000 ? 'time met' : 'time MISSED'}, ${
            created.peak.rssMb <= STREAMED_GOAL.addedMb ? 'memory met' : 'memory MISSED'
          }`
        : 'none (the goal is set for 1,000,000)';
    return [
      figure('directorySync', `PostgreSQL: streamed sync of ${n} new entries (${totals.create} created, ${totals.createBlocked} created blocked)`, syncNew, floor, null, {
        ...perSecond(size, syncNew),
        ...memory(created.peak),
        loadAverage: `${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`,
        goal,
      }),
      figure('directorySync', `PostgreSQL: the same ${n} streamed entries again, onMissing: 'block' (unchanged)`, syncUnchanged, floor, null, {
        ...perSecond(size, syncUnchanged),
        ...memory(unchanged.peak),
      }),
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
  // BENCH_STREAMED=1: only the streamed PostgreSQL sync, of `size` entries, in this process of its own (npm run bench
  // runs it so, with --expose-gc, and reads the figures from BENCH_FIGURES_FILE).
  const run = process.env.BENCH_STREAMED === '1' ? benchPostgresStreamedDirectorySync(size) : benchDirectorySync(size);
  run.then(
    (figures) => {
      console.log(table(figures));
      if (process.env.BENCH_FIGURES_FILE !== undefined) writeFileSync(process.env.BENCH_FIGURES_FILE, JSON.stringify(figures));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
