/**
 * A tiny benchmark harness: each figure is measured beside a plain baseline in
 * the same run, and reported as a ratio against a goal. Timing lives here, never in tests.
 */
import { performance } from 'node:perf_hooks';

/** One measured figure beside its baseline. */
export interface BenchFigure {
  readonly suite: string;
  readonly name: string;
  /** Milliseconds per operation (or per whole run for one-shot figures). */
  readonly ms: number;
  readonly baseline: { readonly name: string; readonly ms: number } | null;
  /** ms / baseline.ms */
  readonly ratio: number | null;
  /** The largest acceptable ratio, if a goal is set. */
  readonly goal: number | null;
  readonly met: boolean | null;
  /** Anything else worth keeping (peak heap, rows per second...). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

/** A source of milliseconds: {@link wallClock} or {@link cpuClock}. */
export type BenchClock = () => number;

/** Elapsed real time: what a caller waits, including time spent waiting on a server. */
export const wallClock: BenchClock = () => performance.now();

/**
 * CPU time of this process (user + system, every thread): what the code costs.
 * Unlike wall time it does not grow when other processes compete for the
 * cores, so in-process figures use it on a shared machine; on an idle machine
 * the two agree.
 */
export const cpuClock: BenchClock = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Milliseconds per call of `fn`: the median of `rounds` rounds of `iterations` calls, after a warm-up round. */
export async function msPerOp(fn: () => unknown, iterations: number, rounds = 5, clock: BenchClock = wallClock): Promise<number> {
  for (let i = 0; i < Math.min(iterations, 1000); i++) await fn();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = clock();
    for (let i = 0; i < iterations; i++) await fn();
    samples.push((clock() - start) / iterations);
  }
  return median(samples);
}

/** The middle value (the upper middle of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Milliseconds for one run of `fn` (for work too large to repeat). */
export async function msOnce(fn: () => Promise<unknown> | unknown, clock: BenchClock = wallClock): Promise<number> {
  const start = clock();
  await fn();
  return clock() - start;
}

/** Builds a figure, computing the ratio and whether the goal is met. */
export function figure(
  suite: string,
  name: string,
  ms: number,
  baseline: { readonly name: string; readonly ms: number } | null,
  goal: number | null,
  extra?: Readonly<Record<string, number | string>>,
): BenchFigure {
  const ratio = baseline === null ? null : ms / baseline.ms;
  return {
    suite,
    name,
    ms,
    baseline,
    ratio,
    goal,
    met: goal === null || ratio === null ? null : ratio <= goal,
    ...(extra === undefined ? {} : { extra }),
  };
}

/** Samples the heap while `fn` runs and returns the peak above the starting heap, in MB. */
export async function peakHeapMb<T>(fn: () => Promise<T>): Promise<{ readonly result: T; readonly peakMb: number }> {
  globalThis.gc?.();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peakMb: (peak - start) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

/** Formats figures as a readable table. */
export function table(figures: readonly BenchFigure[]): string {
  const rows = figures.map((f) => [
    f.suite,
    f.name,
    formatMs(f.ms),
    f.baseline === null ? '' : `${f.baseline.name}: ${formatMs(f.baseline.ms)}`,
    f.ratio === null ? '' : `${f.ratio.toFixed(2)}x`,
    f.goal === null ? '' : `<= ${f.goal}x`,
    f.met === null ? '' : f.met ? 'met' : 'MISSED',
    f.extra === undefined ? '' : Object.entries(f.extra).map(([k, v]) => `${k}=${v}`).join(' '),
  ]);
  const header = ['suite', 'figure', 'time', 'baseline', 'ratio', 'goal', '', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(2)} µs`;
}
