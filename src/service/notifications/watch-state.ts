import { z } from 'zod';
import { alertStateSchema, INITIAL_ALERT_STATE, sameAlertState } from '../../core/notification-policy.js';
import { periodBounds, usagePeriod, usagePeriodSchema } from '../../core/peak-usage.js';
import { emailSchema } from '../../core/schemas.js';
import type { JsonValue } from '../../ports/repository.js';

/**
 * The setting holding the responsible person's address, a JSON string. Other
 * capabilities (diagnostics) read this exact key.
 */
export const RESPONSIBLE_PERSON_KEY = 'responsiblePerson';

/** The setting holding an area's {@link WatchRecord}. */
export function alertKey(areaId: string): string {
  return `alert:${areaId}`;
}

/**
 * The setting holding an area's peak `using` in one finished period (a
 * number). The current period's running peak lives in the area's
 * {@link WatchRecord}, so a seat change writes one setting, not two; the watch
 * archives it here when the first change of a later period arrives.
 */
export function peakKey(areaId: string, period: string): string {
  return `peak:${areaId}:${period}`;
}

/** What the watch keeps per area: the alert state plus the running peak of the period of its last observation. */
export const watchRecordSchema = alertStateSchema.extend({
  /** The highest `using` seen in `period` so far. */
  peak: z.strictObject({ period: usagePeriodSchema, using: z.number().int().min(0) }).nullable(),
});
/** What the watch keeps per area. */
export type WatchRecord = z.infer<typeof watchRecordSchema>;

const INITIAL_RECORD: WatchRecord = { ...INITIAL_ALERT_STATE, peak: null };

/**
 * An area's record from its stored setting. A missing or unreadable value (an
 * older format, a hand edit) starts afresh: the worst outcome is one notification more.
 */
export function parseWatchRecord(value: JsonValue | null): WatchRecord {
  const parsed = watchRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : INITIAL_RECORD;
}

/** The record as a setting value. */
export function watchRecordJson(record: WatchRecord): JsonValue {
  return {
    episode: record.episode === null ? null : { ...record.episode },
    warned: record.warned,
    lastUsing: record.lastUsing,
    peak: record.peak === null ? null : { ...record.peak },
  };
}

/** The responsible person's address from its stored setting, or `null` when none (or an unreadable one) is set. */
export function parseResponsiblePerson(value: JsonValue | null): string | null {
  const parsed = emailSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Whether two records hold the same state, so the watch writes only on a change. */
export function sameWatchRecord(a: WatchRecord, b: WatchRecord): boolean {
  return sameAlertState(a, b) && a.peak?.period === b.peak?.period && a.peak?.using === b.peak?.using;
}

/** Whether two JSON values are equal, member by member (object members in any order). */
export function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // Plain loops: this runs on every seat change, and callbacks or key arrays would be garbage each time.
  const left = a as { readonly [key: string]: JsonValue };
  const right = b as { readonly [key: string]: JsonValue };
  let members = 0;
  for (const key in left) {
    if (!Object.hasOwn(right, key) || !sameJson(left[key] as JsonValue, right[key] as JsonValue)) return false;
    members++;
  }
  for (const key in right) if (--members < 0 || !Object.hasOwn(left, key)) return false;
  return true;
}

/**
 * The records this watch last read or wrote, per area, with their stored JSON.
 * Reading the record is one settings read on every seat change; parsing it with
 * its schema each time would cost more than the rest of the watch. The stored
 * value is still read every time (another instance may have changed it), and
 * reused only when it equals the JSON remembered.
 */
export class WatchRecordCache {
  readonly #records = new Map<string, { readonly json: JsonValue; readonly record: WatchRecord }>();

  /** The record of a stored value, parsed only when it differs from the one remembered for the area. */
  read(areaId: string, stored: JsonValue | null): WatchRecord {
    const known = this.#records.get(areaId);
    if (known !== undefined && stored !== null && sameJson(stored, known.json)) return known.record;
    const record = parseWatchRecord(stored);
    if (stored === null) this.#records.delete(areaId);
    else this.#records.set(areaId, { json: stored, record });
    return record;
  }

  /** Remembers what was written (or is about to be): if the transaction rolls back, the next read differs and is parsed. */
  wrote(areaId: string, json: JsonValue, record: WatchRecord): void {
    this.#records.set(areaId, { json, record });
  }
}

/**
 * The usage period of a moment, remembering the current one's bounds so the
 * key is built once a month rather than on every seat change.
 */
export class PeriodClock {
  #start = 0;
  #end = -1;
  #period = '';

  /** The period `at` falls in (see `usagePeriod`). */
  periodOf(at: Date): string {
    const time = at.getTime();
    if (time >= this.#start && time < this.#end) return this.#period;
    const period = usagePeriod(at);
    const { start, end } = periodBounds(period);
    this.#start = start.getTime();
    this.#end = end.getTime();
    this.#period = period;
    return period;
  }
}
