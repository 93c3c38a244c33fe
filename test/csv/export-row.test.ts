import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { cellReader, PEOPLE_COLUMN_KEYS, type PeopleColumnKey, type PeopleNames } from '../../src/csv/columns.js';
import { csvCellQuoter } from '../../src/csv/csv-cell.js';
import { exportHeaderLine, exportRowFormatter } from '../../src/csv/export-row.js';
import { neutraliseCell } from '../../src/csv/neutralise.js';
import { user } from '../../src/testing/fixtures.js';

const delimiters = [',', ';', '\t', '|'] as const;

/** Text full of what CSV must quote or neutralise: every delimiter, quotes, CR, LF, BOM, edge spaces, formula triggers. */
const cellText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc
    .array(fc.constantFrom(',', ';', '\t', '|', '"', '\r', '\n', '\r\n', '\uFEFF', ' ', "'", '=', '+', '-', '@', 'a', 'é', '🎉'), { maxLength: 8 })
    .map((parts) => parts.join('')),
);

/** The rows as the export wrote them before: neutralised cells formatted by Papa.unparse. */
function papaLine(cells: readonly string[], delimiter: string): string {
  return Papa.unparse([cells.map(neutraliseCell)], {
    delimiter,
    newline: '\r\n',
    escapeFormulae: false,
    ...(cells.length === 1 ? { quotes: (value: unknown) => value === '' } : { quotes: false }),
  });
}

describe('csvCellQuoter', () => {
  it('quotes a cell exactly as Papa.unparse does, for every delimiter', () => {
    fc.assert(
      fc.property(cellText, fc.constantFrom(...delimiters), (cell, delimiter) => {
        const papa = Papa.unparse([[cell, 'x']], { delimiter, quotes: false, escapeFormulae: false });
        expect(csvCellQuoter(delimiter)(cell) + `${delimiter}x`).toBe(papa);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads back unchanged through Papa.parse', () => {
    fc.assert(
      fc.property(fc.array(cellText, { minLength: 2, maxLength: 4 }), fc.constantFrom(...delimiters), (cells, delimiter) => {
        const quote = csvCellQuoter(delimiter);
        const parsed = Papa.parse<string[]>(cells.map(quote).join(delimiter), { delimiter, newline: '\r\n' });
        expect(parsed.data[0]).toEqual(cells);
      }),
    );
  });
});

describe('exportRowFormatter', () => {
  const names: PeopleNames = { areas: new Map([['a', '=Area, "A"']]), organizations: new Map([['acme', ' Acme ']]) };

  it('writes each user as Papa.unparse wrote the neutralised cells, whatever the columns and delimiter', () => {
    const columns = fc.shuffledSubarray([...PEOPLE_COLUMN_KEYS], { minLength: 1 });
    const people = fc.array(
      fc.record({
        username: cellText.filter((s) => s !== ''),
        displayName: fc.option(cellText, { nil: null }),
        email: fc.option(cellText, { nil: null }),
        externalId: fc.option(cellText, { nil: null }),
        organizationId: fc.constantFrom(null, 'acme', 'gone'),
        state: fc.constantFrom('active' as const, 'blocked' as const),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(columns, fc.constantFrom(...delimiters), people, (keys: PeopleColumnKey[], delimiter, fields) => {
        const format = exportRowFormatter(keys, names, delimiter);
        const readers = keys.map(cellReader);
        for (const f of fields) {
          const u = user(`id-${f.username}`, { ...f, blockReason: f.state === 'blocked' ? 'admin' : null });
          expect(format(u)).toBe(papaLine(readers.map((read) => read(u, names)), delimiter));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('writes a line of one empty cell as "" so it is not a blank line', () => {
    expect(exportRowFormatter(['email'], names, ',')(user('u1'))).toBe('""');
    expect(exportRowFormatter(['email', 'username'], names, ',')(user('u1'))).toBe(',u1');
  });

  it('writes the header labels neutralised and quoted like cells', () => {
    expect(exportHeaderLine(['Username', '=cmd', 'a,b'], ',')).toBe(`Username,'=cmd,"a,b"`);
  });
});
