import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { MySqlSeatRepository } from '../../../src/adapters/mysql/index.js';
import { createSeatkeeper, type UserResult } from '../../../src/index.js';
import { mysqlUnavailable, useTestDatabase } from '../../support/mysql.js';

const unavailable = await mysqlUnavailable();

/** Two seatkeeper instances, as on two app servers: each its own pool of 10 connections, one database. */
async function twoInstances(database: ReturnType<ReturnType<typeof useTestDatabase>>, tablePrefix: string) {
  const repositories = [0, 1].map(() => new MySqlSeatRepository(database.newPool({ connectionLimit: 10 }), { tablePrefix }));
  // Both start up at once; the named lock lets exactly one of them migrate.
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

describe.skipIf(unavailable !== null)('two seatkeeper instances sharing one MySQL database', () => {
  const database = useTestDatabase('two_instances');

  it('400 concurrent createUser calls against 50 seats grant exactly 50 and refuse 350 with LICENSE_LIMIT_REACHED; no deadlock surfaces', async () => {
    const [a, b] = await twoInstances(database(), 'seats_');
    if (a === undefined || b === undefined) throw new Error('two instances expected');
    await a.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 50 });

    // allSettled: any SerializationFailureError (a deadlock, a lock wait timeout) would show up as a code of its own.
    const settled = await Promise.allSettled(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? a : b).createUser({ username: `user-${i}`, areaId: 'primary' })));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as { code?: string }).code ?? s.reason)] : []));
    expect(failures).toEqual([]);

    const results = settled.map((s) => (s as PromiseFulfilledResult<UserResult>).value);
    expect(codes(results)).toEqual({ ok: 50, LICENSE_LIMIT_REACHED: 350 });
    const [rows] = await database().pool.query<mysql.RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM seats_users WHERE area_id = 'primary' AND state = 'active' AND kind = 'licensed'`,
    );
    expect(rows[0]?.n).toBe(50);
    for (const instance of [a, b]) expect((await instance.summary()).areas[0]).toMatchObject({ using: 50, remaining: 0, status: 'exhausted' });
  });

  it('a username raced from both instances in two areas is created once; every other attempt is USERNAME_TAKEN', async () => {
    const [a, b] = await twoInstances(database(), 'names_');
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
    const [rows] = await database().pool.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM names_users`);
    expect(rows[0]?.n).toBe(1);
  });

  it('new areas defined from both instances at once take no gap lock: no deadlock, every area is there', async () => {
    const [a, b] = await twoInstances(database(), 'areas_');
    if (a === undefined || b === undefined) throw new Error('two instances expected');
    await a.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).defineArea({ id: `x${i}`, kind: 'extranet', name: `Extranet ${i}`, maxUsers: 5 })));
    expect((await b.summary()).areas).toHaveLength(41);
  });
});
