/**
 * When to tell the responsible person: the episode state machine. Pure: the
 * service reads the previous state from the repository, calls
 * {@link decideAlert} inside the area's transaction, and stores what it returns.
 *
 * An area's **episode** starts when a seat is refused for lack of a license, a
 * directory user is created blocked waiting for a seat, or more seats are used
 * than bought after a change. It ends when a seat is free again
 * (`using < maxUsers`). Reaching the limit exactly is not exceeding it.
 * One `license-limit-exceeded` notification per episode; with a reminder
 * interval, one more each time the interval has passed since the last one.
 *
 * @module
 */
import type { Duration } from 'date-fns';
import { z } from 'zod';
import { addDurationUtc } from './duration.js';
import type { SeatRefusal } from './seat-policy.js';
import type { SeatStatus } from './status.js';

/** Why an episode started or continues. */
export const exceededCauseSchema = z.enum(['seat-refused', 'created-blocked', 'over-limit']);
/** Why an episode started or continues. */
export type ExceededCause = z.infer<typeof exceededCauseSchema>;

/** The episode in progress, as stored (JSON: dates are ISO 8601 strings). */
export const episodeSchema = z.strictObject({
  /** When the episode started. */
  startedAt: z.iso.datetime(),
  /** What was attempted when it started, e.g. `create a user`. */
  firstAttempted: z.string(),
  /** Why it started. */
  cause: exceededCauseSchema,
  /** When the responsible person was last told about it; `null` while nobody was told (no address set yet). */
  lastNotifiedAt: z.iso.datetime().nullable(),
});
/** The episode in progress. */
export type Episode = z.infer<typeof episodeSchema>;

/**
 * The notification state of one area, kept in the repository settings under
 * `alert:<areaId>` so every instance sharing the database sees it.
 */
export const alertStateSchema = z.strictObject({
  /** The episode in progress, or `null`. */
  episode: episodeSchema.nullable(),
  /** Whether the current stay above `ok` was already announced (early warning or limit notification). */
  warned: z.boolean(),
  /** Seats in use when the area was last observed; seeds the next period's peak. */
  lastUsing: z.number().int().min(0),
});
/** The notification state of one area. */
export type AlertState = z.infer<typeof alertStateSchema>;

/** The state of an area nothing was observed in yet. */
export const INITIAL_ALERT_STATE: AlertState = Object.freeze({ episode: null, warned: false, lastUsing: 0 });

/** What happened in the area, as far as alerts care. */
export interface AlertEvent {
  /** What was attempted, in words. `undefined` for a scheduled check (no change, only reminders). */
  readonly attempted?: string;
  /** The refusal, when a seat was refused. */
  readonly refusal?: SeatRefusal;
  /** Directory users created or kept blocked waiting for a seat. */
  readonly waitingForSeat?: number;
}

/** Everything {@link decideAlert} needs. */
export interface AlertInput {
  /** The stored state before this event. */
  readonly previous: AlertState;
  /** Seats bought. */
  readonly maxUsers: number;
  /** Seats in use after the event. */
  readonly using: number;
  /** The area's status after the event, with the configured warning thresholds. */
  readonly status: SeatStatus;
  /** The event. */
  readonly event: AlertEvent;
  /** Now, from the injected clock. */
  readonly now: Date;
  /** Repeat the notification this often during an episode; `null` for never. */
  readonly reminderEvery: Duration | null;
  /** Whether early warnings (crossing into `warning`) are wanted. */
  readonly warnings: boolean;
  /** Whether a responsible person is set. Without one nothing is sent, and the episode stays "not told". */
  readonly canNotify: boolean;
}

/** What to send, if anything. */
export type AlertSend =
  | {
      readonly type: 'license-limit-exceeded';
      /** `true` for a repeat during the episode. */
      readonly reminder: boolean;
      /** What this event added to the episode; `null` when nothing new happened (a scheduled check, a change that left the pool full). */
      readonly cause: ExceededCause | null;
      /** The episode, as stored after this decision. */
      readonly episode: Episode;
    }
  | { readonly type: 'license-warning' };

/** The outcome of {@link decideAlert}: the state to store and what to send. */
export interface AlertDecision {
  /** The state to store. */
  readonly state: AlertState;
  /** What to send; `null` for nothing. */
  readonly send: AlertSend | null;
}

/**
 * Why this event starts or continues an episode, or `null`. Only a refusal for
 * lack of a license (`LICENSE_LIMIT_REACHED`) counts: a partner's own quota or
 * denied access is the host admin's decision, not a license problem.
 *
 * @param event - the event
 * @param using - seats in use after it
 * @param maxUsers - seats bought
 */
export function exceededCause(event: AlertEvent, using: number, maxUsers: number): ExceededCause | null {
  if (event.refusal?.code === 'LICENSE_LIMIT_REACHED') return 'seat-refused';
  if ((event.waitingForSeat ?? 0) > 0) return 'created-blocked';
  if (using > maxUsers) return 'over-limit';
  return null;
}

/**
 * Decides what to tell the responsible person after an event in one area, and
 * the area's next alert state.
 *
 * - A cause (see {@link exceededCause}) outside an episode starts one and sends
 *   `license-limit-exceeded`.
 * - Inside an episode nothing more is sent, except: the first notification if
 *   nobody was told yet (no address was set), and a reminder once
 *   `reminderEvery` has passed since the last one (checked on every event of the
 *   area, and on scheduled checks).
 * - Without a cause, `using < maxUsers` ends the episode: a seat is free again.
 * - Early warnings (opt-in) are sent once each time the area goes from `ok` to
 *   `warning`; they are re-armed when it is back to `ok`.
 *
 * @param input - the previous state, the figures after the event, the event and the settings
 * @returns the next state and what to send
 * @example
 * ```ts
 * const { state, send } = decideAlert({
 *   previous: INITIAL_ALERT_STATE, maxUsers: 10, using: 10, status: 'exhausted',
 *   event: { attempted: 'create a user', refusal }, now, reminderEvery: null, warnings: false, canNotify: true,
 * });
 * // send: { type: 'license-limit-exceeded', reminder: false, cause: 'seat-refused', ... }
 * ```
 */
export function decideAlert(input: AlertInput): AlertDecision {
  const { previous, maxUsers, using, status, event, now, canNotify } = input;
  const cause = event.attempted === undefined ? null : exceededCause(event, using, maxUsers);
  const lastUsing = using;
  const armedAgain = status === 'ok';

  let episode = previous.episode;
  if (episode !== null && cause === null && using < maxUsers) episode = null;
  else if (episode === null && cause !== null) episode = { startedAt: now.toISOString(), firstAttempted: event.attempted ?? '', cause, lastNotifiedAt: null };

  if (episode !== null) {
    const due = canNotify && (episode.lastNotifiedAt === null || reminderDue(episode.lastNotifiedAt, input.reminderEvery, now));
    if (!due) return { state: { episode, warned: previous.warned && !armedAgain, lastUsing }, send: null };
    const reminder = episode.lastNotifiedAt !== null;
    const told: Episode = { ...episode, lastNotifiedAt: now.toISOString() };
    return {
      state: { episode: told, warned: true, lastUsing },
      send: { type: 'license-limit-exceeded', reminder, cause, episode: told },
    };
  }

  if (input.warnings && canNotify && status === 'warning' && !previous.warned) {
    return { state: { episode: null, warned: true, lastUsing }, send: { type: 'license-warning' } };
  }
  return { state: { episode: null, warned: previous.warned && !armedAgain, lastUsing }, send: null };
}

/**
 * Whether `reminderEvery` has passed since `lastNotifiedAt` (exactly at the
 * boundary counts), counted in UTC: `{ days: 1 }` is 24 hours even across a
 * daylight-saving change in the host's time zone.
 */
function reminderDue(lastNotifiedAt: string, reminderEvery: Duration | null, now: Date): boolean {
  if (reminderEvery === null) return false;
  return addDurationUtc(new Date(lastNotifiedAt), reminderEvery).getTime() <= now.getTime();
}

