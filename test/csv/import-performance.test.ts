import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importPeopleCsv, type CsvInput, type PeopleImportTarget } from '../../src/csv/index.js';
import { makeSite } from '../support/site.js';

/** Text delivered in 64 KiB pieces, as a file or a request body arrives. */
function pieces(text: string): AsyncIterable<string> {
  return (async function* () {
    for (let i = 0; i < text.length; i += 65_536) yield text.slice(i, i + 65_536);
  })();
}

/** The fastest of three runs, in milliseconds: the least disturbed by whatever else the machine does. */
async function fastest(run: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

async function dryRun(csv: () => CsvInput) {
  const { seats } = await makeSite();
  return importPeopleCsv(seats, csv(), { areaId: 'primary', dryRun: true, maxBytes: 100_000_000 });
}

/** Shapes of one row that never ends on the line it started: a line with no line break, and a stray quote that swallows the rest. */
const longRows = {
  'a line with no line break': (size: number) => `Username,Display name\r\nann,${'x'.repeat(size)}`,
  'a stray quote opening a cell that runs to the end': (size: number) => `Username,Display name\r\n"ann"x,b\r\n${'bob,Bob Bobson\r\n'.repeat(size / 16)}`,
  'a quoted cell of line breaks': (size: number) => `Username,Display name\r\nann,"${'a\n'.repeat(size / 2)}"`,
};

describe('importPeopleCsv: time linear in the upload', () => {
  it.each(Object.entries(longRows))('%s of 5 MB is read in well under a second, as a string and as a stream', async (_, make) => {
    const csv = make(5_000_000);
    for (const input of [() => csv, () => pieces(csv)]) {
      const started = performance.now();
      const report = await dryRun(input);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(report.rows).toBe(1);
    }
  });

  it.each(Object.entries(longRows))('%s twice as long takes about twice as long, not four times, when streamed', async (_, make) => {
    const small = make(4_000_000);
    const large = make(8_000_000);
    const smallMs = await fastest(() => dryRun(() => pieces(small)));
    const largeMs = await fastest(() => dryRun(() => pieces(large)));
    // Quadratic reading would take 4x; 3.5x leaves room for a noisy machine.
    expect(largeMs / Math.max(smallMs, 5)).toBeLessThan(3.5);
  });
});

describe('importPeopleCsv: the event loop stays free', () => {
  const rows = 100_000;
  const csv =
    ['Username,Display name,Email,Area,Organization,Account type,Account state', ...Array.from({ length: rows }, (_, i) => `user${i},User ${i},user${i}@example.com,Primary Area,,Licensed,Yes`)].join(
      '\r\n',
    ) + '\r\n';

  it.each([
    ['a string', () => csv],
    ['a byte stream', () => Readable.from([new TextEncoder().encode(csv)])],
    ['a text stream in pieces', () => pieces(csv)],
  ] as const)('reading and validating 100,000 rows from %s never holds the event loop for 200 ms', async (_, upload) => {
    const { seats } = await makeSite({ maxUsers: rows });
    // A timer ticking every 10 ms: the longest gap between ticks is the longest stall.
    let last = performance.now();
    let longest = 0;
    let reading = true;
    const tick = () => {
      const now = performance.now();
      if (reading) longest = Math.max(longest, now - last);
      last = now;
    };
    const timer = setInterval(tick, 10);
    // The seats check and the writes are createUsers' business: the stall measured is the reading's.
    const target: PeopleImportTarget = {
      summary: () => seats.summary(),
      createUsers: (entries, options) => {
        tick();
        reading = false;
        return seats.createUsers(entries, options);
      },
    };
    try {
      const report = await importPeopleCsv(target, upload());
      expect(report).toMatchObject({ ok: true, rows, created: rows });
    } finally {
      clearInterval(timer);
    }
    expect(reading).toBe(false);
    expect(longest).toBeLessThan(200);
  });
});
