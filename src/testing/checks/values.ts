import assert from 'node:assert/strict';
import type { LicenseChangeRecord, SeatRepository, UsageSnapshot } from '../../ports/repository.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, blocked, byName, organization, outboxEntry, seed, user } from '../fixtures.js';

/**
 * Changes everything it can reach in a record: every Date (`setFullYear`),
 * nested objects, then every field. A frozen record that refuses a change
 * keeps the rule as well, so refusals are ignored.
 */
function scribble(record: unknown): void {
  if (record instanceof Date) {
    record.setFullYear(1999);
    return;
  }
  if (typeof record !== 'object' || record === null) return;
  for (const [key, value] of Object.entries(record)) {
    scribble(value);
    try {
      (record as Record<string, unknown>)[key] = typeof value === 'number' ? -1 : 'scribbled';
    } catch {
      // frozen: the change is refused
    }
  }
}

const acme = () => organization('acme', 'a', { maxUsers: 3 });
const ann = () => user('u1', { username: 'Ann', externalId: 'x1', organizationId: 'acme', createdAt: at(1), updatedAt: at(2) });
const pending = () => blocked(user('u2', { username: 'Bo' }), 'license-limit', at(3));
const renamed = () => ({ ...ann(), displayName: 'Ann B.' });
const change = (): LicenseChangeRecord => ({ id: 'c1', requestId: null, type: 'set', areaId: 'a', maxUsersBefore: 10, maxUsersAfter: 12, appliedAt: at(4), note: null });
const snapshot = (): UsageSnapshot => ({ areaId: 'a', takenAt: at(5), maxUsers: 10, using: 1, totalActiveUsers: 1 });
const setting = () => ({ to: ['licences@example.com'], since: 'monday' });

/** Every area, organization and user, read back through the port. */
async function stored(repository: SeatRepository) {
  return {
    area: await repository.getArea('a'),
    organization: await repository.getOrganization('acme'),
    ann: await repository.getUser('u1'),
    pending: await repository.getUser('u2'),
    byName: await byName(repository, 'ann'),
  };
}

/** The records a repository with {@link ann}, {@link pending}, area `a` and {@link acme} must hold. */
function expected() {
  return { area: area('a'), organization: acme(), ann: ann(), pending: pending(), byName: ann() };
}

/**
 * Value semantics: a repository keeps its own copies. Storing the caller's
 * objects, or handing out the ones it keeps, lets a caller change storage
 * without a transaction; a mutated `Date` is the classic way in.
 */
export const valueChecks: readonly SeatRepositoryCheck[] = [
  check('values', 'records written are copied: changing the objects passed in, Dates included, never changes storage', async (repository) => {
    // Cloned, so scribbling them cannot reach the fixtures' shared dates (T0) that `expected()` uses.
    const written = structuredClone({ area: area('a'), organization: acme(), ann: ann(), pending: pending() });
    await seed(repository, { areas: [written.area], organizations: [written.organization], users: [written.ann, written.pending] });
    scribble(written);
    assert.deepEqual(await stored(repository), expected());

    const writes = structuredClone({ user: renamed(), entry: outboxEntry('n1', at(1_000)), change: change(), snapshot: snapshot(), setting: setting() });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await tx.updateUsers([writes.user]);
      await tx.enqueueNotification(writes.entry);
      await tx.appendLicenseChange(writes.change);
      await tx.appendUsageSnapshot(writes.snapshot);
      await tx.putSetting('responsible', writes.setting);
      scribble(writes);
      assert.deepEqual(await tx.getUser('u1'), renamed(), 'a staged write is a copy too');
      assert.deepEqual(await tx.getSetting('responsible'), setting());
    });
    assert.deepEqual(await repository.getUser('u1'), renamed());
    assert.deepEqual(await repository.listNotifications(), [outboxEntry('n1', at(1_000))]);
    assert.deepEqual(await repository.listLicenseChanges(), [change()]);
    assert.deepEqual(await repository.listUsageSnapshots(), [snapshot()]);
    assert.deepEqual(await repository.getSetting('responsible'), setting());

    const failure = { attempts: 1, nextAttemptAt: at(9_000), lastError: 'SMTP 451' };
    await repository.markNotificationFailed('n1', failure);
    scribble(failure);
    const lease = at(20_000);
    await repository.claimDueNotifications(at(9_000), lease, 10);
    scribble(lease);
    assert.deepEqual(await repository.listNotifications(), [{ ...outboxEntry('n1', at(1_000)), attempts: 1, nextAttemptAt: at(20_000), lastError: 'SMTP 451' }]);
    const deliveredAt = at(21_000);
    await repository.markNotificationDelivered('n1', deliveredAt);
    scribble(deliveredAt);
    assert.equal((await repository.listNotifications())[0]?.deliveredAt?.getTime(), at(21_000).getTime());
  }),

  check('values', 'records read are copies: changing a returned record or its Dates (setFullYear) never changes storage', async (repository) => {
    // Written as clones: if the repository hands back what it was given, scribbling it must not reach the fixtures.
    await seed(repository, structuredClone({ areas: [area('a')], organizations: [acme()], users: [ann(), pending()] }));
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await tx.enqueueNotification(structuredClone(outboxEntry('n1', at(1_000))));
      await tx.appendLicenseChange(change());
      await tx.appendUsageSnapshot(snapshot());
      await tx.putSetting('responsible', setting());
    });
    const page = await repository.listUsers({}, { after: null, limit: 10 });
    scribble([
      await repository.getUser('u1'),
      await byName(repository, 'ANN'),
      await repository.findUsersByUsernames(['ann', 'bo']),
      await repository.findUsersByExternalIds(['x1']),
      page.users,
      await repository.getArea('a'),
      await repository.listAreas(),
      await repository.getOrganization('acme'),
      await repository.listOrganizations(),
      await repository.listOrganizations('a'),
      await repository.listNotifications(),
      await repository.listLicenseChanges(),
      await repository.listUsageSnapshots(),
      await repository.getSetting('responsible'),
    ]);
    assert.deepEqual(await stored(repository), expected());
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      scribble([
        await tx.getUser('u1'),
        await byName(tx, 'ann'),
        await tx.findUsersByUsernames(['ANN']),
        await tx.findUsersByExternalIds(['x1']),
        await tx.listBlockedUsers('a', 'license-limit', 10),
        await tx.getArea('a'),
        await tx.getOrganization('acme'),
        await tx.listOrganizations('a'),
        await tx.getSetting('responsible'),
      ]);
      assert.deepEqual(await tx.getUser('u1'), ann(), 'a transaction hands out copies too');
      assert.deepEqual(await tx.listBlockedUsers('a', 'license-limit', 10), [pending()]);
    });
    assert.deepEqual(await stored(repository), expected());
    assert.deepEqual(await repository.listNotifications(), [outboxEntry('n1', at(1_000))]);
    assert.deepEqual(await repository.listLicenseChanges(), [change()]);
    assert.deepEqual(await repository.listUsageSnapshots(), [snapshot()]);
    assert.deepEqual(await repository.getSetting('responsible'), setting());
    scribble(await repository.claimDueNotifications(at(1_000), at(5_000), 10));
    assert.deepEqual(await repository.listNotifications(), [{ ...outboxEntry('n1', at(1_000)), nextAttemptAt: at(5_000) }]);
  }),
];
