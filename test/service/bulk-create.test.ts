import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownAreaError, UnknownOrganizationError, type SeatTransaction, type TransactionScope } from '../../src/index.js';
import { areasApi } from '../../src/service/areas.js';
import { bulkCreateApi } from '../../src/service/bulk-create.js';
import type { SeatEvent, ServiceContext } from '../../src/service/context.js';
import { fixedClock } from '../support/clock.js';
import { makeSite } from '../support/site.js';

const usernames = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => ({ username: `${prefix}${i + 1}`, areaId: 'primary' }));

describe('createUsers', () => {
  it('all-or-nothing creates every entry when all fit, blocked entries blocked by an admin and seatless', async () => {
    const { seats } = await makeSite({ maxUsers: 2 });
    const report = await seats.createUsers(
      [
        { username: 'alice', areaId: 'primary', email: 'alice@example.com' },
        { username: 'bob', areaId: 'primary', state: 'blocked' },
        { username: 'carol', areaId: 'primary', displayName: 'Carol' },
      ],
      { source: 'csv', blockedBy: 'admin-7' },
    );
    expect(report).toMatchObject({ mode: 'all-or-nothing', dryRun: false, written: true, created: 3, shortages: [] });
    expect(report.results.every((r) => r.ok)).toBe(true);
    expect(await seats.findUserByUsername('alice')).toMatchObject({ state: 'active', source: 'csv', email: 'alice@example.com', kind: 'licensed' });
    expect(await seats.findUserByUsername('bob')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-7', source: 'csv' });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 2, blocked: 1, users: 3 });
  });

  it('all-or-nothing writes nothing when one entry is short of a seat, and reports the shortage', async () => {
    const { seats } = await makeSite({ maxUsers: 10 });
    await seats.createUsers(usernames(8, 'old'));
    const report = await seats.createUsers(usernames(5));
    expect(report).toMatchObject({ written: false, created: 0 });
    expect(report.results.map((r) => r.ok)).toEqual([true, true, false, false, false]);
    expect(report.results[2]).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', areaId: 'primary', maxUsers: 10, using: 10 } });
    expect(report.shortages).toMatchObject([{ areaId: 'primary', needed: 5, short: 3, smallestPurchase: 5 }]);
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 8, users: 8 });
    expect(await seats.findUserByUsername('u1')).toBeNull();
  });

  it('the smallest purchase follows the minimumPurchase option', async () => {
    const { seats } = await makeSite({ maxUsers: 10, minimumPurchase: 2 });
    await seats.createUsers(usernames(8, 'old'));
    expect((await seats.createUsers(usernames(5))).shortages).toMatchObject([{ short: 3, smallestPurchase: 3 }]);
    expect((await seats.createUsers(usernames(3))).shortages).toMatchObject([{ short: 1, smallestPurchase: 2 }]);
  });

  it('best-effort creates entries in order until seats run out and refuses the rest with reasons', async () => {
    const { seats } = await makeSite({ maxUsers: 3 });
    const report = await seats.createUsers([...usernames(4), { username: 'late-blocked', areaId: 'primary', state: 'blocked' }], { mode: 'best-effort' });
    expect(report).toMatchObject({ mode: 'best-effort', written: true, created: 4 });
    expect(report.results.map((r) => (r.ok ? r.user.username : r.reason.code))).toEqual(['u1', 'u2', 'u3', 'LICENSE_LIMIT_REACHED', 'late-blocked']);
    expect(report.shortages).toMatchObject([{ short: 1 }]);
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 3, blocked: 1 });
  });

  it('a username already taken, ignoring case, makes all-or-nothing write nothing', async () => {
    const { seats } = await makeSite();
    await seats.createUser({ username: 'Alice', areaId: 'primary' });
    const report = await seats.createUsers([{ username: 'bob', areaId: 'primary' }, { username: 'ALICE', areaId: 'primary' }]);
    expect(report.written).toBe(false);
    expect(report.results[1]).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
    expect(report.shortages).toEqual([]);
    expect(await seats.findUserByUsername('bob')).toBeNull();
  });

  it('a dry run decides and reports but writes nothing', async () => {
    const { seats } = await makeSite({ maxUsers: 5 });
    const report = await seats.createUsers(usernames(3), { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, written: false, created: 0 });
    expect(report.results[0]).toMatchObject({ ok: true, user: { username: 'u1', state: 'active' } });
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('an empty batch writes nothing and reports nothing', async () => {
    const { seats } = await makeSite();
    expect(await seats.createUsers([])).toEqual({ mode: 'all-or-nothing', dryRun: false, written: false, created: 0, results: [], shortages: [] });
  });

  it('throws typed errors for malformed entries and unknown areas or organizations, writing nothing', async () => {
    const { seats } = await makeSite({ partners: [{ id: 'acme', areaId: 'primary' }], extranet: 5 });
    await expect(seats.createUsers([{ username: 'a', areaId: 'primary', email: 'nope' }])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.createUsers([{ username: 'a', areaId: 'primary' }], { mode: 'sometimes' as never })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.createUsers([{ username: 'a', areaId: 'primary' }, { username: 'b', areaId: 'mars' }])).rejects.toBeInstanceOf(UnknownAreaError);
    await expect(seats.createUsers([{ username: 'a', areaId: 'extranet', organizationId: 'acme' }])).rejects.toBeInstanceOf(UnknownOrganizationError);
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('reports every malformed entry by index and field, however many valid entries come first', async () => {
    const { seats } = await makeSite();
    const entries = [...usernames(3), { username: ' ', areaId: 'primary', email: 'nope' }, { username: 'x', areaId: 'primary', role: 'admin' }];
    const error = await seats.createUsers(entries as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([
      ['3.username', 'too_small'],
      ['3.email', 'invalid_format'],
      ['4', 'unrecognized_keys'],
    ]);
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('accepts valid entries that are not plain objects, trimming them as for plain ones', async () => {
    const { seats } = await makeSite();
    class Entry {
      constructor(
        readonly username: string,
        readonly areaId: string,
      ) {}
    }
    const report = await seats.createUsers([{ username: ' ann ', areaId: 'primary' }, new Entry(' bob ', ' primary ')]);
    expect(report.results.map((r) => r.ok && [r.user.username, r.user.areaId])).toEqual([
      ['ann', 'primary'],
      ['bob', 'primary'],
    ]);
  });

  it('gives every user of a batch the same creation instant: one clock reading for one atomic step', async () => {
    const repository = new InMemorySeatRepository();
    let reads = 0;
    const start = Date.parse('2026-03-01T09:30:00.000Z');
    const seats = createSeatkeeper({ repository, clock: () => new Date(start + 1_000 * reads++) });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
    const report = await seats.createUsers([...usernames(3), { username: 'blocked', areaId: 'primary', state: 'blocked' }]);
    const times = report.results.flatMap((r) => (r.ok ? [r.user.createdAt.getTime(), r.user.updatedAt.getTime(), r.user.blockedAt?.getTime() ?? null] : []));
    const created = report.results[0]?.ok ? report.results[0].user.createdAt.getTime() : Number.NaN;
    expect(new Set(times)).toEqual(new Set([created, null]));
    expect(await seats.findUserByUsername('blocked')).toMatchObject({ blockedAt: new Date(created), blockReason: 'admin' });
  });

  it('never oversells when single creations race with a batch', async () => {
    const { seats } = await makeSite({ maxUsers: 10 });
    const [batch, ...singles] = await Promise.all([
      seats.createUsers(usernames(6, 'batch')),
      ...Array.from({ length: 8 }, (_, i) => seats.createUser({ username: `single${i}`, areaId: 'primary' })),
    ]);
    const using = (await seats.summary()).areas[0]?.using;
    expect(using).toBeLessThanOrEqual(10);
    const singlesCreated = singles.filter((r) => r.ok).length;
    expect(using).toBe(singlesCreated + (batch?.written ? 6 : 0));
  });

  it('tells the seat watch inside the transaction: the refusal per refused area, the write per written area; nothing in a dry run', async () => {
    const events: { areaId: string; event: SeatEvent }[] = [];
    const repository = new InMemorySeatRepository();
    const context: ServiceContext = {
      repository,
      clock: fixedClock('2026-01-01T00:00:00Z'),
      notifier: undefined,
      newId: (() => {
        let n = 0;
        return () => `id-${++n}`;
      })(),
      options: { warningPercent: 5, minimumPurchase: 5 },
      watch: {
        async observe(_tx, areaId, event) {
          events.push({ areaId, event });
        },
        async afterCommit() {},
      },
    };
    await areasApi(context).defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 1 });
    await areasApi(context).defineArea({ id: 'extranet', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
    const api = bulkCreateApi(context);
    events.length = 0;

    await api.createUsers([{ username: 'a', areaId: 'primary' }, { username: 'b', areaId: 'primary' }, { username: 'x', areaId: 'extranet' }], { mode: 'best-effort', source: 'csv' });
    expect(events).toEqual([
      { areaId: 'primary', event: { attempted: 'CSV import of 3 users', refusal: expect.objectContaining({ code: 'LICENSE_LIMIT_REACHED', areaId: 'primary' }) } },
      { areaId: 'extranet', event: { attempted: 'CSV import of 3 users' } },
    ]);

    events.length = 0;
    await api.createUsers([{ username: 'c', areaId: 'primary' }], { dryRun: true });
    expect(events).toEqual([]);

    // Nothing written: the watch hears of the whole batch's shortage, with the area's figures as they are.
    await api.createUsers([{ username: 'd', areaId: 'primary' }]);
    expect(events).toEqual([
      {
        areaId: 'primary',
        event: {
          attempted: 'bulk creation of 1 user',
          refusal: expect.objectContaining({ code: 'LICENSE_LIMIT_REACHED', maxUsers: 1, using: 1 }),
          wanted: { seats: 1, short: 1 },
        },
      },
    ]);
  });

  it('decides again when another area took a username before the batch committed', async () => {
    let interfere: (() => Promise<void>) | undefined;
    class InterferingRepository extends InMemorySeatRepository {
      override transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
        return super.transaction(scope, async (tx) => {
          const result = await work(tx);
          const hook = scope.areaIds.includes('primary') ? interfere : undefined;
          interfere = undefined;
          await hook?.();
          return result;
        });
      }
    }
    const repository = new InterferingRepository();
    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
    await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Extranet', maxUsers: 10 });
    interfere = async () => {
      expect((await seats.createUser({ username: 'clash', areaId: 'extranet' })).ok).toBe(true);
    };
    const report = await seats.createUsers([{ username: 'fine', areaId: 'primary' }, { username: 'clash', areaId: 'primary' }], { mode: 'best-effort' });
    expect(report.results.map((r) => (r.ok ? 'ok' : r.reason.code))).toEqual(['ok', 'USERNAME_TAKEN']);
    expect((await seats.findUserByUsername('clash'))?.areaId).toBe('extranet');
    expect((await seats.findUserByUsername('fine'))?.areaId).toBe('primary');
  });
});
