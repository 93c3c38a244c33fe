/**
 * How long a directory sync of a large feed takes on the in-memory repository:
 * plan and apply of a feed of new users (a tenth of them over the limit, so
 * created blocked), then of the same feed again (all unchanged), against a
 * baseline of building and diffing a Map of the same entries (the least any
 * sync must do). Run it with `npx tsx bench/directory-sync.bench.ts [size]` or `npm run bench`.
 */
import { pathToFileURL } from 'node:url';
import { createSeatkeeper, InMemorySeatRepository, type DirectoryEntryInput } from '../src/index.js';

/** The timings of one run, in milliseconds. */
export interface DirectorySyncBenchResult {
  /** Feed entries. */
  readonly size: number;
  /** Building a Map of the feed by external id and diffing it against a Map of the stored users. */
  readonly baselineMs: number;
  /** Planning a feed of new users. */
  readonly planNewMs: number;
  /** Applying that plan. */
  readonly applyNewMs: number;
  /** Planning the same feed again (every line unchanged), with the missing-users scan. */
  readonly planUnchangedMs: number;
  /** Applying that plan. */
  readonly applyUnchangedMs: number;
}

/**
 * Measures a directory sync of `size` entries.
 *
 * @param size - feed entries (default 100,000)
 * @returns the timings
 */
export async function benchDirectorySync(size = 100_000): Promise<DirectorySyncBenchResult> {
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: Math.floor(size * 0.9) });
  const feed: DirectoryEntryInput[] = Array.from({ length: size }, (_, i) => ({
    externalId: `guid-${i.toString(16).padStart(8, '0')}`,
    username: `user${i}`,
    email: `user${i}@example.com`,
    displayName: `User ${i}`,
    areaId: 'primary',
  }));

  const baselineMs = time(() => {
    const stored = new Map(feed.map((e) => [e.externalId, { ...e }]));
    const incoming = new Map(feed.map((e) => [e.externalId, e]));
    let changed = 0;
    for (const [id, entry] of incoming) {
      const before = stored.get(id);
      if (before === undefined || before.username !== entry.username || before.email !== entry.email || before.displayName !== entry.displayName) changed++;
    }
    return changed;
  });

  let start = performance.now();
  const planNew = await seats.planDirectorySync(feed);
  const planNewMs = performance.now() - start;
  start = performance.now();
  const applied = await seats.applyDirectorySync(planNew);
  const applyNewMs = performance.now() - start;
  if (applied.totals.create + applied.totals.createBlocked !== size) throw new Error(`expected ${size} creations, got ${JSON.stringify(applied.totals)}`);

  start = performance.now();
  const planAgain = await seats.planDirectorySync(feed, { onMissing: 'block' });
  const planUnchangedMs = performance.now() - start;
  start = performance.now();
  const again = await seats.applyDirectorySync(planAgain);
  const applyUnchangedMs = performance.now() - start;
  if (again.totals.unchanged !== size) throw new Error(`expected ${size} unchanged, got ${JSON.stringify(again.totals)}`);

  return { size, baselineMs, planNewMs, applyNewMs, planUnchangedMs, applyUnchangedMs };
}

function time(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

/** Prints a result as a small table. */
export function printDirectorySyncBench(result: DirectorySyncBenchResult): void {
  const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`.padStart(10);
  console.log(`directory sync, ${result.size.toLocaleString('en-US')} entries (in-memory repository)`);
  console.log(`  baseline: Map build + diff  ${ms(result.baselineMs)}`);
  console.log(`  plan, all new               ${ms(result.planNewMs)}`);
  console.log(`  apply, all new              ${ms(result.applyNewMs)}`);
  console.log(`  plan, all unchanged         ${ms(result.planUnchangedMs)}`);
  console.log(`  apply, all unchanged        ${ms(result.applyUnchangedMs)}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = Number(process.argv[2] ?? 100_000);
  benchDirectorySync(size).then(printDirectorySyncBench, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
