import assert from 'node:assert/strict';
import type { SeatReader, SeatRepository, SeatTransaction } from '../../ports/repository.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, blocked, byId, hasCode, normalizeCounts, organization, outboxEntry, seed, user } from '../fixtures.js';

/** Everything a repository holds, in a comparable form. */
async function everything(repository: SeatRepository, userIds: readonly string[]) {
  return {
    areas: byId(await repository.listAreas()),
    organizations: byId(await repository.listOrganizations()),
    users: await Promise.all(userIds.map((id) => repository.getUser(id))),
    byName: await repository.findUsersByUsernames(['fresh', 'kept']),
    counts: (await repository.countUsers(['a', 'new-area'])).map(normalizeCounts),
    setting: await repository.getSetting('responsible'),
    outbox: await repository.listNotifications(),
    changes: await repository.listLicenseChanges(),
    snapshots: await repository.listUsageSnapshots(),
  };
}

/** Transactions: results, rollback, lifetime. */
export const transactionChecks: readonly SeatRepositoryCheck[] = [
  check('transactions', 'a transaction resolves to what its work returns and rethrows its error unchanged', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    assert.deepEqual(await repository.transaction({ areaIds: ['a'] }, async () => ({ answer: 42 })), { answer: 42 });
    assert.equal(await repository.transaction({ areaIds: [] }, async () => 'no areas'), 'no areas');
    assert.equal(await repository.transaction({ areaIds: ['not-defined-yet'] }, async () => 'unknown areas are not locked'), 'unknown areas are not locked');
    const thrown = new Error('work failed');
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, async () => {
        throw thrown;
      }),
      (error) => error === thrown,
    );
  }),

  check('transactions', 'a transaction that throws leaves nothing behind: areas, organizations, users, settings, outbox and history', async (repository) => {
    await seed(repository, {
      areas: [area('a', 10)],
      organizations: [organization('acme', 'a', { maxUsers: 3 })],
      users: [user('kept', { organizationId: 'acme' }), user('doomed')],
    });
    await repository.transaction({ areaIds: [] }, (tx) => tx.putSetting('responsible', 'before@example.com'));
    const userIds = ['kept', 'doomed', 'fresh'];
    const before = await everything(repository, userIds);

    await assert.rejects(
      repository.transaction({ areaIds: ['a', 'new-area'] }, async (tx) => {
        await tx.putArea(area('new-area', 3));
        await tx.putArea(area('a', 99, { updatedAt: at(1) }));
        await tx.putOrganization(organization('newco', 'a'));
        await tx.putOrganization(organization('acme', 'a', { access: 'denied', maxUsers: 0 }));
        await tx.insertUsers([user('fresh', { areaId: 'new-area' })]);
        await tx.updateUsers([blocked(user('kept', { organizationId: 'acme' }), 'admin')]);
        assert.equal(await tx.deleteUser('doomed'), true);
        await tx.putSetting('responsible', 'after@example.com');
        await tx.enqueueNotification(outboxEntry('n1', at(5)));
        await tx.appendLicenseChange({ id: 'c1', requestId: null, type: 'set', areaId: 'a', maxUsersBefore: 10, maxUsersAfter: 99, appliedAt: at(5), note: null });
        await tx.appendUsageSnapshot({ areaId: 'a', takenAt: at(5), maxUsers: 99, using: 1, totalActiveUsers: 1 });
        throw new Error('fail after writing everything');
      }),
      /fail after writing everything/,
    );
    assert.deepEqual(await everything(repository, userIds), before);
  }),

  check('transactions', 'a transaction object refuses to be used after its transaction ended', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    let escaped: SeatTransaction | undefined;
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      escaped = tx;
    });
    assert.ok(escaped !== undefined);
    await assert.rejects(escaped.insertUsers([user('late')]), (error) => hasCode(error, 'STORAGE_ERROR'));
    assert.equal(await repository.getUser('late'), null);
  }),

  check('transactions', 'the repository and a transaction answer every shared read (SeatReader) alike', async (repository) => {
    await seed(repository, {
      areas: [area('a', 10), area('b', 5)],
      organizations: [organization('acme', 'a', { maxUsers: 3 }), organization('globex', 'b')],
      users: [user('u1'), user('u2', { organizationId: 'acme', externalId: 'ext-2' }), blocked(user('u3', { areaId: 'b' }), 'license-limit')],
    });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => tx.putSetting('responsible', 'it@example.com'));
    const read = async (reader: SeatReader) => ({
      area: await reader.getArea('a'),
      areas: byId(await reader.listAreas()),
      organization: await reader.getOrganization('acme'),
      organizations: byId(await reader.listOrganizations()),
      organizationsOfA: byId(await reader.listOrganizations('a')),
      user: await reader.getUser('u2'),
      byName: byId(await reader.findUsersByUsernames(['U1', 'u2', 'nobody'])),
      byExternalId: byId(await reader.findUsersByExternalIds(['ext-2', 'none'])),
      pending: await reader.listBlockedUsers('b', 'license-limit', 10),
      counts: (await reader.countUsers(['b', 'a', 'unknown'])).map(normalizeCounts),
      allCounts: byAreaId((await reader.countUsers()).map(normalizeCounts)),
      setting: await reader.getSetting('responsible'),
    });
    const outside = await read(repository);
    const inside = await repository.transaction({ areaIds: ['a', 'b'] }, read);
    assert.deepEqual(inside, outside);
    assert.deepEqual(outside.counts.map((c) => c.areaId), ['b', 'a', 'unknown'], 'counts come in the order asked, zeros for an area without users');
    assert.deepEqual(Object.keys(outside.allCounts).sort(), ['a', 'b'], 'countUsers() without ids reports every area');
    assert.deepEqual(outside.pending.map((u) => u.id), ['u3']);
  }),
];

function byAreaId<T extends { readonly areaId: string }>(items: readonly T[]): Record<string, T> {
  return Object.fromEntries(items.map((item) => [item.areaId, item]));
}

