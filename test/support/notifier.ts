import type { LicenseNotification, Notifier } from '../../src/index.js';

/**
 * How the test notifier answers: deliver, throw, never answer (ignoring the
 * abort signal), wait until released (ignoring the signal too), or wait until
 * the signal aborts and then fail with its reason.
 */
export type NotifierMode = 'deliver' | 'throw' | 'hang' | 'hold' | 'until-aborted';

/** One call to `send`, with its signal and when it started and was aborted (`performance.now()`). */
export interface SendCall {
  readonly notification: LicenseNotification;
  readonly signal: AbortSignal | undefined;
  readonly startedAt: number;
  abortedAt: number | null;
}

/** A notifier that records what it delivered and can be told to fail. */
export interface TestNotifier extends Notifier {
  /** Notifications delivered successfully, in order. */
  readonly delivered: LicenseNotification[];
  /** Every call to `send`, successful or not. */
  readonly calls: LicenseNotification[];
  /** Every call to `send`, with its signal and timing. */
  readonly sends: SendCall[];
  /** Sends started and not settled yet. */
  readonly running: () => number;
  /** The most sends of one notification `id` that ran at the same time. */
  readonly mostConcurrentPerId: () => number;
  /** How the next calls answer. */
  mode: NotifierMode;
  /** Resolves every call held in `hold` mode (they count as delivered). */
  release(): void;
}

/** A notifier for tests: delivers by default. */
export function testNotifier(mode: NotifierMode = 'deliver'): TestNotifier {
  const held: Array<() => void> = [];
  const runningById = new Map<string, number>();
  let most = 0;
  let running = 0;
  const notifier: TestNotifier = {
    delivered: [],
    calls: [],
    sends: [],
    running: () => running,
    mostConcurrentPerId: () => most,
    mode,
    release() {
      for (const resolve of held.splice(0)) resolve();
    },
    async send(notification, options) {
      const call: SendCall = { notification, signal: options?.signal, startedAt: performance.now(), abortedAt: null };
      options?.signal.addEventListener('abort', () => (call.abortedAt = performance.now()), { once: true });
      notifier.calls.push(notification);
      notifier.sends.push(call);
      const now = (runningById.get(notification.id) ?? 0) + 1;
      runningById.set(notification.id, now);
      most = Math.max(most, now);
      running++;
      try {
        await answer(notification, options?.signal);
      } finally {
        running--;
        runningById.set(notification.id, (runningById.get(notification.id) ?? 1) - 1);
      }
    },
  };

  function answer(notification: LicenseNotification, signal: AbortSignal | undefined): Promise<void> {
    switch (notifier.mode) {
      case 'deliver':
        notifier.delivered.push(notification);
        return Promise.resolve();
      case 'throw':
        return Promise.reject(new Error('SMTP server refused the connection'));
      case 'hang':
        return new Promise<void>(() => {});
      case 'hold':
        return new Promise<void>((resolve) =>
          held.push(() => {
            notifier.delivered.push(notification);
            resolve();
          }),
        );
      case 'until-aborted':
        return new Promise<void>((_resolve, reject) => {
          if (signal === undefined) return; // no signal: it hangs
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
    }
  }
  return notifier;
}
