import assert from 'node:assert/strict';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, outboxEntry, seed } from '../fixtures.js';

/** The notification outbox. */
export const outboxChecks: readonly SeatRepositoryCheck[] = [
  check('outbox', 'notifications enqueued in a transaction are kept oldest first, occurredAt still a Date', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    const second = outboxEntry('n2', at(2_000));
    const first = outboxEntry('n1', at(1_000));
    const tie = outboxEntry('n3', at(2_000));
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await tx.enqueueNotification(first);
      await tx.enqueueNotification(second);
      await tx.enqueueNotification(tie);
    });
    const listed = await repository.listNotifications();
    assert.deepEqual(listed, [first, second, tie], 'oldest first; equal times in the order enqueued');
    assert.ok(listed[0]?.notification.occurredAt instanceof Date);
    assert.deepEqual(await repository.listNotifications({ status: 'pending' }), [first, second, tie]);
    assert.deepEqual(await repository.listNotifications({ status: 'delivered' }), []);
  }),

  check('outbox', 'a claim takes due pending entries oldest first up to the limit, returns them as they were, and leases them', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    const entries = [outboxEntry('n1', at(1_000)), outboxEntry('n2', at(2_000)), outboxEntry('n3', at(3_000)), outboxEntry('n4', at(4_000))];
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      for (const e of entries) await tx.enqueueNotification(e);
    });
    const now = at(3_000);
    const lease = at(60_000);
    assert.deepEqual(await repository.claimDueNotifications(now, lease, 2), [entries[0], entries[1]]);
    assert.deepEqual(await repository.claimDueNotifications(now, lease, 10), [entries[2]], 'due exactly at now is due; a leased entry is not');
    assert.deepEqual(await repository.claimDueNotifications(now, lease, 10), []);
    const leased = await repository.listNotifications({ status: 'pending' });
    assert.deepEqual(
      leased.map((e) => [e.id, e.nextAttemptAt.getTime()]),
      [
        ['n1', lease.getTime()],
        ['n2', lease.getTime()],
        ['n3', lease.getTime()],
        ['n4', at(4_000).getTime()],
      ],
    );
    assert.deepEqual(
      (await repository.claimDueNotifications(at(60_000), at(120_000), 10)).map((e) => e.id),
      ['n1', 'n2', 'n3', 'n4'],
      'a lease that ran out is due again',
    );
  }),

  check('outbox', 'a failed send is recorded for retry; a delivered entry is never claimed again', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await tx.enqueueNotification(outboxEntry('n1', at(1_000)));
      await tx.enqueueNotification(outboxEntry('n2', at(2_000)));
    });
    await repository.markNotificationFailed('n1', { attempts: 1, nextAttemptAt: at(10_000), lastError: 'SMTP 451' });
    await repository.markNotificationDelivered('n2', at(2_500));
    const [n1, n2] = await repository.listNotifications();
    assert.deepEqual(n1, { ...outboxEntry('n1', at(1_000)), attempts: 1, nextAttemptAt: at(10_000), lastError: 'SMTP 451' });
    assert.deepEqual(n2, { ...outboxEntry('n2', at(2_000)), status: 'delivered', deliveredAt: at(2_500) });
    assert.deepEqual(await repository.claimDueNotifications(at(9_999), at(20_000), 10), [], 'not due before its retry time');
    assert.deepEqual((await repository.claimDueNotifications(at(10_000), at(20_000), 10)).map((e) => e.id), ['n1']);
    await repository.markNotificationFailed('n2', { attempts: 5, nextAttemptAt: at(0), lastError: 'late failure' });
    assert.deepEqual((await repository.listNotifications({ status: 'delivered' }))[0], n2, 'a late failure report does not reopen a delivered entry');
    assert.deepEqual((await repository.listNotifications({ status: 'pending' })).map((e) => e.id), ['n1']);
  }),

  check('outbox', 'concurrent claims never hand out the same entry twice', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    const ids = Array.from({ length: 12 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      for (const [i, id] of ids.entries()) await tx.enqueueNotification(outboxEntry(id, at(i)));
    });
    const claims = await Promise.all(Array.from({ length: 6 }, () => repository.claimDueNotifications(at(100), at(60_000), 3)));
    const claimed = claims.flat().map((e) => e.id);
    assert.equal(new Set(claimed).size, claimed.length, `an entry was claimed twice: ${claimed.join(', ')}`);
    for (const claim of claims) assert.ok(claim.length <= 3);
    const rest = (await repository.claimDueNotifications(at(100), at(60_000), 100)).map((e) => e.id);
    assert.deepEqual([...claimed, ...rest].sort(), ids, 'every entry is claimed exactly once');
  }),

  check('outbox', 'a purge deletes delivered entries delivered before the given time, never a pending one, and counts them', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      for (const [i, id] of ['n1', 'n2', 'n3', 'n4'].entries()) await tx.enqueueNotification(outboxEntry(id, at(i * 1_000)));
    });
    await repository.markNotificationDelivered('n1', at(10_000));
    await repository.markNotificationDelivered('n2', at(20_000));
    await repository.markNotificationDelivered('n3', at(30_000));
    assert.equal(await repository.purgeNotifications(at(20_000)), 1, 'delivered exactly at the cut-off is kept');
    assert.deepEqual((await repository.listNotifications()).map((e) => e.id), ['n2', 'n3', 'n4']);
    assert.equal(await repository.purgeNotifications(at(20_000)), 0, 'a second purge finds nothing');
    assert.equal(await repository.purgeNotifications(at(1_000_000)), 2, 'a pending entry is never purged, however old');
    assert.deepEqual((await repository.listNotifications()).map((e) => [e.id, e.status]), [['n4', 'pending']]);
    assert.deepEqual((await repository.claimDueNotifications(at(5_000), at(60_000), 10)).map((e) => e.id), ['n4']);
  }),

  check('outbox', 'a notification enqueued in a transaction that fails is not kept', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, async (tx) => {
        await tx.enqueueNotification(outboxEntry('n1', at(1_000)));
        throw new Error('the seat write failed');
      }),
    );
    assert.deepEqual(await repository.listNotifications(), []);
    assert.deepEqual(await repository.claimDueNotifications(at(5_000), at(60_000), 10), []);
  }),
];
