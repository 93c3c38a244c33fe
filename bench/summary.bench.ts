/** summary() and a seat check at 1,000 and at 1,000,000 users: the cost must not grow with users. */
import { figure, msPerOp, type BenchFigure } from './harness.js';
import { memorySite } from './fixtures.js';

export async function benchSummary(large = 1_000_000): Promise<BenchFigure[]> {
  const small = await memorySite(1_000);
  const summarySmall = await msPerOp(() => small.seats.summary(), 20_000);
  const checkSmall = await msPerOp(() => small.seats.checkSeat('primary'), 20_000);
  const big = await memorySite(large);
  const summaryBig = await msPerOp(() => big.seats.summary(), 20_000);
  const checkBig = await msPerOp(() => big.seats.checkSeat('primary'), 20_000);
  const n = large.toLocaleString('en-US');
  return [
    figure('summary', `summary() at ${n} users`, summaryBig, { name: 'at 1,000 users', ms: summarySmall }, 2),
    figure('summary', `checkSeat() at ${n} users`, checkBig, { name: 'at 1,000 users', ms: checkSmall }, 2),
  ];
}
