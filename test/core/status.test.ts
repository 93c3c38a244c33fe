import { describe, expect, it } from 'vitest';
import { seatStatus } from '../../src/core/status.js';

describe('seatStatus', () => {
  it.each([
    [100, 95, 'ok'], // 5 left of 100 is exactly 5 %: not below it
    [100, 96, 'warning'], // 4 left
    [100, 99, 'warning'],
    [100, 100, 'exhausted'], // 0 left: red stop sign
    [100, 101, 'exceeded'],
    [10, 9, 'ok'], // 1 left of 10 is 10 %
    [20, 19, 'ok'], // 1 left of 20 is exactly 5 %
    [21, 20, 'warning'], // 1 left of 21 is below 5 %
    [0, 0, 'exhausted'],
    [0, 1, 'exceeded'],
  ] as const)('%i seats with %i used is %s', (maxUsers, using, expected) => {
    expect(seatStatus(maxUsers, using)).toBe(expected);
  });

  it('compares in integers so 5 % of 100 is exactly 5', () => {
    // 0.05 * 100 in floating point is 5.000000000000001; the rule must not depend on that
    expect(seatStatus(100, 95, 5)).toBe('ok');
  });

  it('honours a configured warning percentage', () => {
    expect(seatStatus(100, 90, 10)).toBe('ok');
    expect(seatStatus(100, 91, 10)).toBe('warning');
    expect(seatStatus(100, 99, 0)).toBe('ok');
  });
});
