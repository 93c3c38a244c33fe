// People CSV throughput against papaparse alone. Run: npx tsx bench/csv.bench.ts
// BENCH_USERS sets the site size (default 100,000); BENCH_MILLION=1 adds a 1,000,000-user
// export with the heap it retains, to show memory stays flat. `npm run bench` starts it with
// --expose-gc so retained heap can be measured.
import Papa from 'papaparse';
import { exportPeopleCsv, importPeopleCsv } from '../src/csv/index.js';
import { createSeatkeeper, InMemorySeatRepository, type BulkUserInput, type Seatkeeper } from '../src/index.js';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const RUNS = 3;

function entries(n: number): BulkUserInput[] {
  return Array.from({ length: n }, (_, i) => ({
    username: `user${String(i).padStart(7, '0')}`,
    areaId: 'primary',
    email: `user${i}@example.com`,
    displayName: i % 10 === 0 ? `Doe, "J${i}"` : i % 17 === 0 ? `=formula ${i}` : `User Number ${i}`,
    ...(i % 20 === 0 ? { state: 'blocked' as const } : {}),
  }));
}

async function site(users: number): Promise<Seatkeeper> {
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: users * 2 });
  return seats;
}

async function populated(users: number): Promise<Seatkeeper> {
  const seats = await site(users);
  const report = await seats.createUsers(entries(users));
  if (!report.written) throw new Error('bench setup failed: users were not created');
  return seats;
}

/** Runs `work` RUNS times after `prepare`, returns the median milliseconds. */
async function median(prepare: () => Promise<unknown> | unknown, work: (prepared: never) => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const prepared = await prepare();
    globalThis.gc?.();
    const start = performance.now();
    await work(prepared as never);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function line(label: string, ms: number, rows: number, baseline?: number): void {
  const rate = Math.round(rows / (ms / 1000)).toLocaleString('en-US');
  const ratio = baseline === undefined ? '' : `  (${(ms / baseline).toFixed(1)}x papaparse alone)`;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${rate.padStart(11)} rows/s${ratio}`);
}

/**
 * Drains an export, measuring the heap it retains: every 50 chunks a full GC
 * runs (node --expose-gc, as bench/run.ts starts it) and the heap in use is
 * sampled, so garbage not yet collected does not count. Flat memory means this
 * stays the same whatever the number of users.
 */
async function drainRetained(chunks: AsyncIterable<string>): Promise<{ chars: number; retainedGrowth: number }> {
  const gc = globalThis.gc ?? (() => undefined);
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let chars = 0;
  let count = 0;
  for await (const chunk of chunks) {
    chars += chunk.length;
    if (++count % 50 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  return { chars, retainedGrowth: peak - base };
}

async function drain(chunks: AsyncIterable<string>): Promise<number> {
  let chars = 0;
  for await (const chunk of chunks) chars += chunk.length;
  return chars;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

console.log(`People CSV, ${USERS.toLocaleString('en-US')} users, median of ${RUNS} runs, node ${process.version}`);
const seats = await populated(USERS);

// Export: seatkeeper (paged read, names, neutralising, chunked papaparse) vs Papa.unparse of the same rows, prebuilt.
let csv = '';
for await (const chunk of exportPeopleCsv(seats)) csv += chunk;
const rows = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
const unparse = await median(() => undefined, () => Papa.unparse(rows, { newline: '\r\n' }));
const exported = await median(() => undefined, () => drain(exportPeopleCsv(seats)));
line('Papa.unparse (rows already in memory)', unparse, USERS);
line('exportPeopleCsv (streamed)', exported, USERS, unparse);
const streamed = await drainRetained(exportPeopleCsv(seats));
console.log(`${'  size; heap retained while streaming'.padEnd(44)} ${mb(streamed.chars)}; ${mb(streamed.retainedGrowth)}${globalThis.gc ? '' : ' (run with --expose-gc for retained heap)'}`);

// Import: seatkeeper (parse, validate, resolve, seat check, write) vs Papa.parse alone.
const parse = await median(() => undefined, () => Papa.parse<string[]>(csv, { skipEmptyLines: true }));
const dryRun = await median(() => site(USERS), (target: Seatkeeper) => importPeopleCsv(target, csv, { dryRun: true }));
const imported = await median(
  () => site(USERS),
  async (target: Seatkeeper) => {
    const report = await importPeopleCsv(target, csv);
    if (report.created !== USERS) throw new Error(`import created ${report.created} of ${USERS}: ${report.message}`);
  },
);
line('Papa.parse (text to arrays only)', parse, USERS);
line('importPeopleCsv, dry run (validate + seats)', dryRun, USERS, parse);
line('importPeopleCsv, all-or-nothing (writes)', imported, USERS, parse);

if (process.env.BENCH_MILLION === '1') {
  const million = 1_000_000;
  console.log(`\n1,000,000-user export (memory stays flat: rows are never all held)`);
  const big = await populated(million);
  const start = performance.now();
  await drain(exportPeopleCsv(big));
  line('exportPeopleCsv (streamed)', performance.now() - start, million);
  const streamed = await drainRetained(exportPeopleCsv(big));
  console.log(`${'  size; heap retained while streaming'.padEnd(44)} ${mb(streamed.chars)}; ${mb(streamed.retainedGrowth)}`);
}
