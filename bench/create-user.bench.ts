/** createUser throughput on InMemory vs a bare Map.set of the same records. */
import { createSeatkeeper, InMemorySeatRepository, type User } from '../src/index.js';
import { benchUser } from './fixtures.js';
import { figure, msOnce, type BenchFigure } from './harness.js';

export async function benchCreateUser(count = 50_000): Promise<BenchFigure[]> {
  const records: User[] = Array.from({ length: count }, (_, i) => benchUser(i));
  const map = new Map<string, User>();
  const bare = await msOnce(() => {
    for (const r of records) map.set(r.id, r);
  });
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: count });
  const measured = await msOnce(async () => {
    for (const r of records) {
      const result = await seats.createUser({ username: r.username, areaId: 'primary', email: r.email ?? undefined, displayName: r.displayName ?? undefined });
      if (!result.ok) throw new Error(result.reason.message);
    }
  });
  return [
    figure('createUser', `InMemory createUser x${count.toLocaleString('en-US')}`, measured / count, { name: 'Map.set', ms: bare / count }, 50, {
      perSecond: Math.round(count / (measured / 1000)),
    }),
  ];
}
