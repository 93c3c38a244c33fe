import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/csv/read-records.js';

async function records(pieces: readonly string[], delimiter = ',') {
  const all = [];
  for await (const batch of readCsvRecords((async function* () { yield* pieces; })(), delimiter)) all.push(...batch);
  return all.map((r) => ({ line: r.line, cells: [...r.cells] }));
}

/** Splits text at the given cut points, so records and line breaks straddle chunks. */
function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of [...points, text.length]) {
    pieces.push(text.slice(start, point));
    start = point;
  }
  return pieces.filter((p) => p !== '');
}

const cell = fc.oneof(
  fc.constantFrom('', 'a', 'b c'),
  fc.array(fc.constantFrom('x', ' ', ',', '\r\n', '\n', '\r', '""'), { maxLength: 5 }).map((parts) => `"${parts.join('')}"`),
);

describe('readCsvRecords', () => {
  it('numbers each record by the physical line it starts on, however the text is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (rows, newline, trailing, cuts) => {
          const lines = rows.map((cells) => cells.join(','));
          const text = lines.join(newline) + (trailing ? newline : '');
          // Expected: each record starts one line after the previous one, plus the line breaks inside its quoted cells.
          const expected: number[] = [];
          let line = 1;
          for (const written of lines) {
            expected.push(line);
            line += 1 + (written.match(/\r\n|\r|\n/g)?.length ?? 0);
          }
          if (text === "") return;
          const whole = await records([text]);
          // A last line left empty may read as the file's final line break rather than as a record, and a
          // final lone line break as one more empty record: only the rows written are compared.
          const compared = Math.min(whole.length, rows.length);
          expect(compared).toBeGreaterThanOrEqual(rows.length - 1);
          expect(whole.slice(0, compared).map((r) => r.line)).toEqual(expected.slice(0, compared));
          expect(whole.slice(rows.length).every((r) => r.cells.every((c) => c === ''))).toBe(true);
          expect(await records(split(text, cuts))).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts a carriage return inside an unquoted cell of a file of \\n lines as a line break', async () => {
    const read = await records(['Username,Note\nann,one\rtwo\nbob,x\n']);
    expect(read.map((r) => [r.line, r.cells[0]])).toEqual([
      [1, 'Username'],
      [2, 'ann'],
      [4, 'bob'],
    ]);
  });
});
