/**
 * npm run bench: measures what users feel, each figure beside a plain baseline
 * from the same run, and writes bench/results.json plus a table.
 * BENCH_QUICK=1 runs smaller sizes (a smoke run, not the recorded figures).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchCreateUser } from './create-user.bench.js';
import { benchDirectorySync } from './directory-sync.bench.js';
import { table, type BenchFigure } from './harness.js';
import { benchSummary } from './summary.bench.js';

const quick = process.env.BENCH_QUICK === '1';
const figures: BenchFigure[] = [];
const suites: Array<[string, () => Promise<BenchFigure[]>]> = [
  ['summary', () => benchSummary(quick ? 100_000 : 1_000_000)],
  ['createUser', () => benchCreateUser(quick ? 10_000 : 50_000)],
  ['directorySync', () => benchDirectorySync(quick ? 10_000 : 100_000)],
];
for (const [name, run] of suites) {
  process.stdout.write(`running ${name}...\n`);
  figures.push(...(await run()));
}
const report = {
  when: new Date().toISOString(),
  quick,
  machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30) },
  figures,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${table(figures)}\n\nwritten to bench/results.json`);
