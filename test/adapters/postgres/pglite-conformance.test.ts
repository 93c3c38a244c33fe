import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeatkeeper } from '../../../src/index.js';
import { pglitePool, PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { describeSeatRepository } from '../../../src/testing/vitest.js';

// One in-memory PGlite for the file (starting one takes seconds); every check gets its own freshly migrated schema in it.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db?.close();
});

describe('PGlite through pglitePool', () => {
  const schemas = new WeakMap<PostgresSeatRepository, string>();
  let made = 0;

  describeSeatRepository(
    'PostgresSeatRepository',
    async () => {
      const schema = `check_${++made}`;
      const repository = new PostgresSeatRepository(pglitePool(db), { schema });
      await repository.migrate();
      schemas.set(repository, schema);
      return repository;
    },
    {
      cleanup: async (repository) => {
        await db.exec(`DROP SCHEMA IF EXISTS ${schemas.get(repository)} CASCADE`);
      },
    },
  );

  it('reads bigint columns as strings, as pg does', async () => {
    const pool = pglitePool(db);
    const { rows } = await pool.query('SELECT $1::bigint AS big, 1.50::numeric AS exact, 2::int AS small', [9_007_199_254_740_993n.toString()]);
    expect(rows).toEqual([{ big: '9007199254740993', exact: '1.50', small: 2 }]);
  });

  it('answers several statements without parameters with one result each, and one alone as itself', async () => {
    const pool = pglitePool(db);
    const many = (await pool.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as Array<{ rows: unknown[] }>;
    expect(many.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    const one = await pool.query('SELECT 3 AS c');
    expect(one.rows).toEqual([{ c: 3 }]);
    expect(one.command).toBe('SELECT');
  });

  it('serves one checkout at a time: a statement on the pool waits for the transaction holding the connection', async () => {
    const pool = pglitePool(db);
    await pool.query('CREATE TABLE IF NOT EXISTS turn_probe (n int)');
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO turn_probe VALUES (1)');
    const outside = pool.query('SELECT count(*)::int AS n FROM turn_probe');
    await client.query('ROLLBACK');
    client.release();
    // Had it run inside the open transaction, it would have seen the rolled-back row.
    expect((await outside).rows).toEqual([{ n: 0 }]);
  });

  it('rolls back what a client released with an error left open', async () => {
    const pool = pglitePool(db);
    await pool.query('CREATE TABLE IF NOT EXISTS discard_probe (n int)');
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO discard_probe VALUES (1)');
    client.release(new Error('lost'));
    expect((await pool.query('SELECT count(*)::int AS n FROM discard_probe')).rows).toEqual([{ n: 0 }]);
  });

  it('quotes literals as pg does', async () => {
    const client = await pglitePool(db).connect();
    try {
      expect(client.escapeLiteral("o'brien")).toBe("'o''brien'");
      expect(client.escapeLiteral('a\\b')).toBe(" E'a\\\\b'");
      const { rows } = await client.query(`SELECT ${client.escapeLiteral("it's a\\b")} AS v`);
      expect(rows).toEqual([{ v: "it's a\\b" }]);
    } finally {
      client.release();
    }
  });

  it('runs the service end to end: 20 parallel creations on a 5-seat area grant exactly 5', async () => {
    const repository = new PostgresSeatRepository(pglitePool(db), { schema: 'service_probe' });
    await repository.migrate();
    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary', maxUsers: 5 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => seats.createUser({ username: `user${i}`, areaId: 'primary' })));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const [area] = (await seats.summary()).areas;
    expect(area).toMatchObject({ using: 5, remaining: 0, status: 'exhausted' });
  });
});
