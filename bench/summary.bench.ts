/**
 * summary() and a seat check at 1,000 and at 1,000,000 users: the cost must not
 * grow with users. CPU time (see `cpuClock`), so other processes on a shared
 * machine do not decide the ratio.
 */
import { cpuClock, figure, median, msPerOp, type BenchFigure } from './harness.js';
import { memorySite } from './fixtures.js';

export async function benchSummary(large = 1_000_000, rounds = 4): Promise<BenchFigure[]> {
  const small = await memorySite(1_000);
  const big = await memorySite(large);
  // Seeding a million users leaves garbage a collector would otherwise clear during the timing.
  globalThis.gc?.();
  // The sizes alternate, each going first in every other round, so warm-up, collections and load
  // from elsewhere fall on both alike.
  const times = { summarySmall: [] as number[], summaryBig: [] as number[], checkSmall: [] as number[], checkBig: [] as number[] };
  const sites = [
    { site: small, summary: times.summarySmall, check: times.checkSmall },
    { site: big, summary: times.summaryBig, check: times.checkBig },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const { site, summary, check } of round % 2 === 0 ? sites : [...sites].reverse()) {
      summary.push(await msPerOp(() => site.seats.summary(), 10_000, 5, cpuClock));
      check.push(await msPerOp(() => site.seats.checkSeat('primary'), 10_000, 5, cpuClock));
    }
  }
  const n = large.toLocaleString('en-US');
  return [
    figure('summary', `summary() at ${n} users (CPU time)`, median(times.summaryBig), { name: 'at 1,000 users', ms: median(times.summarySmall) }, 2),
    figure('summary', `checkSeat() at ${n} users (CPU time)`, median(times.checkBig), { name: 'at 1,000 users', ms: median(times.checkSmall) }, 2),
  ];
}
