import { decideAlert, type AlertEvent } from '../../core/notification-policy.js';
import { nextPeak, usagePeriod } from '../../core/peak-usage.js';
import { seatStatus } from '../../core/status.js';
import { resolveThresholds } from '../../core/usage.js';
import type { LicenseNotification } from '../../ports/notifier.js';
import type { SeatTransaction } from '../../ports/repository.js';
import { DEFAULT_NOTIFICATION_OPTIONS, type DeliveryReport, type SeatEvent, type SeatWatch, type ServiceContext } from '../context.js';
import { composeLimitExceeded, composeWarning } from './compose.js';
import { OutboxDelivery, type RoundResult } from './outbox-delivery.js';
import { alertKey, parseResponsiblePerson, parseWatchRecord, peakKey, RESPONSIBLE_PERSON_KEY, type WatchRecord } from './watch-state.js';
import { countArea } from '../reads.js';

/** What the watch is built from: the service context without the watch itself. */
export type WatchContext = Omit<ServiceContext, 'watch'>;

/**
 * The watch behind every seatkeeper instance: inside each seat-affecting
 * transaction it updates the area's peak and episode state and enqueues what
 * the responsible person must be told (so it commits or rolls back with the
 * change). After the transaction it starts delivery in the background and
 * returns: a user operation never waits for the notifier, and one delivery run
 * is in flight per instance at a time.
 */
export function createSeatWatch(context: WatchContext): SeatWatch & Required<Pick<SeatWatch, 'deliverPending' | 'settle' | 'notify'>> {
  const notifications = context.options.notifications ?? DEFAULT_NOTIFICATION_OPTIONS;
  const warningThresholds = resolveThresholds(context.options);
  const delivery = context.notifier === undefined ? null : new OutboxDelivery(context.repository, context.notifier, context.clock, notifications);
  /** Transactions that enqueued something: their commit is followed by a delivery round. */
  const enqueuedIn = new WeakSet<SeatTransaction>();
  /** Something was enqueued since the last round: the fallback when `afterCommit` is not told its transaction. */
  let enqueuedSinceRound = false;
  /** The delivery run in flight (in the background, or for `deliverPending`), settled with its follow-up; `null` when none. */
  let inFlight: Promise<void> | null = null;
  /** A trigger came while a run was in flight: run again after it, for what it may have claimed too early to see. */
  let runAgain = false;

  /** Runs `drain` as the one delivery in flight, once the one in flight now (and its follow-up) has finished. */
  async function exclusively(drain: () => Promise<RoundResult>): Promise<RoundResult> {
    while (inFlight !== null) await inFlight;
    // Synchronous from here on, so no other run can start in between.
    const run = drain();
    inFlight = run.then(
      () => followUp(),
      () => followUp(),
    );
    return run;
  }

  function followUp(): void {
    inFlight = null;
    if (runAgain) startInBackground();
  }

  /** Starts a delivery run in the background, or asks the one in flight to run again after it. Never rejects. */
  function startInBackground(): void {
    if (delivery === null) return;
    if (inFlight !== null) {
      runAgain = true;
      return;
    }
    runAgain = false;
    exclusively(() => delivery.drain()).catch(() => {
      // Contained (a clock or store failure): the entries stay in the outbox and a later run delivers them.
    });
  }

  async function watchArea(tx: SeatTransaction, areaId: string, event: AlertEvent & Pick<SeatEvent, 'wanted'>): Promise<boolean> {
    const area = await tx.getArea(areaId);
    if (area === null) return false;
    const { using } = await countArea(tx, areaId);
    const previous = parseWatchRecord(await tx.getSetting(alertKey(areaId)));
    const now = context.clock();

    // The record holds the running peak of its own period: a change in a later period archives it first.
    const period = usagePeriod(now);
    if (previous.peak !== null && previous.peak.period !== period) await archivePeak(tx, areaId, previous.peak);
    const peakSoFar = previous.peak?.period === period ? previous.peak.using : null;
    const peak = { period, using: nextPeak(peakSoFar, previous.lastUsing, using) };

    const input = {
      previous,
      maxUsers: area.maxUsers,
      using,
      status: seatStatus(area.maxUsers, using, warningThresholds),
      event,
      now,
      reminderEvery: notifications.reminderEvery,
      warnings: notifications.warnings,
      canNotify: true,
    };
    let decision = decideAlert(input);
    let to: string | null = null;
    if (decision.send !== null) {
      to = parseResponsiblePerson(await tx.getSetting(RESPONSIBLE_PERSON_KEY));
      // Nobody to tell: keep the episode "not told", so the person set later hears of it.
      if (to === null) decision = decideAlert({ ...input, canNotify: false });
    }
    const next: WatchRecord = { ...decision.state, peak };
    await tx.putSetting(alertKey(areaId), next);
    if (decision.send === null || to === null) return false;

    const facts = {
      id: context.newId(),
      to,
      area,
      using,
      attempted: event.attempted ?? 'scheduled check (deliverPendingNotifications)',
      occurredAt: now,
      minimumPurchase: context.options.minimumPurchase,
    };
    const notification: LicenseNotification =
      decision.send.type === 'license-warning'
        ? composeWarning(facts)
        : composeLimitExceeded(facts, {
            reminder: decision.send.reminder,
            cause: decision.send.cause,
            episode: decision.send.episode,
            ...(event.refusal ? { refusal: event.refusal } : {}),
            ...(event.waitingForSeat !== undefined ? { waitingForSeat: event.waitingForSeat } : {}),
            ...(event.wanted !== undefined ? { wanted: event.wanted } : {}),
          });
    await enqueue(tx, notification, now);
    return true;
  }

  /** Puts a notification in the outbox with the transaction, and marks the transaction for a delivery round after its commit. */
  async function enqueue(tx: SeatTransaction, notification: LicenseNotification, now: Date): Promise<void> {
    await tx.enqueueNotification({
      id: notification.id,
      notification,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
      deliveredAt: null,
    });
    enqueuedIn.add(tx);
    enqueuedSinceRound = true;
  }

  /** Keeps a finished period's peak in its own setting (never lowering one already there, e.g. from an unreadable record). */
  async function archivePeak(tx: SeatTransaction, areaId: string, peak: { readonly period: string; readonly using: number }): Promise<void> {
    const key = peakKey(areaId, peak.period);
    const stored = await tx.getSetting(key);
    const using = typeof stored === 'number' ? Math.max(stored, peak.using) : peak.using;
    if (using !== stored) await tx.putSetting(key, using);
  }

  /** Re-checks every area in an episode for a due reminder (or a first notification nobody got). */
  async function checkReminders(): Promise<number> {
    const areas = await context.repository.listAreas();
    let reminders = 0;
    for (const area of areas) {
      const record = parseWatchRecord(await context.repository.getSetting(alertKey(area.id)));
      if (record.episode === null) continue;
      const sent = await context.repository.transaction({ areaIds: [area.id] }, (tx) => watchArea(tx, area.id, {}));
      if (sent) reminders++;
    }
    return reminders;
  }

  return {
    async observe(tx: SeatTransaction, areaId: string, event: SeatEvent) {
      await watchArea(tx, areaId, event);
    },

    afterCommit(transaction?: SeatTransaction) {
      if (delivery === null) return;
      try {
        const enqueued = transaction === undefined ? enqueuedSinceRound : enqueuedIn.has(transaction);
        if (!enqueued && !delivery.worthLooking()) return;
        enqueuedSinceRound = false;
        startInBackground();
      } catch {
        // Contained (a clock failure): the entries stay in the outbox and a later call delivers them.
      }
    },

    async deliverPending(): Promise<DeliveryReport> {
      const reminders = await checkReminders();
      if (delivery === null) return { reminders, delivered: [], failed: [] };
      enqueuedSinceRound = false;
      const { delivered, failed } = await exclusively(() => delivery.drain());
      return { reminders, delivered, failed };
    },

    async settle(): Promise<void> {
      while (inFlight !== null) await inFlight;
    },

    async notify(tx: SeatTransaction, compose: (to: string) => LicenseNotification): Promise<boolean> {
      const to = parseResponsiblePerson(await tx.getSetting(RESPONSIBLE_PERSON_KEY));
      if (to === null) return false;
      await enqueue(tx, compose(to), context.clock());
      return true;
    },
  };
}
