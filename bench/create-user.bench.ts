/**
 * createUser throughput on InMemory vs a bare Map.set of the same records.
 * Both run the same way: `rounds` times on a fresh site (a fresh Map), the
 * median kept, so neither side is measured colder than the other.
 */
import { createSeatkeeper, InMemorySeatRepository, type User } from '../src/index.js';
import { benchUser } from './fixtures.js';
import { figure, msOnce, type BenchFigure } from './harness.js';

export async function benchCreateUser(count = 50_000, rounds = 3): Promise<BenchFigure[]> {
  const records: User[] = Array.from({ length: count }, (_, i) => benchUser(i));
  const bare: number[] = [];
  const measured: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const map = new Map<string, User>();
    bare.push(
      await msOnce(() => {
        for (const r of records) map.set(r.id, r);
      }),
    );
    const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: count });
    measured.push(
      await msOnce(async () => {
        for (const r of records) {
          const result = await seats.createUser({ username: r.username, areaId: 'primary', email: r.email ?? undefined, displayName: r.displayName ?? undefined });
          if (!result.ok) throw new Error(result.reason.message);
        }
      }),
    );
  }
  const ms = median(measured);
  return [
    figure('createUser', `InMemory createUser x${count.toLocaleString('en-US')}`, ms / count, { name: 'Map.set', ms: median(bare) / count }, 50, {
      perSecond: Math.round(count / (ms / 1000)),
    }),
  ];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
