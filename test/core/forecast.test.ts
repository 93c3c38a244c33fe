import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/index.js';
import { forecastExhaustion, type ForecastSnapshot } from '../../src/core/forecast.js';

const DAY = 86_400_000;
const start = new Date('2026-01-01T00:00:00.000Z');
const day = (n: number) => new Date(start.getTime() + n * DAY);

/** One snapshot per listed use, a day apart, in a pool of `maxUsers`. */
function daily(usings: readonly number[], maxUsers = 100, areaId = 'primary'): ForecastSnapshot[] {
  return usings.map((using, i) => ({ areaId, takenAt: day(i), maxUsers, using }));
}

describe('forecastExhaustion on a straight line', () => {
  // 50, 51, ... 59 over ten days: one seat a day, 100 seats bought.
  const line = daily(Array.from({ length: 10 }, (_, i) => 50 + i));

  it('finds the trend and the day the pool runs out', () => {
    const f = forecastExhaustion(line, { horizon: { days: 30 } });
    expect(f.seatsPerDay).toBeCloseTo(1, 10);
    expect(f.trend).toBe('rising');
    expect(f.exhaustsAt).toEqual(day(50));
    expect(f).toMatchObject({ areaId: 'primary', maxUsers: 100, using: 59, snapshots: 10 });
  });

  it('a horizon the pool covers needs no purchase', () => {
    const f = forecastExhaustion(line, { horizon: { days: 30 } });
    expect(f.horizonEnd).toEqual(day(39));
    expect(f).toMatchObject({ projectedUsing: 89, seatsShort: 0, suggestedPurchase: 0 });
  });

  it('a horizon past the exhaustion date suggests exactly the seats short when that is above the minimum', () => {
    const f = forecastExhaustion(line, { horizon: { days: 60 } });
    expect(f).toMatchObject({ projectedUsing: 119, seatsShort: 19, suggestedPurchase: 19 });
  });

  it('a shortfall below the minimum purchase is raised to the minimum', () => {
    const f = forecastExhaustion(line, { horizon: { days: 43 } });
    expect(f).toMatchObject({ projectedUsing: 102, seatsShort: 2, suggestedPurchase: 5 });
    expect(forecastExhaustion(line, { horizon: { days: 43 }, minimumPurchase: 10 }).suggestedPurchase).toBe(10);
  });

  it('a horizon reaching exactly the limit needs no purchase', () => {
    expect(forecastExhaustion(line, { horizon: { days: 41 } })).toMatchObject({ projectedUsing: 100, seatsShort: 0, suggestedPurchase: 0 });
  });

  it('counts the horizon from now when given, with date-fns calendar arithmetic', () => {
    const f = forecastExhaustion(line, { horizon: { months: 1 }, now: new Date('2026-01-31T00:00:00.000Z') });
    expect(f.horizonEnd).toEqual(new Date('2026-02-28T00:00:00.000Z'));
  });
});

describe('forecastExhaustion on a noisy series (least squares)', () => {
  it('fits 10, 12, 11, 13 as 10.3 + 0.8 per day and runs out of 20 seats after 12.125 days', () => {
    const f = forecastExhaustion(daily([10, 12, 11, 13], 20), { horizon: { days: 7 } });
    expect(f.seatsPerDay).toBeCloseTo(0.8, 10);
    expect(f.exhaustsAt).toEqual(new Date(start.getTime() + 12.125 * DAY));
    // at day 10: 10.3 + 8 = 18.3 -> 19 seats
    expect(f).toMatchObject({ projectedUsing: 19, seatsShort: 0 });
  });

  it('takes the snapshots in any order', () => {
    const shuffled = daily([10, 12, 11, 13], 20).reverse();
    expect(forecastExhaustion(shuffled, { horizon: { days: 7 } }).exhaustsAt).toEqual(new Date(start.getTime() + 12.125 * DAY));
  });
});

describe('forecastExhaustion when use is flat or falling', () => {
  it('flat use never runs out', () => {
    const f = forecastExhaustion(daily([40, 40, 40]), { horizon: { years: 1 } });
    expect(f).toMatchObject({ trend: 'flat', exhaustsAt: null, projectedUsing: 40, suggestedPurchase: 0 });
  });

  it('falling use never runs out, and the projection never drops below the use now', () => {
    const f = forecastExhaustion(daily([60, 55, 50]), { horizon: { days: 100 } });
    expect(f).toMatchObject({ trend: 'falling', exhaustsAt: null, projectedUsing: 50, suggestedPurchase: 0 });
  });

  it('a pool already over its limit with flat use still gets the purchase that covers it', () => {
    const f = forecastExhaustion(daily([105, 105], 100), { horizon: { days: 30 } });
    expect(f).toMatchObject({ exhaustsAt: null, seatsShort: 5, suggestedPurchase: 5 });
  });
});

describe('forecastExhaustion refuses what cannot be forecast', () => {
  it('needs two snapshots at different times', () => {
    expect(() => forecastExhaustion([], { horizon: { days: 1 } })).toThrow(InvalidInputError);
    expect(() => forecastExhaustion(daily([1]), { horizon: { days: 1 } })).toThrow(InvalidInputError);
    const sameTime = [daily([1])[0]!, daily([2])[0]!];
    expect(() => forecastExhaustion(sameTime, { horizon: { days: 1 } })).toThrow(/two snapshots taken at different times/);
  });

  it('needs snapshots of one area and a positive horizon', () => {
    expect(() => forecastExhaustion([...daily([1, 2], 10, 'a'), ...daily([1, 2], 10, 'b')], { horizon: { days: 1 } })).toThrow(/one area/);
    expect(() => forecastExhaustion(daily([1, 2]), { horizon: {} })).toThrow(InvalidInputError);
    expect(() => forecastExhaustion(daily([1, 2]), { horizon: { days: -1 } })).toThrow(InvalidInputError);
  });
});
