import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoDateFormatter } from '../../src/csv/iso-date.js';

describe('isoDateFormatter', () => {
  it('writes exactly what toISOString writes, for every date and in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.date({ noInvalidDate: true }), { maxLength: 20 }), (dates) => {
        const format = isoDateFormatter();
        // Repeats and neighbours test the remembered last instant.
        for (const date of [...dates, ...dates.slice(0, 3)]) expect(format(date)).toBe(date.toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('agrees at the edges of four-digit years and of the day', () => {
    const format = isoDateFormatter();
    for (const text of ['0000-01-01T00:00:00.000Z', '0999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00.001Z', '2026-03-01T09:05:07.010Z']) {
      expect(format(new Date(text))).toBe(text);
    }
    for (const time of [Date.UTC(10000, 0, 1), Date.UTC(-1, 0, 1), -1, 8.64e15, -8.64e15]) expect(format(new Date(time))).toBe(new Date(time).toISOString());
  });

  it('throws the RangeError toISOString throws for an invalid date', () => {
    expect(() => isoDateFormatter()(new Date(Number.NaN))).toThrow(RangeError);
  });
});
