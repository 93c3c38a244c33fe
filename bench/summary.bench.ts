/**
 * summary() and a seat check at 1,000 and at 1,000,000 users: the cost must not
 * grow with users. CPU time (see `cpuClock`), so other processes on a shared
 * machine do not decide the ratio.
 */
import { cpuClock, figure, median, msPerOp, type BenchFigure } from './harness.js';
import { memorySite } from './fixtures.js';

export async function benchSummary(large = 1_000_000, rounds = 3): Promise<BenchFigure[]> {
  const small = await memorySite(1_000);
  const big = await memorySite(large);
  // Seeding a million users leaves garbage a collector would otherwise clear during the timing.
  globalThis.gc?.();
  // The sizes alternate, so warm-up, collections and load from elsewhere fall on both alike.
  const times = { summarySmall: [] as number[], summaryBig: [] as number[], checkSmall: [] as number[], checkBig: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    times.summarySmall.push(await msPerOp(() => small.seats.summary(), 10_000, 5, cpuClock));
    times.summaryBig.push(await msPerOp(() => big.seats.summary(), 10_000, 5, cpuClock));
    times.checkSmall.push(await msPerOp(() => small.seats.checkSeat('primary'), 10_000, 5, cpuClock));
    times.checkBig.push(await msPerOp(() => big.seats.checkSeat('primary'), 10_000, 5, cpuClock));
  }
  const n = large.toLocaleString('en-US');
  return [
    figure('summary', `summary() at ${n} users (CPU time)`, median(times.summaryBig), { name: 'at 1,000 users', ms: median(times.summarySmall) }, 2),
    figure('summary', `checkSeat() at ${n} users (CPU time)`, median(times.checkBig), { name: 'at 1,000 users', ms: median(times.checkSmall) }, 2),
  ];
}
