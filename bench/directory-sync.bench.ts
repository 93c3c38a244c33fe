/**
 * A directory sync of a large feed on the in-memory repository: plan and apply
 * of a feed of new users (a tenth of them over the limit, so created blocked),
 * then of the same feed again (all unchanged, with `onMissing: 'block'`; the
 * counts show nobody can be missing, so no profile is scanned), each beside a
 * baseline of building and diffing a Map of the same entries (the least any
 * sync must do), and the whole sync (plan + apply) of each. Last, the unchanged
 * feed planned once more after a profile is made by hand, so that the scan for
 * missing users runs. Run alone with `npx tsx bench/directory-sync.bench.ts [size]`.
 */
import { pathToFileURL } from 'node:url';
import { createSeatkeeper, InMemorySeatRepository, type DirectoryEntryInput } from '../src/index.js';
import { figure, msOnce, table, type BenchFigure } from './harness.js';

/** The largest acceptable ratio to the Map baseline (issue 8: a sync within 4x of building and diffing a Map). */
const GOAL = 4;

/**
 * Measures a directory sync of `size` entries.
 *
 * @param size - feed entries (default 100,000)
 * @returns plan and apply of new entries, then of unchanged ones, each against the Map baseline
 */
export async function benchDirectorySync(size = 100_000): Promise<BenchFigure[]> {
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: Math.floor(size * 0.9) });
  const feed: DirectoryEntryInput[] = Array.from({ length: size }, (_, i) => ({
    externalId: `guid-${i.toString(16).padStart(8, '0')}`,
    username: `user${i}`,
    email: `user${i}@example.com`,
    displayName: `User ${i}`,
    areaId: 'primary',
  }));

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
  const perSecond = (ms: number) => ({ entriesPerSecond: Math.round(size / (ms / 1000)) });
  return [
    figure('directorySync', `plan ${n} new entries`, planNew, baseline, GOAL, perSecond(planNew)),
    figure('directorySync', `apply ${n} new entries`, applyNew, baseline, GOAL, perSecond(applyNew)),
    figure('directorySync', `plan ${n} unchanged entries`, planUnchanged, baseline, GOAL, perSecond(planUnchanged)),
    figure('directorySync', `apply ${n} unchanged entries`, applyUnchanged, baseline, GOAL, perSecond(applyUnchanged)),
    figure('directorySync', `sync ${n} new entries (plan + apply)`, planNew + applyNew, baseline, GOAL, perSecond(planNew + applyNew)),
    figure('directorySync', `sync ${n} unchanged entries (plan + apply)`, planUnchanged + applyUnchanged, baseline, GOAL, perSecond(planUnchanged + applyUnchanged)),
    figure('directorySync', `plan ${n} unchanged entries, scanning for missing users`, planScanned, baseline, GOAL, perSecond(planScanned)),
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
