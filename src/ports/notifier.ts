/**
 * The notifier port: how the responsible person is told. The host sends the
 * message (mail, chat, ticket); seatkeeper composes it.
 *
 * @module
 */

/**
 * The kinds of notification: the limit was exceeded (a seat refused, a
 * directory user created blocked, use above the limit after a change), an
 * opt-in early warning that an area crossed into `warning`, or the summary of
 * a dormant-user run that blocked users of an area (`applyDormantUsers`).
 */
export type LicenseNotificationType = 'license-limit-exceeded' | 'license-warning' | 'dormant-users-blocked';

/** A composed notification, ready to send. Plain data: it is stored in the outbox until delivered. */
export interface LicenseNotification {
  /**
   * Unique per notification and the same on every attempt to send it: use it
   * to drop a duplicate, e.g. as the mail's `Message-ID`
   * (`<${id}@seatkeeper.example.com>`, with your own domain) or an
   * idempotency key of a mail API.
   */
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
  /**
   * What was attempted, e.g. `create a user` or `directory sync created 3 users blocked`.
   * It never names a user: no notification keeps a person's name or email.
   */
  readonly attempted: string;
  /** When it happened (from the injected clock). */
  readonly occurredAt: Date;
}

/** What {@link Notifier.send} is given beside the notification. */
export interface NotifierSendOptions {
  /**
   * Aborted when the send has taken `notificationTimeout` (10 s by default).
   * Stop then: pass it on to `fetch` or your mail client, or check it before
   * handing the message over. seatkeeper has then counted the attempt as
   * failed; it does not start another send of the same notification while this
   * one is still running, and other instances wait for the claim's lease
   * (the timeout plus one minute) before they try it.
   */
  readonly signal: AbortSignal;
}

/**
 * Implemented by the host. Called by seatkeeper in the background, after the
 * operation that caused the notification has returned, for each outbox entry
 * that is due. A throw or a hang (past the configured timeout, when the signal
 * aborts) never affects a user operation: the entry stays in the outbox and is
 * retried with backoff.
 *
 * Delivery is **at least once**, with one send in flight per notification: a
 * notification is sent again only when no successful send of it could be
 * recorded (the process died, or the repository was unreachable, between
 * sending and recording), and then only after the claim's lease has passed.
 * Use `notification.id` to drop such a duplicate.
 *
 * @example
 * ```ts
 * const notifier: Notifier = {
 *   async send(n, options) {
 *     const messageId = `<${n.id}@licences.example.com>`; // the same on every attempt
 *     await mailer.send({ to: n.to, subject: n.subject, text: n.text, messageId, signal: options?.signal });
 *   },
 * };
 * ```
 */
export interface Notifier {
  /**
   * Delivers one notification. Resolve once it is handed over; reject to have
   * it retried later. Never called for a notification whose successful send
   * was recorded, and never while an earlier call for the same `id` by the
   * same instance is still running.
   *
   * @param notification - what to send; `id` is stable across attempts
   * @param options - the `signal` that aborts at the timeout; optional so that
   *   a notifier written before it existed, or a call from a test, stays valid
   */
  send(notification: LicenseNotification, options?: NotifierSendOptions): Promise<void>;
}
