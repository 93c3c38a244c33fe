import assert from 'node:assert/strict';
import type { AuditEvent } from '../../core/audit.js';
import type { AuditEventFilter, SeatRepository } from '../../ports/repository.js';
import { check, type SeatRepositoryCheck } from '../check.js';
import { area, at, seed } from '../fixtures.js';

/** A user event, with its fields on both sides. */
function event(id: string, ms: number, changes: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id,
    at: at(ms),
    actor: { id: 'admin-7', name: 'Ada Admin' },
    action: 'user.updated',
    subject: { type: 'user', id: 'u1' },
    userId: 'u1',
    areaId: 'a',
    before: { username: 'ann', email: 'ann@example.com', displayName: 'Ann', state: 'active' },
    after: { username: 'anne', email: 'anne@example.com', displayName: null, state: 'blocked' },
    ...changes,
  };
}

/** Every event matching `filter`, read page by page, with the number of pages. */
async function readAll(repository: SeatRepository, filter: AuditEventFilter, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after = null;
  let pages = 0;
  do {
    const page = await repository.listAuditEvents(filter, { after, limit });
    pages++;
    assert.ok(page.events.length <= limit, `a page holds at most ${limit} events`);
    ids.push(...page.events.map((e) => e.id));
    after = page.next;
    assert.ok(pages < 100, 'paging must end');
  } while (after !== null);
  return { ids, pages };
}

/** The trail of the checks below: users u1 and u2 in areas a and b, an area event, a setting event. */
const trail = (): AuditEvent[] => [
  event('e1', 1_000),
  event('e2', 2_000, { userId: 'u2', subject: { type: 'user', id: 'u2' }, areaId: 'b' }),
  // Two events of the same instant: ordered by id.
  event('e3', 3_000),
  event('e4', 3_000, { action: 'area.updated', subject: { type: 'area', id: 'a' }, userId: null, before: { name: 'A' }, after: { name: 'Area A' } }),
  event('e5', 4_000, { action: 'setting.changed', subject: { type: 'setting', id: 'responsible-person' }, userId: null, areaId: null, before: {}, after: { email: 'x@example.com' } }),
  event('e6', 5_000, { actor: { id: 'seatkeeper', name: null }, action: 'user.created', before: null }),
];

async function seedTrail(repository: SeatRepository): Promise<void> {
  await seed(repository, { areas: [area('a'), area('b')] });
  // Appended out of time order, over two transactions: listing orders them.
  const [e1, e2, e3, e4, e5, e6] = trail() as [AuditEvent, AuditEvent, AuditEvent, AuditEvent, AuditEvent, AuditEvent];
  await repository.transaction({ areaIds: ['a', 'b'] }, (tx) => tx.appendAuditEvents([e4, e1, e6]));
  await repository.transaction({ areaIds: ['a', 'b'] }, (tx) => tx.appendAuditEvents([e3, e5, e2]));
}

/** The audit trail: appended with the transaction, listed newest first by keyset, redacted, purged. */
export const auditChecks: readonly SeatRepositoryCheck[] = [
  check('audit', 'events are listed newest first (time, then id, descending), as written', async (repository) => {
    await seedTrail(repository);
    const page = await repository.listAuditEvents({}, { after: null, limit: 100 });
    assert.deepEqual(page.events, [...trail()].reverse());
    assert.equal(page.next, null, 'no event follows the last page');
  }),

  check('audit', 'events are filtered by user, by area, and by time (since inclusive, until exclusive)', async (repository) => {
    await seedTrail(repository);
    const ids = async (filter: AuditEventFilter) => (await repository.listAuditEvents(filter, { after: null, limit: 100 })).events.map((e) => e.id);
    assert.deepEqual(await ids({ userId: 'u1' }), ['e6', 'e3', 'e1']);
    assert.deepEqual(await ids({ userId: 'u2' }), ['e2']);
    assert.deepEqual(await ids({ areaId: 'a' }), ['e6', 'e4', 'e3', 'e1']);
    assert.deepEqual(await ids({ areaId: 'b' }), ['e2']);
    assert.deepEqual(await ids({ userId: 'u1', areaId: 'b' }), []);
    assert.deepEqual(await ids({ since: at(3_000) }), ['e6', 'e5', 'e4', 'e3']);
    assert.deepEqual(await ids({ until: at(3_000) }), ['e2', 'e1']);
    assert.deepEqual(await ids({ since: at(2_000), until: at(4_000) }), ['e4', 'e3', 'e2']);
    assert.deepEqual(await ids({ areaId: 'a', since: at(1_001), until: at(5_000) }), ['e4', 'e3']);
    assert.deepEqual(await ids({ userId: 'nobody' }), []);
  }),

  check('audit', 'a page continues after its cursor, with next null exactly when no event follows', async (repository) => {
    await seedTrail(repository);
    const first = await repository.listAuditEvents({}, { after: null, limit: 2 });
    assert.deepEqual(first.events.map((e) => e.id), ['e6', 'e5']);
    assert.deepEqual(first.next, { at: at(4_000), id: 'e5' });
    const second = await repository.listAuditEvents({}, { after: first.next, limit: 2 });
    assert.deepEqual(second.events.map((e) => e.id), ['e4', 'e3'], 'the cursor splits two events of the same instant by id');
    for (const limit of [1, 2, 3, 6, 7]) {
      const all = await readAll(repository, {}, limit);
      assert.deepEqual(all.ids, ['e6', 'e5', 'e4', 'e3', 'e2', 'e1'], `pages of ${limit}`);
      assert.equal(all.pages, Math.max(1, Math.ceil(6 / limit)), `pages of ${limit}: no empty last page`);
    }
    const filtered = await readAll(repository, { areaId: 'a' }, 2);
    assert.deepEqual(filtered, { ids: ['e6', 'e4', 'e3', 'e1'], pages: 2 });
  }),

  check('audit', 'events appended in a transaction that throws are not kept', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, async (tx) => {
        await tx.appendAuditEvents([event('e1', 1_000)]);
        throw new Error('work failed');
      }),
      /work failed/,
    );
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.appendAuditEvents([]));
    assert.deepEqual((await repository.listAuditEvents({}, { after: null, limit: 10 })).events, []);
  }),

  check('audit', "redacting a user's events removes username, email and display name from them only, events appended in the same transaction included", async (repository) => {
    await seedTrail(repository);
    const deleted = event('e7', 6_000, { action: 'user.deleted', before: { username: 'anne', email: 'anne@example.com', areaId: 'a', state: 'blocked' }, after: null });
    await repository.transaction({ areaIds: ['a'] }, async (tx) => {
      await tx.appendAuditEvents([deleted]);
      await tx.redactAuditEvents('u1');
    });
    const byId = new Map((await repository.listAuditEvents({}, { after: null, limit: 100 })).events.map((e) => [e.id, e]));
    assert.deepEqual(byId.get('e1'), event('e1', 1_000, { before: { state: 'active' }, after: { state: 'blocked' } }), 'the event keeps its ids and other fields');
    assert.deepEqual(byId.get('e6'), event('e6', 5_000, { actor: { id: 'seatkeeper', name: null }, action: 'user.created', before: null, after: { state: 'blocked' } }));
    assert.deepEqual(byId.get('e7'), { ...deleted, before: { areaId: 'a', state: 'blocked' } });
    const other = trail()[1] as AuditEvent;
    assert.deepEqual(byId.get('e2'), other, "another user's events are left alone");
  }),

  check('audit', 'a redaction in a transaction that throws is not kept', async (repository) => {
    await seedTrail(repository);
    await assert.rejects(
      repository.transaction({ areaIds: ['a'] }, async (tx) => {
        await tx.redactAuditEvents('u1');
        throw new Error('work failed');
      }),
      /work failed/,
    );
    assert.deepEqual((await repository.listAuditEvents({ userId: 'u1' }, { after: null, limit: 10 })).events.at(-1), trail()[0]);
  }),

  check('audit', 'purging deletes the events strictly before the time and says how many', async (repository) => {
    await seedTrail(repository);
    assert.equal(await repository.purgeAuditEvents(at(1_000)), 0, 'an event at the time itself stays');
    assert.equal(await repository.purgeAuditEvents(at(3_000)), 2);
    assert.deepEqual((await readAll(repository, {}, 2)).ids, ['e6', 'e5', 'e4', 'e3']);
    assert.deepEqual((await readAll(repository, { userId: 'u2' }, 2)).ids, []);
    assert.deepEqual((await readAll(repository, { areaId: 'a' }, 2)).ids, ['e6', 'e4', 'e3']);
    assert.equal(await repository.purgeAuditEvents(at(1_000_000)), 4);
    assert.deepEqual((await repository.listAuditEvents({}, { after: null, limit: 10 })).events, []);
  }),

  check('audit', 'events are values: changing one passed in or handed out never changes storage', async (repository) => {
    await seed(repository, { areas: [area('a')] });
    const written = event('e1', 1_000);
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.appendAuditEvents([written]));
    (written.at as Date).setFullYear(1999);
    (written.before as Record<string, unknown>)['username'] = 'scribbled';
    const [read] = (await repository.listAuditEvents({}, { after: null, limit: 1 })).events;
    assert.deepEqual(read, event('e1', 1_000));
    (read?.actor as { id: string }).id = 'scribbled';
    assert.deepEqual((await repository.listAuditEvents({}, { after: null, limit: 1 })).events, [event('e1', 1_000)]);
  }),
];
