/**
 * createUser throughput on InMemory vs a bare Map.set of the same records.
 * Both run the same way: `rounds` times on a fresh site (a fresh Map), the
 * median kept, so neither side is measured colder than the other. The ratio
 * is of CPU time (see `cpuClock`): the 15 ms baseline loop would otherwise
 * swing with every process competing for the cores. Wall times are kept too.
 * Reported, not a goal: the goals are the figures users feel (PostgreSQL, MySQL).
 */
import { createSeatkeeper, InMemorySeatRepository, type User } from '../src/index.js';
import { benchUser } from './fixtures.js';
import { cpuClock, figure, median, wallClock, type BenchFigure } from './harness.js';

export async function benchCreateUser(count = 50_000, rounds = 3): Promise<BenchFigure[]> {
  const records: User[] = Array.from({ length: count }, (_, i) => benchUser(i));
  const bare: Timed[] = [];
  const measured: Timed[] = [];
  for (let round = 0; round < rounds; round++) {
    const map = new Map<string, User>();
    globalThis.gc?.(); // the previous round's site is garbage: collect it before, not during, the timing
    bare.push(
      await timed(() => {
        for (const r of records) map.set(r.id, r);
      }),
    );
    const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: count });
    globalThis.gc?.();
    measured.push(
      await timed(async () => {
        for (const r of records) {
          const result = await seats.createUser({ username: r.username, areaId: 'primary', email: r.email ?? undefined, displayName: r.displayName ?? undefined });
          if (!result.ok) throw new Error(result.reason.message);
        }
      }),
    );
  }
  const cpu = median(measured.map((t) => t.cpu)) / count;
  const wall = median(measured.map((t) => t.wall)) / count;
  const µs = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;
  return [
    figure('createUser', `InMemory createUser x${count.toLocaleString('en-US')} (CPU time)`, cpu, { name: 'Map.set', ms: median(bare.map((t) => t.cpu)) / count }, null, {
      wall: µs(wall),
      wallMapSet: µs(median(bare.map((t) => t.wall)) / count),
      perSecond: Math.round(1000 / wall),
    }),
  ];
}

interface Timed {
  readonly cpu: number;
  readonly wall: number;
}

/** CPU and wall milliseconds of one run of `fn`. */
async function timed(fn: () => Promise<unknown> | unknown): Promise<Timed> {
  const cpu = cpuClock();
  const wall = wallClock();
  await fn();
  return { cpu: cpuClock() - cpu, wall: wallClock() - wall };
}
