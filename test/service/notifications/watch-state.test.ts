import { describe, expect, it } from 'vitest';
import { parseWatchRecord, type WatchRecord } from '../../../src/service/notifications/watch-state.js';

const record: WatchRecord = {
  episode: { startedAt: '2026-01-10T09:00:00.000Z', firstAttempted: 'create user "bob"', cause: 'seat-refused', lastNotifiedAt: null },
  warned: true,
  lastUsing: 10,
  peak: { period: '2026-01', using: 12 },
};

describe('the watch record as stored in the settings', () => {
  it('a stored record reads back as it was written', () => {
    expect(parseWatchRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });

  it('a missing or unreadable value is the initial record: at worst one notification more', () => {
    const initial = { episode: null, warned: false, lastUsing: 0, peak: null };
    expect(parseWatchRecord(null)).toEqual(initial);
    expect(parseWatchRecord({ lastUsing: 'many' })).toEqual(initial);
    expect(parseWatchRecord({ ...record, peak: { period: '2026-13', using: 1 } })).toEqual(initial);
  });
});
