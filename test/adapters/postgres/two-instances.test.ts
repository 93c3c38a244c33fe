import { describe, expect, it } from 'vitest';
import { PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { createSeatkeeper, type UserResult } from '../../../src/index.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** Two seatkeeper instances, as on two app servers: each its own pool of 10 connections, one database. */
async function twoInstances(database: ReturnType<ReturnType<typeof useTestDatabase>>, schema: string) {
  const repositories = [0, 1].map(() => new PostgresSeatRepository(database.newPool({ max: 10 }), { schema }));
  // Both start up at once; the advisory lock lets exactly one of them migrate.
  const migrations = await Promise.all(repositories.map((r) => r.migrate()));
  expect(migrations.map((m) => m.applied.length > 0).sort()).toEqual([false, true]);
  return repositories.map((repository) => createSeatkeeper({ repository }));
}

function codes(results: readonly UserResult[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const r of results) {
    const key = r.ok ? 'ok' : r.reason.code;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

describe.skipIf(unavailable !== null)('two seatkeeper instances sharing one PostgreSQL database', () => {
  const database = useTestDatabase('two_instances');

  it('400 concurrent createUser calls against 50 seats grant exactly 50 and refuse 350 with LICENSE_LIMIT_REACHED', async () => {
    const [a, b] = await twoInstances(database(), 'seats');
    if (a === undefined || b === undefined) throw new Error('two instances expected');
    await a.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 50 });

    const results = await Promise.all(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? a : b).createUser({ username: `user-${i}`, areaId: 'primary' })));

    expect(codes(results)).toEqual({ ok: 50, LICENSE_LIMIT_REACHED: 350 });
    const { rows } = await database().pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM seats.seatkeeper_users WHERE area_id = 'primary' AND state = 'active' AND kind = 'licensed'`,
    );
    expect(rows[0]?.n).toBe(50);
    for (const instance of [a, b]) expect((await instance.summary()).areas[0]).toMatchObject({ using: 50, remaining: 0, status: 'exhausted' });
  });

  it('a username raced from both instances in two areas is created once; every other attempt is USERNAME_TAKEN', async () => {
    const [a, b] = await twoInstances(database(), 'names');
    if (a === undefined || b === undefined) throw new Error('two instances expected');
    await a.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 100 });
    await a.defineArea({ id: 'extranet', kind: 'extranet', name: 'Extranet', maxUsers: 100 });

    const spellings = ['Sam', 'SAM', 'sam', 'sAm'];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).createUser({ username: spellings[i % spellings.length] as string, areaId: i % 4 < 2 ? 'primary' : 'extranet' }),
      ),
    );

    expect(codes(results)).toEqual({ ok: 1, USERNAME_TAKEN: 39 });
    const { rows } = await database().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM names.seatkeeper_users`);
    expect(rows[0]?.n).toBe(1);
  });
});
