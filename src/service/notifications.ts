import { z } from 'zod';
import { emailSchema, type WriteOptions } from '../core/schemas.js';
import type { OutboxEntry } from '../ports/repository.js';
import { inAreaTransaction, type DeliveryReport, type ServiceContext } from './context.js';
import { parseResponsiblePerson, RESPONSIBLE_PERSON_KEY } from './notifications/watch-state.js';
import { parseInput, writeContext } from './validate.js';

/** A filter for {@link NotificationsApi.notifications}. */
export const notificationFilterSchema = z.strictObject({
  /** Only entries still waiting (`pending`) or already sent (`delivered`). */
  status: z.union([z.literal('pending'), z.literal('delivered')]).optional(),
});
/** A filter for {@link NotificationsApi.notifications}. */
export type NotificationFilter = z.input<typeof notificationFilterSchema>;

/** Input of {@link NotificationsApi.purgeNotifications}. */
export const purgeNotificationsInputSchema = z.strictObject({
  /** Delivered entries delivered strictly before this time are deleted. */
  deliveredBefore: z.date(),
});
/** Input of {@link NotificationsApi.purgeNotifications}. */
export type PurgeNotificationsInput = z.input<typeof purgeNotificationsInputSchema>;

/** Who is told when the license limit is exceeded, and the outbox of what they are told. */
export interface NotificationsApi {
  /**
   * Sets the responsible person: the one address told when an area's license
   * limit is exceeded (a group address reaches several people). Replaces the
   * previous one; `null` removes it. Without a responsible person nothing is
   * enqueued; an episode in progress is told to the person set later, at the
   * next operation on that area or the next {@link NotificationsApi.deliverPendingNotifications}.
   *
   * @param email - the address, or `null`
   * @param options - `actor`: who sets it, recorded in the audit trail (`setting.changed`)
   * @returns the stored address, trimmed, or `null`
   * @throws InvalidInputError when the address is malformed
   * @example
   * ```ts
   * await seats.setResponsiblePerson('licences@example.com');
   * ```
   */
  setResponsiblePerson(email: string | null, options?: WriteOptions): Promise<string | null>;
  /** The responsible person's address, or `null` when none is set. */
  getResponsiblePerson(): Promise<string | null>;
  /**
   * Sends what is due: first reminders for areas still in an episode (when
   * `reminderEvery` is set, or when nobody was told yet), then, once the
   * background delivery in flight has finished, every outbox entry whose retry
   * time has come. Every seat-affecting operation already starts delivery in
   * the background after it commits; call this on a schedule (e.g. every few
   * minutes) so retries and reminders also happen when nothing else does. A
   * notifier failure or timeout never throws: the entry stays pending with a
   * later retry time.
   *
   * @returns the reminders enqueued, the ids delivered and the failures (of this call's run)
   * @example
   * ```ts
   * setInterval(() => void seats.deliverPendingNotifications(), 5 * 60_000);
   * ```
   */
  deliverPendingNotifications(): Promise<DeliveryReport>;
  /**
   * Waits until background delivery has settled: the run in flight, and the
   * one more it was asked for while it ran. Sends nothing by itself, never
   * throws, and takes at most about `notificationTimeout` per round of a
   * hanging notifier. Call it before closing the repository (e.g. before
   * `pool.end()`) on shutdown, and in tests before checking what was sent.
   *
   * @example
   * ```ts
   * await seats.createUser({ username: 'carol', areaId: 'primary' }); // refused: returns without waiting for the mail
   * await seats.settleNotifications();                               // the mail was handed to the notifier (or failed)
   * ```
   */
  settleNotifications(): Promise<void>;
  /**
   * The outbox, oldest first: every notification composed, with its delivery
   * state (`pending` or `delivered`), attempts and last error.
   *
   * @param filter - only `pending` or only `delivered` entries
   */
  notifications(filter?: NotificationFilter): Promise<readonly OutboxEntry[]>;
  /**
   * Deletes delivered notifications from the outbox: every entry delivered
   * strictly before `deliveredBefore`. Pending entries are never deleted, so
   * nothing undelivered is lost. Call it on a retention schedule (the outbox
   * otherwise keeps every notification ever sent). Notifications never name a
   * user, so retention is about volume, not personal data.
   *
   * @param input - `deliveredBefore`: the cut-off, a `Date`
   * @returns how many entries were deleted
   * @throws InvalidInputError when `deliveredBefore` is not a valid `Date`
   * @example
   * ```ts
   * // Keep 90 days of delivered notifications.
   * await seats.purgeNotifications({ deliveredBefore: subDays(new Date(), 90) });
   * ```
   */
  purgeNotifications(input: PurgeNotificationsInput): Promise<number>;
}

/** Builds the {@link NotificationsApi}. */
export function notificationsApi(context: ServiceContext): NotificationsApi {
  return {
    async setResponsiblePerson(email, options) {
      const address = parseInput(emailSchema.nullable(), email, 'responsible person');
      await inAreaTransaction(writeContext(context, options, 'setResponsiblePerson options'), [], (tx) => tx.putSetting(RESPONSIBLE_PERSON_KEY, address));
      return address;
    },

    async getResponsiblePerson() {
      return parseResponsiblePerson(await context.repository.getSetting(RESPONSIBLE_PERSON_KEY));
    },

    async deliverPendingNotifications() {
      return context.watch.deliverPending?.() ?? { reminders: 0, delivered: [], failed: [] };
    },

    async settleNotifications() {
      await context.watch.settle?.();
    },

    async notifications(filter = {}) {
      const data = parseInput(notificationFilterSchema, filter, 'notifications filter');
      return context.repository.listNotifications(data.status === undefined ? {} : { status: data.status });
    },

    async purgeNotifications(input) {
      const { deliveredBefore } = parseInput(purgeNotificationsInputSchema, input, 'purgeNotifications input');
      return context.repository.purgeNotifications(deliveredBefore);
    },
  };
}
