import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMULA_TRIGGERS, neutraliseCell, restoreCell } from '../../src/csv/index.js';

/** The rule, written out once more as the test's own oracle. */
const RUNNABLE = /^'*\s*[=+\-@\t\r＝＋－＠﹦﹢﹣]/;
const GUARDED = /^'+\s*[=+\-@\t\r＝＋－＠﹦﹢﹣]/;

const LOOK_ALIKES = ['＝', '＋', '－', '＠', '﹦', '﹢', '﹣'];

/** Values built to sit on the rule's edges: apostrophes, then whitespace, then a trigger or not. */
const edgy = fc
  .tuple(
    fc.constantFrom('', "'", "''", "'''"),
    fc.constantFrom('', ' ', '  ', '\u00a0', '\u3000', '\n', ' \t'),
    fc.constantFrom('', ...FORMULA_TRIGGERS, ' ', 'a', "'", '５'),
    fc.string({ unit: 'binary', maxLength: 8 }),
  )
  .map((parts) => parts.join(''));

describe('neutraliseCell', () => {
  it.each(FORMULA_TRIGGERS)('prefixes an apostrophe to a cell starting with %j', (trigger) => {
    expect(neutraliseCell(`${trigger}cmd|' /C calc'!A0`)).toBe(`'${trigger}cmd|' /C calc'!A0`);
    expect(neutraliseCell(trigger)).toBe(`'${trigger}`);
  });

  it('guards a formula starter after leading spaces, as a spreadsheet that trims them would run it', () => {
    expect(neutraliseCell(' =1+1')).toBe("' =1+1");
    expect(neutraliseCell('   @SUM(A1)')).toBe("'   @SUM(A1)");
    expect(neutraliseCell('\u3000＝1+1')).toBe("'\u3000＝1+1");
    expect(neutraliseCell("'  -1")).toBe("''  -1");
  });

  it.each(LOOK_ALIKES)('guards the full-width or small-form look-alike %s', (lookAlike) => {
    expect(neutraliseCell(`${lookAlike}HYPERLINK("http://evil")`)).toBe(`'${lookAlike}HYPERLINK("http://evil")`);
  });

  it('leaves cells that do not start with a trigger alone, wherever else a trigger is', () => {
    for (const value of ['alice', 'a=b', 'x@example.com', '', "'tis", "'", "''", '   ', ' a=1', '５=', 'Zoë ＝']) {
      expect(neutraliseCell(value)).toBe(value);
    }
  });

  it('gives a value that is already apostrophe + trigger one more apostrophe, so it stays distinguishable', () => {
    expect(neutraliseCell("'=1+1")).toBe("''=1+1");
    expect(neutraliseCell("''@x")).toBe("'''@x");
  });

  it("prefixes exactly the values matching ^'*\\s*[trigger]", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), edgy), (value) => {
        expect(neutraliseCell(value)).toBe(RUNNABLE.test(value) ? `'${value}` : value);
      }),
    );
  });

  it('the triggers are = + - @ tab, carriage return and the look-alikes ＝ ＋ － ＠ ﹦ ﹢ ﹣', () => {
    expect(FORMULA_TRIGGERS).toEqual(['=', '+', '-', '@', '\t', '\r', ...LOOK_ALIKES]);
  });

  it('takes time linear in the cell, whatever the cell is made of', () => {
    for (const filler of ["'", ' ', "' "]) {
      const cell = filler.repeat(2_000_000);
      const started = performance.now();
      expect(restoreCell(neutraliseCell(cell))).toBe(cell);
      expect(performance.now() - started, JSON.stringify(filler)).toBeLessThan(1_000);
    }
  });
});

describe('restoreCell', () => {
  it('removes the guarding apostrophe of a neutralised cell, and only that one', () => {
    expect(restoreCell("'=SUM(A1)")).toBe('=SUM(A1)');
    expect(restoreCell("''=SUM(A1)")).toBe("'=SUM(A1)");
    expect(restoreCell("'\tx")).toBe('\tx');
    expect(restoreCell("'  -1")).toBe('  -1');
    expect(restoreCell("'＠x")).toBe('＠x');
  });

  it('keeps a leading apostrophe that guards nothing, and cells that were never neutralised', () => {
    for (const cell of ["'tis", "'", "''", "' a", '=raw', ' =raw', 'plain', '']) expect(restoreCell(cell)).toBe(cell);
  });

  it("removes one apostrophe from exactly the cells matching ^'+\\s*[trigger]", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), edgy), (cell) => {
        expect(restoreCell(cell)).toBe(GUARDED.test(cell) ? cell.slice(1) : cell);
      }),
    );
  });

  it('reverses neutraliseCell for every string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), edgy), (value) => {
        expect(restoreCell(neutraliseCell(value))).toBe(value);
      }),
    );
  });

  it('no neutralised cell starts, after whitespace, with a trigger', () => {
    fc.assert(
      fc.property(edgy, (value) => {
        expect(neutraliseCell(value).replace(/^\s*/, '').charAt(0)).not.toBeOneOf([...FORMULA_TRIGGERS]);
      }),
    );
  });
});
