import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMULA_TRIGGERS, neutraliseCell, restoreCell } from '../../src/csv/index.js';

describe('neutraliseCell', () => {
  it.each(['=', '+', '-', '@', '\t', '\r'])('prefixes an apostrophe to a cell starting with %j', (trigger) => {
    expect(neutraliseCell(`${trigger}cmd|' /C calc'!A0`)).toBe(`'${trigger}cmd|' /C calc'!A0`);
    expect(neutraliseCell(trigger)).toBe(`'${trigger}`);
  });

  it('leaves cells that do not start with a trigger alone, wherever else a trigger is', () => {
    for (const value of ['alice', 'a=b', ' =1', 'x@example.com', '', "'tis", "'", "''", '\n=1', '５=']) {
      expect(neutraliseCell(value)).toBe(value);
    }
  });

  it('gives a value that is already apostrophe + trigger one more apostrophe, so it stays distinguishable', () => {
    expect(neutraliseCell("'=1+1")).toBe("''=1+1");
    expect(neutraliseCell("''@x")).toBe("'''@x");
  });

  it('prefixes exactly the values matching ^\'*[=+\\-@\\t\\r]', () => {
    const startsOdd = fc.tuple(fc.constantFrom('', "'", "''"), fc.constantFrom('', ...FORMULA_TRIGGERS, ' ', 'a'), fc.string({ unit: 'binary' })).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), startsOdd), (value) => {
        expect(neutraliseCell(value)).toBe(/^'*[=+\-@\t\r]/.test(value) ? `'${value}` : value);
      }),
    );
  });

  it('the triggers are exactly = + - @ tab and carriage return', () => {
    expect(FORMULA_TRIGGERS).toEqual(['=', '+', '-', '@', '\t', '\r']);
  });
});

describe('restoreCell', () => {
  it('removes the guarding apostrophe of a neutralised cell, and only that one', () => {
    expect(restoreCell("'=SUM(A1)")).toBe('=SUM(A1)');
    expect(restoreCell("''=SUM(A1)")).toBe("'=SUM(A1)");
    expect(restoreCell("'\tx")).toBe('\tx');
  });

  it('keeps a leading apostrophe that guards nothing, and cells that were never neutralised', () => {
    for (const cell of ["'tis", "'", "''", '=raw', 'plain', '']) expect(restoreCell(cell)).toBe(cell);
  });

  it('removes one apostrophe from exactly the cells matching ^\'+[=+\\-@\\t\\r]', () => {
    const startsOdd = fc.tuple(fc.constantFrom('', "'", "''"), fc.constantFrom('', ...FORMULA_TRIGGERS, ' ', 'a'), fc.string({ unit: 'binary' })).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), startsOdd), (cell) => {
        expect(restoreCell(cell)).toBe(/^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
      }),
    );
  });

  it('reverses neutraliseCell for every string', () => {
    const withTriggers = fc.tuple(fc.constantFrom('', "'", "''", "'''"), fc.constantFrom('', ...FORMULA_TRIGGERS), fc.string({ unit: 'binary' })).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), withTriggers), (value) => {
        expect(restoreCell(neutraliseCell(value))).toBe(value);
      }),
    );
  });

  it('no neutralised cell starts with a trigger', () => {
    fc.assert(
      fc.property(fc.tuple(fc.constantFrom(...FORMULA_TRIGGERS, "'", 'a'), fc.string({ unit: 'binary' })), ([first, rest]) => {
        expect(FORMULA_TRIGGERS).not.toContain(neutraliseCell(first + rest).charAt(0));
      }),
    );
  });
});
