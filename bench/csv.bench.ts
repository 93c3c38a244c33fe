// People CSV throughput against papaparse alone. Run: node --expose-gc --import tsx bench/csv.bench.ts
// BENCH_USERS sets the site size (default 100,000), BENCH_RUNS the runs per figure (default 5).
// BENCH_MILLION=1 adds a 1,000,000-user export beside Papa.unparse of the same rows, with its peak heap.
// The import also reports its longest event-loop stalls, and reads one 5 MB and one 10 MB line to show the time is linear.
//
// Each figure runs interleaved with its papaparse baseline, so load from other processes falls on
// both alike; the median of the runs is reported, in wall-clock time and in CPU time (the process's
// user + system time, every thread, garbage collection included), which a busy machine disturbs less.
// Peak heap is heapUsed sampled after every chunk while an export is drained, above the heap
// measured (after a full GC) once the site is built: the site itself is not counted.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Papa from 'papaparse';
import { exportPeopleCsv, importPeopleCsv } from '../src/csv/index.js';
import { createSeatkeeper, InMemorySeatRepository, type BulkUserInput, type Seatkeeper } from '../src/index.js';
import { writeFileSync } from 'node:fs';
import { figure, type BenchFigure } from './harness.js';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** A full collection, with or without --expose-gc: peak heap is measured from a collected heap. */
setFlagsFromString('--expose-gc');
const gc: () => void = globalThis.gc ?? (runInNewContext('gc') as () => void);

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

interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

/** One figure of a comparison: `prepare` runs untimed before each timed `work`. */
interface Contender {
  readonly label: string;
  readonly prepare?: () => Promise<unknown> | unknown;
  readonly work: (prepared: never) => Promise<unknown> | unknown;
}

/** Runs the contenders in turn, RUNS rounds; returns each one's median wall-clock and CPU milliseconds. */
async function interleaved(contenders: readonly Contender[], runs = RUNS): Promise<Timing[]> {
  const samples = contenders.map(() => ({ ms: [] as number[], cpuMs: [] as number[] }));
  for (let run = 0; run < runs; run++) {
    for (const [index, contender] of contenders.entries()) {
      const prepared = await contender.prepare?.();
      gc();
      const cpu = process.cpuUsage();
      const start = performance.now();
      await contender.work(prepared as never);
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      samples[index]?.ms.push(ms);
      samples[index]?.cpuMs.push((used.user + used.system) / 1000);
    }
  }
  return samples.map((s) => ({ ms: median(s.ms), cpuMs: median(s.cpuMs) }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Figures for `npm run bench`, which runs this file in its own process and reads them from BENCH_FIGURES_FILE. */
const recorded: BenchFigure[] = [];

/**
 * Keeps a figure against its papaparse baseline. The export has a goal (2x Papa.unparse, peak heap under
 * 150 MB at 1M users); the import's ratio to Papa.parse is reported without one: the import's goal is
 * against PostgreSQL (bench/postgres.bench.ts), and the in-memory ratio is not worth code of its own.
 */
function record(name: string, timing: Timing, baseline: Timing, baselineName: string, goal: number | null, extra: Record<string, number | string> = {}): void {
  recorded.push(figure('csv', name, timing.ms, { name: baselineName, ms: baseline.ms }, goal, { cpuRatio: Number((timing.cpuMs / baseline.cpuMs).toFixed(2)), ...extra }));
}

function line(label: string, timing: Timing, rows: number, baseline?: Timing): void {
  const rate = Math.round(rows / (timing.ms / 1000)).toLocaleString('en-US');
  const ratio = baseline === undefined ? '' : `  ${(timing.ms / baseline.ms).toFixed(1)}x papaparse (CPU ${(timing.cpuMs / baseline.cpuMs).toFixed(1)}x)`;
  console.log(`${label.padEnd(44)} ${timing.ms.toFixed(0).padStart(6)} ms  CPU ${timing.cpuMs.toFixed(0).padStart(6)} ms  ${rate.padStart(11)} rows/s${ratio}`);
}

/** Drains an export, sampling the heap after every chunk; the peak is measured above `base`. */
async function drainWithPeak(chunks: AsyncIterable<string>, base: number): Promise<{ chars: number; peak: number }> {
  let peak = base;
  let chars = 0;
  for await (const chunk of chunks) {
    chars += chunk.length;
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  }
  return { chars, peak: peak - base };
}

/** The heap in use after a full collection: the base a peak is measured from. */
function settledHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A header and one row whose display name is `length` characters with no line break. */
function longRow(length: number): string {
  return `Username,Display name\r\nann,${'x'.repeat(length)}`;
}

/** Text delivered in 64 KiB pieces, as a request body arrives. */
async function* pieces(text: string): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += 65_536) yield text.slice(i, i + 65_536);
}

/**
 * The longest event-loop stalls of a dry-run import, from a timer ticking every 5 ms: while the
 * file is read and validated, and during the seats check (`createUsers`, one transaction).
 */
async function longestStalls(target: Seatkeeper, text: string, options: { readonly maxRows: number; readonly maxBytes: number }) {
  const stalls = { reading: 0, seats: 0 };
  let phase: keyof typeof stalls = 'reading';
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    stalls[phase] = Math.max(stalls[phase], now - last);
    last = now;
  };
  const timer = setInterval(tick, 5);
  try {
    await importPeopleCsv(
      {
        summary: () => target.summary(),
        createUsers: async (entries, createOptions) => {
          tick();
          phase = 'seats';
          const report = await target.createUsers(entries, createOptions);
          tick();
          return report;
        },
      },
      text,
      { dryRun: true, ...options },
    );
  } finally {
    clearInterval(timer);
  }
  return stalls;
}

/** Export vs Papa.unparse of the same rows (already in memory), then the export's peak heap. */
async function exportFigures(seats: Seatkeeper, users: number, runs = RUNS): Promise<string> {
  let csv = '';
  for await (const chunk of exportPeopleCsv(seats)) csv += chunk;
  let rows: string[][] | undefined = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
  const [unparse, exported] = await interleaved([
    { label: 'Papa.unparse', work: () => Papa.unparse(rows as string[][], { newline: '\r\n' }) },
    {
      label: 'exportPeopleCsv',
      work: async () => {
        let chars = 0;
        for await (const chunk of exportPeopleCsv(seats)) chars += chunk.length;
        return chars;
      },
    },
  ], runs);
  rows = undefined;
  line('Papa.unparse (rows already in memory)', unparse as Timing, users);
  line('exportPeopleCsv (streamed)', exported as Timing, users, unparse);
  const { chars, peak } = await drainWithPeak(exportPeopleCsv(seats), settledHeap());
  console.log(`${'  size; peak heap above the built site'.padEnd(44)} ${mb(chars)}; ${mb(peak)}`);
  record(`exportPeopleCsv, ${users.toLocaleString('en-US')} users`, exported as Timing, unparse as Timing, 'Papa.unparse', 2, {
    peakHeapMb: Number((peak / 1024 / 1024).toFixed(1)),
  });
  return csv;
}

console.log(`People CSV, ${USERS.toLocaleString('en-US')} users, median of ${RUNS} interleaved runs, node ${process.version}`);
const seats = await populated(USERS);
const csv = await exportFigures(seats, USERS);

// Import: seatkeeper (parse, validate, resolve, seat check, write) vs Papa.parse alone.
// The limits are raised to the bench's size: the defaults (100,000 rows, 50 MiB) are for one upload.
const limits = { maxRows: Math.max(USERS, 1), maxBytes: Math.max(csv.length * 3, 1) };
const [parse, dryRun, imported] = await interleaved([
  { label: 'Papa.parse', work: () => Papa.parse<string[]>(csv, { skipEmptyLines: true }) },
  { label: 'dry run', prepare: () => site(USERS), work: (target: Seatkeeper) => importPeopleCsv(target, csv, { dryRun: true, ...limits }) },
  {
    label: 'all-or-nothing',
    prepare: () => site(USERS),
    work: async (target: Seatkeeper) => {
      const report = await importPeopleCsv(target, csv, limits);
      if (report.created !== USERS) throw new Error(`import created ${report.created} of ${USERS}: ${report.message}`);
    },
  },
]);
line('Papa.parse (text to arrays only)', parse as Timing, USERS);
line('importPeopleCsv, dry run (validate + seats)', dryRun as Timing, USERS, parse);
line('importPeopleCsv, all-or-nothing (writes)', imported as Timing, USERS, parse);
const stall = await longestStalls(await site(USERS), csv, limits);
console.log(`${'  longest event-loop stall: reading; seats'.padEnd(44)} ${stall.reading.toFixed(0)} ms; ${stall.seats.toFixed(0)} ms (dry run)`);
record(`importPeopleCsv dry run, ${USERS.toLocaleString('en-US')} rows`, dryRun as Timing, parse as Timing, 'Papa.parse', null, {
  readingStallMs: Math.round(stall.reading),
  seatsStallMs: Math.round(stall.seats),
});
record(`importPeopleCsv writing, ${USERS.toLocaleString('en-US')} rows`, imported as Timing, parse as Timing, 'Papa.parse', null);

// One row that never ends on its line, streamed in 64 KiB pieces: twice the length should take about twice the time.
const [longLine, longerLine] = await interleaved([
  { label: '5 MB line', prepare: () => site(10), work: (target: Seatkeeper) => importPeopleCsv(target, pieces(longRow(5_000_000)), { areaId: 'primary', dryRun: true }) },
  { label: '10 MB line', prepare: () => site(10), work: (target: Seatkeeper) => importPeopleCsv(target, pieces(longRow(10_000_000)), { areaId: 'primary', dryRun: true }) },
]);
line('importPeopleCsv, one 5 MB line, streamed', longLine as Timing, 1);
line('importPeopleCsv, one 10 MB line, streamed', longerLine as Timing, 1, longLine);
record('importPeopleCsv, one 10 MB line vs one 5 MB line, streamed', longerLine as Timing, longLine as Timing, 'one 5 MB line', 3);

if (process.env.BENCH_MILLION === '1') {
  const million = 1_000_000;
  console.log(`\n1,000,000-user export (memory stays flat: rows are never all held)`);
  const big = await populated(million);
  // The first read of a freshly written in-memory site sorts its username index; that is the site's, not the export's.
  const base = settledHeap();
  const first = await drainWithPeak(exportPeopleCsv(big), base);
  console.log(`${'  first export (sorts the site index); peak'.padEnd(44)} ${mb(first.peak)}`);
  await exportFigures(big, million, Math.min(RUNS, 3));
}

if (process.env.BENCH_FIGURES_FILE !== undefined) writeFileSync(process.env.BENCH_FIGURES_FILE, JSON.stringify(recorded));
