/**
 * A People CSV import of `size` new users on PostgreSQL, beside one multi-row
 * `INSERT ... SELECT FROM unnest(...)` of the same rows into a bare table of
 * the same shape (same columns, indexes and checks, no triggers): the least
 * any import must write. Goal: within 4x. Skipped, with the reason printed,
 * when no server answers.
 *
 * Run alone with `npx tsx bench/postgres-import.bench.ts [size]`.
 */
import { pathToFileURL } from 'node:url';
import Papa from 'papaparse';
import { PostgresSeatRepository } from '../src/adapters/postgres/index.js';
import { importPeopleCsv } from '../src/csv/index.js';
import { createSeatkeeper, type User } from '../src/index.js';
import { createTestDatabase, postgresUnavailable } from '../test/support/postgres-database.js';
import { bareUnnestInsert } from './fixtures.js';
import { figure, msOnce, table, type BenchFigure } from './harness.js';

/** The largest acceptable ratio of a PostgreSQL People import to one unnest INSERT of the same rows. */
const POSTGRES_GOAL = 4;

/** A People CSV of `size` new users of the primary area, numbered from 0 with `prefix`. */
function csvOf(size: number, prefix = ''): string {
  const rows = Array.from({ length: size }, (_, i) => ({
    Username: `${prefix}user${i}`,
    'Display name': `User ${i}`,
    Email: `${prefix}user${i}@example.com`,
    'Area id': 'primary',
  }));
  return Papa.unparse(rows);
}

/**
 * Measures an import of `size` rows against the unnest INSERT of the users it wrote.
 *
 * @param size - rows (default 50,000)
 * @returns the figure, or none when no server answers
 */
export async function benchPostgresImport(size = 50_000): Promise<BenchFigure[]> {
  if ((await postgresUnavailable('PostgreSQL import benchmark')) !== null) return [];
  const database = await createTestDatabase('import');
  try {
    const pool = database.newPool({ max: 4 });
    const repository = new PostgresSeatRepository(pool);
    await repository.migrate();
    const bareInsert = await bareUnnestInsert(pool);

    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: size + 1_000 });
    const limits = { maxRows: size + 1_000, maxBytes: 1024 ** 3 };
    // Warm-up: connections opened, statements planned, code optimised.
    await importPeopleCsv(seats, csvOf(1_000, 'w'), limits);

    const csv = csvOf(size);
    const importMs = await msOnce(async () => {
      const report = await importPeopleCsv(seats, csv, limits);
      if (!report.ok || report.created !== size) throw new Error(`expected ${size} users created: ${JSON.stringify(report).slice(0, 300)}`);
    });
    const written: User[] = [];
    for await (const user of seats.listUsers({ areaId: 'primary' })) if (user.username.startsWith('user')) written.push(user);
    const baselineMs = await msOnce(() => bareInsert(written));
    const n = size.toLocaleString('en-US');
    return [
      figure('postgresImport', `importPeopleCsv of ${n} new users`, importMs, { name: `one unnest INSERT of the ${n} rows`, ms: baselineMs }, POSTGRES_GOAL, {
        rowsPerSecond: Math.round(size / (importMs / 1000)),
      }),
    ];
  } finally {
    await database.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(table(await benchPostgresImport(Number(process.argv[2] ?? 50_000))));
}
