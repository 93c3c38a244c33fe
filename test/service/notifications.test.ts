import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError } from '../../src/index.js';
import type { ServiceContext } from '../../src/service/context.js';
import { createSeatWatch, type WatchContext } from '../../src/service/notifications/seat-watch.js';
import { fixedClock } from '../support/clock.js';
import { testNotifier } from '../support/notifier.js';
import { describeNotificationScenarios } from './notification-scenarios.js';

describeNotificationScenarios('the in-memory repository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => {} }));

/** A watch on a fresh repository with one full area (2 of 2 seats), as the service builds it. */
async function watchOnFullArea() {
  const repository = new InMemorySeatRepository();
  const clock = fixedClock('2026-01-05T09:00:00.000Z');
  const notifier = testNotifier();
  const seats = createSeatkeeper({ repository, clock });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 2 });
  await seats.setResponsiblePerson('licences@example.com');
  for (const username of ['a', 'b']) await seats.createUser({ username, areaId: 'primary' });
  let next = 0;
  const context: WatchContext = {
    repository,
    clock,
    notifier,
    newId: () => `n-${++next}`,
    options: {
      warningPercent: 5,
      warningThresholds: 5,
      minimumPurchase: 5,
      notifications: { reminderEvery: null, timeoutMs: 1_000, firstRetryDelayMs: 60_000, maxRetryDelayMs: 3_600_000, warnings: false },
    },
  };
  return { repository, notifier, watch: createSeatWatch(context), context };
}

describe('the seat watch inside transactions', () => {
  it('directory users created blocked waiting for a seat start an episode and are named in the notification', async () => {
    const { repository, notifier, watch } = await watchOnFullArea();
    let tx: Parameters<ServiceContext['watch']['observe']>[0] | undefined;
    await repository.transaction({ areaIds: ['primary'] }, async (t) => {
      tx = t;
      await watch.observe(t, 'primary', { attempted: 'directory sync', waitingForSeat: 3 });
    });
    watch.afterCommit(tx);
    await watch.settle();
    expect(notifier.delivered).toHaveLength(1);
    expect(notifier.delivered[0]?.text).toContain('3 directory users were created or kept blocked, waiting for a seat.');
    expect(notifier.delivered[0]?.attempted).toBe('directory sync');
  });

  it('the outbox entry commits with the change: a rolled-back transaction leaves no notification and no episode', async () => {
    const { repository, notifier, watch } = await watchOnFullArea();
    await expect(
      repository.transaction({ areaIds: ['primary'] }, async (t) => {
        await watch.observe(t, 'primary', { attempted: 'directory sync', waitingForSeat: 1 });
        throw new Error('the sync failed half-way');
      }),
    ).rejects.toThrow('half-way');
    watch.afterCommit();
    await watch.settle();
    expect(await repository.listNotifications()).toHaveLength(0);
    expect(await repository.getSetting('alert:primary')).toMatchObject({ episode: null });

    // The episode was rolled back too: the next refusal is a first notification.
    await repository.transaction({ areaIds: ['primary'] }, (t) => watch.observe(t, 'primary', { attempted: 'directory sync', waitingForSeat: 1 }));
    await watch.deliverPending();
    expect(notifier.delivered).toHaveLength(1);
  });

  it('afterCommit without its transaction still delivers what was enqueued since the last round', async () => {
    const { repository, notifier, watch } = await watchOnFullArea();
    watch.afterCommit(); // the first look at start
    await watch.settle();
    await repository.transaction({ areaIds: ['primary'] }, (t) => watch.observe(t, 'primary', { attempted: 'directory sync', waitingForSeat: 1 }));
    watch.afterCommit();
    await watch.settle();
    expect(notifier.delivered).toHaveLength(1);
  });

  it('a context built by hand, without notification settings, gets the defaults', async () => {
    const { repository, context } = await watchOnFullArea();
    const notifier = testNotifier();
    const { notifications: _ignored, warningThresholds: _too, ...options } = context.options;
    const watch = createSeatWatch({ ...context, notifier, options });
    await repository.transaction({ areaIds: ['primary'] }, (t) => watch.observe(t, 'primary', { attempted: 'directory sync', waitingForSeat: 1 }));
    expect((await watch.deliverPending()).delivered).toHaveLength(1);
  });

  it('an operation that enqueued nothing does not query the outbox once it is known to be empty', async () => {
    const { repository, watch } = await watchOnFullArea();
    let claims = 0;
    const claim = repository.claimDueNotifications.bind(repository);
    repository.claimDueNotifications = async (...args) => {
      claims++;
      return claim(...args);
    };
    watch.afterCommit();
    await watch.settle();
    expect(claims).toBe(1); // the first look: entries may be left from an earlier process
    watch.afterCommit();
    watch.afterCommit();
    await watch.settle();
    expect(claims).toBe(1);
  });
});

describe('delivery in the background', () => {
  it('afterCommit returns before the notifier answers', async () => {
    const { repository, notifier, watch } = await watchOnFullArea();
    notifier.mode = 'hang';
    let tx: Parameters<ServiceContext['watch']['observe']>[0] | undefined;
    await repository.transaction({ areaIds: ['primary'] }, async (t) => {
      tx = t;
      await watch.observe(t, 'primary', { attempted: 'directory sync', waitingForSeat: 1 });
    });
    expect(watch.afterCommit(tx)).toBeUndefined();
    await expect.poll(() => notifier.calls.length).toBe(1);
  });

  it('a store or clock failure in background delivery is contained: no unhandled rejection, the entry waits', async () => {
    const { repository, notifier, context } = await watchOnFullArea();
    let clockBroken = false;
    const clock = () => {
      if (clockBroken) throw new Error('clock source unavailable');
      return context.clock();
    };
    const watch = createSeatWatch({ ...context, clock });
    const claim = repository.claimDueNotifications.bind(repository);
    repository.claimDueNotifications = async () => {
      throw new Error('connection refused');
    };
    let tx: Parameters<ServiceContext['watch']['observe']>[0] | undefined;
    await repository.transaction({ areaIds: ['primary'] }, async (t) => {
      tx = t;
      await watch.observe(t, 'primary', { attempted: 'directory sync', waitingForSeat: 1 });
    });
    watch.afterCommit(tx);
    await watch.settle();
    clockBroken = true;
    watch.afterCommit();
    await watch.settle();
    expect(notifier.calls).toHaveLength(0);

    clockBroken = false;
    repository.claimDueNotifications = claim;
    expect((await watch.deliverPending()).delivered).toHaveLength(1);
  });
});

describe('createSeatkeeper notification options', () => {
  const repository = new InMemorySeatRepository();

  it('refuse warningPercent together with warnings.thresholds', () => {
    expect(() => createSeatkeeper({ repository, warningPercent: 10, warnings: { thresholds: 5 } })).toThrow(InvalidInputError);
  });

  it('refuse an empty or negative reminder interval and a zero timeout', () => {
    expect(() => createSeatkeeper({ repository, reminderEvery: {} })).toThrow(InvalidInputError);
    expect(() => createSeatkeeper({ repository, reminderEvery: { days: -1 } })).toThrow(InvalidInputError);
    expect(() => createSeatkeeper({ repository, notificationTimeout: 0 })).toThrow(InvalidInputError);
  });

  it('the notifications filter is validated', async () => {
    const seats = createSeatkeeper({ repository });
    await expect(seats.notifications({ status: 'sent' as 'pending' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
