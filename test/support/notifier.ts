import type { LicenseNotification, Notifier } from '../../src/index.js';

/** How the test notifier answers: deliver, throw, never answer, or wait until released. */
export type NotifierMode = 'deliver' | 'throw' | 'hang' | 'hold';

/** A notifier that records what it delivered and can be told to fail. */
export interface TestNotifier extends Notifier {
  /** Notifications delivered successfully, in order. */
  readonly delivered: LicenseNotification[];
  /** Every call to `send`, successful or not. */
  readonly calls: LicenseNotification[];
  /** How the next calls answer. */
  mode: NotifierMode;
  /** Resolves every call held in `hold` mode (they count as delivered). */
  release(): void;
}

/** A notifier for tests: delivers by default. */
export function testNotifier(mode: NotifierMode = 'deliver'): TestNotifier {
  const held: Array<() => void> = [];
  const notifier: TestNotifier = {
    delivered: [],
    calls: [],
    mode,
    release() {
      for (const resolve of held.splice(0)) resolve();
    },
    async send(notification) {
      notifier.calls.push(notification);
      switch (notifier.mode) {
        case 'deliver':
          notifier.delivered.push(notification);
          return;
        case 'throw':
          throw new Error('SMTP server refused the connection');
        case 'hang':
          return new Promise<void>(() => {});
        case 'hold':
          return new Promise<void>((resolve) =>
            held.push(() => {
              notifier.delivered.push(notification);
              resolve();
            }),
          );
      }
    },
  };
  return notifier;
}
