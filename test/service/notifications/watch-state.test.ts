import { describe, expect, it } from 'vitest';
import { PeriodClock, sameJson, WatchRecordCache, watchRecordJson, type WatchRecord } from '../../../src/service/notifications/watch-state.js';

const record: WatchRecord = {
  episode: { startedAt: '2026-01-10T09:00:00.000Z', firstAttempted: 'create user "bob"', cause: 'seat-refused', lastNotifiedAt: null },
  warned: true,
  lastUsing: 10,
  peak: { period: '2026-01', using: 12 },
};

describe('sameJson', () => {
  it('compares members in any order, deeply', () => {
    expect(sameJson({ a: 1, b: { c: [1, 'x', null] } }, { b: { c: [1, 'x', null] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: { c: [1, 'x', null] } }, { a: 1, b: { c: [1, 'x', false] } })).toBe(false);
  });

  it('a missing, extra or renamed member makes values differ', () => {
    expect(sameJson({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1 }, { b: 1 })).toBe(false);
    expect(sameJson({ a: null }, {})).toBe(false);
  });

  it('arrays differ by length and order, and never equal an object', () => {
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson([1, 2, 3], [1, 2])).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson(0, false)).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });
});

describe('WatchRecordCache', () => {
  it('reuses the record remembered for an equal stored value, without parsing it again', () => {
    const cache = new WatchRecordCache();
    cache.wrote('primary', watchRecordJson(record), record);
    // A store hands back its own copy: equal, not identical.
    expect(cache.read('primary', JSON.parse(JSON.stringify(watchRecordJson(record))))).toBe(record);
  });

  it('parses a stored value that differs from the one remembered (another instance changed it, or a write rolled back)', () => {
    const cache = new WatchRecordCache();
    cache.wrote('primary', watchRecordJson(record), record);
    const changed = { ...record, episode: null, lastUsing: 9 };
    const read = cache.read('primary', watchRecordJson(changed));
    expect(read).toEqual(changed);
    expect(read).not.toBe(record);
    expect(cache.read('other', watchRecordJson(record))).toEqual(record);
  });

  it('a missing or unreadable value is the initial record', () => {
    const cache = new WatchRecordCache();
    cache.wrote('primary', watchRecordJson(record), record);
    expect(cache.read('primary', null)).toEqual({ episode: null, warned: false, lastUsing: 0, peak: null });
    expect(cache.read('primary', { lastUsing: 'many' })).toEqual({ episode: null, warned: false, lastUsing: 0, peak: null });
  });
});

describe('PeriodClock', () => {
  it('names the UTC month, exactly at its boundaries, in either direction of time', () => {
    const periods = new PeriodClock();
    expect(periods.periodOf(new Date('2026-01-31T23:59:59.999Z'))).toBe('2026-01');
    expect(periods.periodOf(new Date('2026-02-01T00:00:00.000Z'))).toBe('2026-02');
    expect(periods.periodOf(new Date('2026-02-28T23:59:59.999Z'))).toBe('2026-02');
    expect(periods.periodOf(new Date('2026-03-01T00:00:00.000Z'))).toBe('2026-03');
    expect(periods.periodOf(new Date('2026-02-28T23:59:59.999Z'))).toBe('2026-02');
    expect(periods.periodOf(new Date('2025-12-31T23:59:59.999Z'))).toBe('2025-12');
  });
});
