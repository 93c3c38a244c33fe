import assert from 'node:assert/strict';
import type { LicenseChangeRecord, UsageSnapshot } from '../../ports/repository.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, seed } from '../fixtures.js';

function change(id: string, areaId: string, appliedAt: Date, changes: Partial<LicenseChangeRecord> = {}): LicenseChangeRecord {
  return { id, requestId: null, type: 'set', areaId, maxUsersBefore: 10, maxUsersAfter: 15, appliedAt, note: null, ...changes };
}

function snapshot(areaId: string, takenAt: Date, using: number): UsageSnapshot {
  return { areaId, takenAt, maxUsers: 50, using, totalActiveUsers: using + 2 };
}

/** License change history and usage snapshots. */
export const historyChecks: readonly SeatRepositoryCheck[] = [
  check('history', 'license changes are kept oldest first, for one area or all', async (repository) => {
    await seed(repository, { areas: [area('a'), area('b')] });
    const c1 = change('c1', 'a', at(1_000), { type: 'add', requestId: 'r1', note: 'PO-42' });
    const c2 = change('c2', 'a', at(2_000), { type: 'move', requestId: 'r2', maxUsersBefore: 15, maxUsersAfter: 12 });
    const c3 = change('c3', 'b', at(2_000), { type: 'move', requestId: 'r2', maxUsersBefore: 5, maxUsersAfter: 8 });
    await repository.transaction({ areaIds: ['a', 'b'] }, async (tx) => {
      await tx.appendLicenseChange(c1);
      await tx.appendLicenseChange(c2);
      await tx.appendLicenseChange(c3);
    });
    assert.deepEqual(await repository.listLicenseChanges(), [c1, c2, c3]);
    assert.deepEqual(await repository.listLicenseChanges('a'), [c1, c2]);
    assert.deepEqual(await repository.listLicenseChanges('b'), [c3]);
    assert.deepEqual(await repository.listLicenseChanges('nowhere'), []);
  }),

  check('history', 'usage snapshots list oldest first, by area and inside an inclusive time range', async (repository) => {
    await seed(repository, { areas: [area('a'), area('b')] });
    const late = snapshot('a', at(3_000), 7);
    const early = snapshot('a', at(1_000), 5);
    const middle = snapshot('a', at(2_000), 6);
    const other = snapshot('b', at(1_500), 1);
    await repository.transaction({ areaIds: ['a', 'b'] }, async (tx) => {
      for (const s of [late, early, other, middle]) await tx.appendUsageSnapshot(s);
    });
    assert.deepEqual(await repository.listUsageSnapshots(), [early, other, middle, late]);
    assert.deepEqual(await repository.listUsageSnapshots('a'), [early, middle, late]);
    assert.deepEqual(await repository.listUsageSnapshots('a', { from: at(1_000), to: at(2_000) }), [early, middle], 'both ends are inclusive');
    assert.deepEqual(await repository.listUsageSnapshots('a', { from: at(1_001), to: at(2_999) }), [middle]);
    assert.deepEqual(await repository.listUsageSnapshots(undefined, { from: at(1_500) }), [other, middle, late]);
    assert.deepEqual(await repository.listUsageSnapshots(undefined, { to: at(1_499) }), [early]);
  }),
];
