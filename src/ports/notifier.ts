/**
 * The notifier port: how the responsible person is told. The host sends the
 * message (mail, chat, ticket); seatkeeper composes it.
 *
 * @module
 */

/**
 * The kinds of notification: the limit was exceeded (a seat refused, a
 * directory user created blocked, use above the limit after a change), or an
 * opt-in early warning that an area crossed into `warning`.
 */
export type LicenseNotificationType = 'license-limit-exceeded' | 'license-warning';

/** A composed notification, ready to send. Plain data: it is stored in the outbox until delivered. */
export interface LicenseNotification {
  /** Unique per notification; a notifier may use it to drop duplicates. */
  readonly id: string;
  /** What happened. */
  readonly type: LicenseNotificationType;
  /** The responsible person's address. */
  readonly to: string;
  /** A one-line subject. */
  readonly subject: string;
  /** The plain-text body: area, limit, seats used, what was attempted, when. */
  readonly text: string;
  /** The area concerned. */
  readonly areaId: string;
  /** Its name. */
  readonly areaName: string;
  /** Its seats bought when the event happened. */
  readonly maxUsers: number;
  /** Its seats in use when the event happened. */
  readonly using: number;
  /** What was attempted, e.g. `create user "alice"` or `directory sync created 3 users blocked`. */
  readonly attempted: string;
  /** When it happened (from the injected clock). */
  readonly occurredAt: Date;
}

/**
 * Implemented by the host. Called by seatkeeper when an outbox entry is due;
 * a throw or a hang (past the configured timeout) never fails the user
 * operation that caused the notification: the entry stays in the outbox and is
 * retried with backoff by a later call.
 *
 * @example
 * ```ts
 * const notifier: Notifier = {
 *   async send(n) { await mailer.send({ to: n.to, subject: n.subject, text: n.text }); },
 * };
 * ```
 */
export interface Notifier {
  /**
   * Delivers one notification. Resolve once it is handed over; reject to have
   * it retried later. May be called again for the same `id` if a previous
   * attempt's outcome was lost (at-least-once), never after a recorded success.
   */
  send(notification: LicenseNotification): Promise<void>;
}
