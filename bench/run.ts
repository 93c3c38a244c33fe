/**
 * npm run bench: measures what users feel, each figure beside a plain baseline
 * from the same run, and writes bench/results.json plus a table.
 * BENCH_QUICK=1 runs smaller sizes (a smoke run, not the recorded figures).
 * BENCH_ONLY=postgres,createUser runs only the named suites (results.json is then partial).
 * The PostgreSQL suite needs a server at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * and skips itself, saying why, when none answers; the MySQL suite likewise needs one at MYSQL_URL
 * (default mysql://root@127.0.0.1:3306/).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchCreateUser } from './create-user.bench.js';
import { benchDirectorySync } from './directory-sync.bench.js';
import { table, type BenchFigure } from './harness.js';
import { benchMySql } from './mysql.bench.js';
import { benchPostgres } from './postgres.bench.js';
import { benchPostgresImport } from './postgres-import.bench.js';
import { benchSummary } from './summary.bench.js';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The streamed directory sync runs in its own process too: the memory it adds to a process is one of its figures. */
function benchStreamedDirectorySync(size: number): BenchFigure[] {
  const file = join(tmpdir(), `seatkeeper-stream-bench-${process.pid}.json`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', new URL('./directory-sync.bench.ts', import.meta.url).pathname, String(size)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_STREAMED: '1', BENCH_FIGURES_FILE: file },
  });
  if (run.status !== 0) throw new Error(`bench/directory-sync.bench.ts (streamed) failed (exit ${run.status ?? run.signal})`);
  let figures: BenchFigure[] = [];
  try {
    figures = JSON.parse(readFileSync(file, 'utf8')) as BenchFigure[];
  } catch {
    // No server answered: the bench said so and wrote nothing.
  }
  rmSync(file, { force: true });
  return figures;
}

/** The CSV bench runs in its own process: its million-user site must not share a heap with the others. */
function benchCsv(users: number, million: boolean): BenchFigure[] {
  const file = join(tmpdir(), `seatkeeper-csv-bench-${process.pid}.json`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', new URL('./csv.bench.ts', import.meta.url).pathname], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_USERS: String(users), BENCH_MILLION: million ? '1' : '0', BENCH_FIGURES_FILE: file },
  });
  if (run.status !== 0) throw new Error(`bench/csv.bench.ts failed (exit ${run.status ?? run.signal})`);
  const figures = JSON.parse(readFileSync(file, 'utf8')) as BenchFigure[];
  rmSync(file, { force: true });
  return figures;
}

const quick = process.env.BENCH_QUICK === '1';
// The machine may be shared: its load before and after is kept beside the figures.
const loadBefore = os.loadavg()[0] ?? 0;
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim()) ?? null;
const figures: BenchFigure[] = [];
const suites: Array<[string, () => Promise<BenchFigure[]>]> = [
  ['summary', () => benchSummary(quick ? 100_000 : 1_000_000)],
  ['createUser', () => benchCreateUser(quick ? 10_000 : 50_000)],
  ['directorySync', async () => [...(await benchDirectorySync(quick ? 10_000 : 100_000)), ...benchStreamedDirectorySync(quick ? 100_000 : 1_000_000)]],
  ['csv', async () => benchCsv(quick ? 10_000 : 100_000, !quick)],
  ['postgres', () => benchPostgres(quick ? 400 : 2_000, 10, quick ? 10_000 : 100_000)],
  ['postgresImport', () => benchPostgresImport(quick ? 5_000 : 50_000)],
  ['mysql', () => benchMySql(quick ? 400 : 2_000, 10, quick ? 10_000 : 100_000, quick ? 5_000 : 50_000)],
];
for (const [name, run] of suites) {
  if (only !== null && !only.includes(name)) continue;
  process.stdout.write(`running ${name}...\n`);
  figures.push(...(await run()));
}
const report = {
  when: new Date().toISOString(),
  quick,
  suites: only ?? suites.map(([name]) => name),
  machine: {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? 0 },
  },
  figures,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${table(figures)}\n\nwritten to bench/results.json`);
