import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PEOPLE_IMPORT_LIMITS, importPeopleCsv } from '../../src/csv/index.js';
import { InvalidInputError } from '../../src/index.js';
import { makeSite } from '../support/site.js';

const crlf = (...lines: string[]) => lines.join('\r\n') + '\r\n';
const users = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `u${from + i}`);

/** An upload that never ends, counting the pieces pulled from it. */
function endless(header: string, row: (i: number) => string) {
  const state = { pulled: 0 };
  const upload = (async function* () {
    yield header;
    for (;;) yield row(state.pulled++);
  })();
  return { upload, state };
}

describe('importPeopleCsv: an empty file', () => {
  it.each([
    ['a 0-byte string', ''],
    ['blank lines only', '\r\n\r\n\r\n'],
    ['a byte order mark only', '\uFEFF'],
  ])('%s is reported as EMPTY_FILE, not ok', async (_, csv) => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary' });
    expect(report).toMatchObject({ ok: false, written: false, rows: 0, errors: [], fileProblem: { code: 'EMPTY_FILE', limit: null, line: null } });
    expect(report.message).toBe('Nothing was imported: the file is empty.');
  });

  it('a 0-byte stream is empty too', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, Readable.from([]), { areaId: 'primary' });
    expect(report).toMatchObject({ ok: false, fileProblem: { code: 'EMPTY_FILE' } });
  });

  it('a header with no rows under it (blank lines aside) is an empty file', async () => {
    const { seats } = await makeSite();
    for (const csv of ['Username', 'Username\r\n', crlf('Username,Email', '', ',')]) {
      const report = await importPeopleCsv(seats, csv, { areaId: 'primary' });
      expect(report, JSON.stringify(csv)).toMatchObject({ ok: false, rows: 0, fileProblem: { code: 'EMPTY_FILE' } });
      expect(report.message).toBe('Nothing was imported: the file has a header but no rows.');
    }
  });

  it('blank lines before the header are skipped', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('', 'Username', 'ann'), { areaId: 'primary' });
    expect(report).toMatchObject({ ok: true, created: 1, accepted: [{ line: 3 }] });
  });

  it('a header that cannot be used is a header error, not an empty file', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, 'Email\r\n', { areaId: 'primary' });
    expect(report).toMatchObject({ ok: false, fileProblem: null, errors: [{ line: 1, message: expect.stringContaining('No Username column') }] });
  });
});

describe('importPeopleCsv: maxRows', () => {
  it('defaults to 100,000 rows, 50 MiB and 100 errors', () => {
    expect(DEFAULT_PEOPLE_IMPORT_LIMITS).toEqual({ maxRows: 100_000, maxBytes: 52_428_800, maxErrors: 100 });
  });

  it('imports a file of exactly maxRows rows', async () => {
    const { seats } = await makeSite();
    expect(await importPeopleCsv(seats, crlf('Username', ...users(5)), { areaId: 'primary', maxRows: 5 })).toMatchObject({ ok: true, created: 5, fileProblem: null });
  });

  it.each(['all-or-nothing', 'best-effort'] as const)('in %s mode, a file with one row too many is not read past it, and nothing is written', async (mode) => {
    const { seats } = await makeSite();
    const csv = crlf('Username,Email', 'u0,', 'u1,bad', '', 'u2,', 'u3,', 'u4,');
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary', maxRows: 3, mode });
    expect(report).toMatchObject({
      ok: false,
      written: false,
      created: 0,
      rows: 3,
      accepted: [],
      refused: [],
      fileProblem: { code: 'MAX_ROWS_EXCEEDED', limit: 3, line: 6 },
      // The rows read were still checked: fix them while splitting the file.
      errors: [{ line: 3, field: 'email' }],
    });
    expect(report.message).toBe(
      'Nothing was imported: the file has more than 3 rows (the maxRows limit), so it was not read past line 6. Split it into files of at most 3 rows. 1 error in the file.',
    );
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('an endless upload stops at maxRows with a report, not a RangeError, and is not pulled much further', async () => {
    const { seats } = await makeSite();
    const { upload, state } = endless('Username\r\n', (i) => `u${i}\r\n`);
    const report = await importPeopleCsv(seats, upload, { areaId: 'primary', maxRows: 1_000, dryRun: true });
    expect(report).toMatchObject({ ok: false, rows: 1_000, fileProblem: { code: 'MAX_ROWS_EXCEEDED', line: 1_002 } });
    expect(state.pulled).toBeLessThan(50_000);
  });

  it('refuses a maxRows, maxBytes or maxErrors that is not a positive whole number, and a maxRows over 10,000,000', async () => {
    const { seats } = await makeSite();
    for (const options of [{ maxRows: 0 }, { maxRows: 10_000_001 }, { maxRows: 1.5 }, { maxBytes: 0 }, { maxBytes: Infinity }, { maxErrors: 0 }, { maxErrors: -1 }]) {
      await expect(importPeopleCsv(seats, 'Username\r\nann', { areaId: 'primary', ...options }), JSON.stringify(options)).rejects.toBeInstanceOf(InvalidInputError);
    }
  });
});

describe('importPeopleCsv: maxBytes', () => {
  it('counts a string in UTF-8 bytes: at the limit it is read, one byte over it is not read at all', async () => {
    const csv = crlf('Username', 'zoë'); // "ë" takes two bytes: 16 bytes in all
    const within = await makeSite();
    expect(await importPeopleCsv(within.seats, csv, { areaId: 'primary', maxBytes: 16 })).toMatchObject({ ok: true, created: 1 });
    const over = await makeSite();
    const report = await importPeopleCsv(over.seats, csv, { areaId: 'primary', maxBytes: 15 });
    expect(report).toMatchObject({ ok: false, written: false, rows: 0, errors: [], fileProblem: { code: 'MAX_BYTES_EXCEEDED', limit: 15, line: null } });
    expect(report.message).toBe('Nothing was imported: the file is larger than 15 bytes (the maxBytes limit), so it was not read past that. Split it into smaller files.');
  });

  it('counts a byte stream in bytes and a text stream in UTF-8 bytes', async () => {
    const csv = crlf('Username', 'zoë', 'ann');
    const bytes = new TextEncoder().encode(csv); // 21 bytes
    for (const [name, upload] of [
      ['bytes', () => Readable.from([bytes.slice(0, 10), bytes.slice(10)])],
      ['text', () => Readable.from([csv.slice(0, 10), csv.slice(10)])],
    ] as const) {
      const within = await makeSite();
      expect(await importPeopleCsv(within.seats, upload(), { areaId: 'primary', maxBytes: 21 }), name).toMatchObject({ ok: true, created: 2 });
      const over = await makeSite();
      expect(await importPeopleCsv(over.seats, upload(), { areaId: 'primary', maxBytes: 20 }), name).toMatchObject({ ok: false, written: false, fileProblem: { code: 'MAX_BYTES_EXCEEDED', limit: 20 } });
      expect((await over.seats.summary()).totals.users, name).toBe(0);
    }
  });

  it('an endless stream stops at maxBytes, in either mode, and nothing is written', async () => {
    for (const mode of ['all-or-nothing', 'best-effort'] as const) {
      const { seats } = await makeSite({ maxUsers: 1_000_000 });
      const { upload, state } = endless('Username\r\n', (i) => `u${i}\r\n`);
      const report = await importPeopleCsv(seats, upload, { areaId: 'primary', maxBytes: 1_048_576, maxRows: 10_000_000, mode });
      expect(report, mode).toMatchObject({ ok: false, written: false, created: 0, fileProblem: { code: 'MAX_BYTES_EXCEEDED', limit: 1_048_576 } });
      expect(report.message).toContain('larger than 1 MiB');
      expect(state.pulled * 'u00000\r\n'.length).toBeLessThan(1_048_576);
      expect((await seats.summary()).totals.users).toBe(0);
    }
  });
});

describe('importPeopleCsv: a short report', () => {
  it('lists the first maxErrors errors and counts the rest', async () => {
    const { seats } = await makeSite();
    const csv = crlf('Username,Email', ...users(250).map((u) => `${u},not-an-email`));
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary' });
    expect(report.errors).toHaveLength(100);
    expect(report.errors.at(-1)).toMatchObject({ line: 101 });
    expect(report).toMatchObject({ ok: false, moreErrors: 150 });
    expect(report.message).toBe('Nothing was imported. 250 errors in the file.');
    expect((await importPeopleCsv(seats, csv, { areaId: 'primary', maxErrors: 3 })).errors.map((e) => e.line)).toEqual([2, 3, 4]);
  });

  it('lists the first maxErrors refusals and counts the rest', async () => {
    const { seats } = await makeSite({ maxUsers: 10 });
    const report = await importPeopleCsv(seats, crlf('Username', ...users(30)), { areaId: 'primary', maxErrors: 5 });
    expect(report.refused.map((r) => r.line)).toEqual([12, 13, 14, 15, 16]);
    expect(report).toMatchObject({ ok: false, written: false, moreRefused: 15, errors: [], moreErrors: 0 });
    expect(report.message).toMatch(/^Nothing was imported\. 20 rows refused\. Primary Area is 20 seats short/);
  });
});
