import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, type DirectoryEntryInput } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { dir } from '../support/directory.js';
import { describePendingActivationScenarios } from './pending-activation-scenarios.js';

describePendingActivationScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => {} }));

describe('activating pending directory users: long queues', () => {
  async function queueOf(size: number, maxUsers: number) {
    const clock = fixedClock('2026-01-01T09:00:00Z');
    let nextId = 0;
    // Ids in feed order: users created blocked by one sync share a blockedAt, and the queue breaks ties by id.
    const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock, newId: () => `id-${String(++nextId).padStart(6, '0')}` });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 0 });
    const feed: DirectoryEntryInput[] = Array.from({ length: size }, (_, i) => dir(`u${String(i).padStart(5, '0')}`));
    await seats.syncDirectory(feed);
    await seats.setAreaLicenses('primary', maxUsers, { reason: 'licenses bought' });
    return seats;
  }

  it('in a full area only the head of the queue is read, and the report says more users wait', async () => {
    const seats = await queueOf(1_200, 0);
    const report = await seats.activatePendingDirectoryUsers();
    expect(report.activated).toEqual([]);
    expect(report.waiting).toHaveLength(1_000);
    expect(report.waiting[0]?.username).toBe('u00000');
    expect(report.areas).toEqual([{ areaId: 'primary', activated: 0, waiting: 1_000, moreWaiting: true }]);
  });

  it('reads on past the first look-up while seats are left, in queue order, until the queue ends', async () => {
    const seats = await queueOf(1_500, 1_200);
    const report = await seats.activatePendingDirectoryUsers();
    expect(report.activated).toHaveLength(1_200);
    expect(report.activated.map((u) => u.username)).toEqual(Array.from({ length: 1_200 }, (_, i) => `u${String(i).padStart(5, '0')}`));
    expect(report.waiting).toHaveLength(300);
    expect(report.waiting[0]?.username).toBe('u01200');
    expect(report.areas).toEqual([{ areaId: 'primary', activated: 1_200, waiting: 300, moreWaiting: false }]);
  });
});
