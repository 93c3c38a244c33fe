import { z } from 'zod';
import { alertStateSchema, INITIAL_ALERT_STATE } from '../../core/notification-policy.js';
import { usagePeriodSchema } from '../../core/peak-usage.js';
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

/** The responsible person's address from its stored setting, or `null` when none (or an unreadable one) is set. */
export function parseResponsiblePerson(value: JsonValue | null): string | null {
  const parsed = emailSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
