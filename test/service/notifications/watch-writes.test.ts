import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, type SeatTransaction, type TransactionScope } from '../../../src/index.js';
import { fixedClock } from '../../support/clock.js';
import { testNotifier } from '../../support/notifier.js';

/** An in-memory repository that records, per transaction, the keys of the settings written. */
class RecordingRepository extends InMemorySeatRepository {
  readonly settingWrites: string[][] = [];

  override async transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    const keys: string[] = [];
    this.settingWrites.push(keys);
    return super.transaction(scope, (tx) =>
      work(
        new Proxy(tx, {
          get(target, property) {
            if (property === 'putSetting') {
              return (key: string, value: Parameters<SeatTransaction['putSetting']>[1]) => {
                keys.push(key);
                return target.putSetting(key, value);
              };
            }
            const member: unknown = Reflect.get(target, property);
            return typeof member === 'function' ? member.bind(target) : member;
          },
        }),
      ),
    );
  }

  /** The setting keys written by the last transaction. */
  lastWrites(): readonly string[] {
    return this.settingWrites.at(-1) ?? [];
  }
}

async function site(maxUsers: number) {
  const repository = new RecordingRepository();
  const clock = fixedClock('2026-01-10T09:00:00.000Z');
  const notifier = testNotifier();
  const seats = createSeatkeeper({ repository, clock, notifier });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  await seats.setResponsiblePerson('licences@example.com');
  return { repository, clock, notifier, seats };
}

describe('what the seat watch writes', () => {
  it('a seat change in a streak writes one setting: the area watch record, with the running peak', async () => {
    const { repository, seats } = await site(100);
    for (const username of ['a', 'b', 'c']) {
      expect((await seats.createUser({ username, areaId: 'primary' })).ok).toBe(true);
      expect(repository.lastWrites()).toEqual(['alert:primary']);
    }
    expect(await repository.getSetting('alert:primary')).toEqual({ episode: null, warned: false, lastUsing: 3, peak: { period: '2026-01', using: 3 } });
    expect(await repository.getSetting('peak:primary:2026-01')).toBeNull();
    expect(await seats.peakUsage({ areaId: 'primary' })).toMatchObject({ peak: 3 });
  });

  it('every refusal writes the area watch record, as read and decided, and a told episode sends nothing more', async () => {
    const { repository, notifier, seats } = await site(1);
    await seats.createUser({ username: 'a', areaId: 'primary' });
    expect((await seats.createUser({ username: 'b', areaId: 'primary' })).ok).toBe(false);
    expect(repository.lastWrites()).toEqual(['alert:primary']); // the episode starts and is told
    const told = await repository.getSetting('alert:primary');
    expect((await seats.createUser({ username: 'c', areaId: 'primary' })).ok).toBe(false);
    expect(repository.lastWrites()).toEqual(['alert:primary']); // same episode, already told, same use
    expect(await repository.getSetting('alert:primary')).toEqual(told);
    await seats.settleNotifications();
    expect(notifier.delivered).toHaveLength(1);
  });

  it("a later month's first seat change moves the finished month's peak to its own setting", async () => {
    const { repository, clock, seats } = await site(100);
    const created = [];
    for (const username of ['a', 'b', 'c']) created.push(await seats.createUser({ username, areaId: 'primary' }));
    const first = created[0];
    if (!first?.ok) throw new Error('setup failed');
    await seats.blockUser(first.user.id); // 2 in use, January's peak stays 3

    clock.set('2026-02-03T00:00:00.000Z');
    await seats.createUser({ username: 'd', areaId: 'primary' });
    expect(repository.lastWrites()).toEqual(['peak:primary:2026-01', 'alert:primary']);
    expect(await repository.getSetting('peak:primary:2026-01')).toBe(3);
    expect(await repository.getSetting('alert:primary')).toMatchObject({ lastUsing: 3, peak: { period: '2026-02', using: 3 } });
    expect(await seats.peakUsage({ areaId: 'primary', period: '2026-01' })).toMatchObject({ peak: 3 });
    expect(await seats.peakUsage({ areaId: 'primary', period: '2026-02' })).toMatchObject({ peak: 3 });
  });

  it('moving a peak never lowers one already stored for that month', async () => {
    const { repository, clock, seats } = await site(100);
    await repository.transaction({ areaIds: [] }, (tx) => tx.putSetting('peak:primary:2026-01', 10));
    await seats.createUser({ username: 'a', areaId: 'primary' });
    clock.set('2026-02-03T00:00:00.000Z');
    await seats.createUser({ username: 'b', areaId: 'primary' });
    expect(repository.lastWrites()).toEqual(['alert:primary']);
    expect(await repository.getSetting('peak:primary:2026-01')).toBe(10);
    expect(await seats.peakUsage({ areaId: 'primary', period: '2026-01' })).toMatchObject({ peak: 10 });
  });
});

describe('the watch record is read on every change', () => {
  it('a change made by another instance is seen: the episode it ended is not continued', async () => {
    const repository = new InMemorySeatRepository();
    const clock = fixedClock('2026-01-10T09:00:00.000Z');
    const notifierA = testNotifier();
    const a = createSeatkeeper({ repository, clock, notifier: notifierA });
    const b = createSeatkeeper({ repository, clock });
    await a.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 1 });
    await a.setResponsiblePerson('licences@example.com');
    const first = await a.createUser({ username: 'first', areaId: 'primary' });
    if (!first.ok) throw new Error('setup failed');
    expect((await a.createUser({ username: 'refused', areaId: 'primary' })).ok).toBe(false);
    await a.settleNotifications();
    expect(notifierA.delivered).toHaveLength(1);

    await b.blockUser(first.user.id); // a seat is free again: instance B ends the episode
    expect((await a.createUser({ username: 'second', areaId: 'primary' })).ok).toBe(true);
    expect((await a.createUser({ username: 'refused-again', areaId: 'primary' })).ok).toBe(false);
    await a.settleNotifications();
    expect(notifierA.delivered).toHaveLength(2); // a new episode, told again
    expect(notifierA.delivered[1]?.attempted).toBe('create a user');
  });
});
