import { describe, expect, it } from 'vitest';
import { ConfigurationRefusedError, createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownAreaError, type LicenseRequest, type SeatkeeperOptions } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { testNotifier } from '../support/notifier.js';

async function setup(options: Partial<SeatkeeperOptions> = {}) {
  const clock = fixedClock('2026-02-02T10:00:00.000Z');
  const notifier = testNotifier();
  let next = 0;
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock, notifier, newId: () => `id-${++next}`, ...options });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
  await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Partner Extranet', maxUsers: 8 });
  await seats.setResponsiblePerson('licences@example.com');
  const fill = async (areaId: string, n: number) => {
    for (let i = 0; i < n; i++) expect((await seats.createUser({ username: `${areaId}-${i}`, areaId })).ok).toBe(true);
  };
  const maxUsers = async (areaId: string) => (await seats.summary()).areas.find((a) => a.areaId === areaId)?.maxUsers;
  return { seats, clock, notifier, fill, maxUsers };
}

/** What a host does with a request: store or mail it as JSON, read it back later. */
const roundTrip = (request: LicenseRequest): LicenseRequest => JSON.parse(JSON.stringify(request)) as LicenseRequest;

describe('requestLicenses', () => {
  it('a purchase adds at least 5 seats: 4 is refused, 5 accepted', async () => {
    const { seats } = await setup();
    await expect(seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 4 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 })).resolves.toMatchObject({ quantity: 5 });
  });

  it('the minimum follows the minimumPurchase option', async () => {
    const { seats } = await setup({ minimumPurchase: 10 });
    await expect(seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 9 })).rejects.toThrow(/at least 10/);
    await expect(seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 10 })).resolves.toMatchObject({ maxUsersAfter: 20 });
  });

  it('returns a serialisable request with the figures and a plain-text summary, and changes nothing yet', async () => {
    const { seats, fill, maxUsers } = await setup();
    await fill('primary', 7);
    const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5, note: 'PO 4711' });
    expect(request).toEqual({
      id: expect.any(String),
      type: 'add',
      areaId: 'primary',
      areaName: 'Primary Area',
      quantity: 5,
      maxUsersBefore: 10,
      maxUsersAfter: 15,
      using: 7,
      requestedAt: '2026-02-02T10:00:00.000Z',
      note: 'PO 4711',
      summary: expect.stringContaining('Please add 5 user licenses to Primary Area (primary).'),
    });
    expect(roundTrip(request)).toEqual(request);
    expect(await maxUsers('primary')).toBe(10);
  });

  it('a move names both areas in its summary', async () => {
    const { seats } = await setup();
    const request = await seats.requestLicenses({ type: 'move', from: 'primary', to: 'extranet', quantity: 2 });
    expect(request.summary).toContain('Please move 2 user licenses from Primary Area (primary) to Partner Extranet (extranet).');
    expect(request.summary).toContain('Primary Area: 10 licenses, 0 in use; after the move: 8.');
    expect(request.summary).toContain('Partner Extranet: 8 licenses, 0 in use; after the move: 10.');
  });

  it('refuses unknown areas, a move to the same area, and a move below the source use', async () => {
    const { seats, fill } = await setup();
    await expect(seats.requestLicenses({ type: 'add', areaId: 'nowhere', quantity: 5 })).rejects.toBeInstanceOf(UnknownAreaError);
    await expect(seats.requestLicenses({ type: 'move', from: 'primary', to: 'primary', quantity: 1 })).rejects.toBeInstanceOf(InvalidInputError);
    await fill('extranet', 6);
    await expect(seats.requestLicenses({ type: 'move', from: 'extranet', to: 'primary', quantity: 3 })).rejects.toBeInstanceOf(
      ConfigurationRefusedError,
    );
    await expect(seats.requestLicenses({ type: 'move', from: 'extranet', to: 'primary', quantity: 2 })).resolves.toMatchObject({ fromUsing: 6 });
  });
});

describe('applyLicenseChange', () => {
  it('applies an approved purchase after a JSON round trip, keeps it as history, and applies it only once', async () => {
    const { seats, maxUsers, clock } = await setup();
    const request = roundTrip(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5, note: 'PO 4711' }));
    clock.advance(3_600_000);
    const first = await seats.applyLicenseChange(request);
    expect(first.applied).toBe(true);
    expect(first.areas).toEqual([expect.objectContaining({ id: 'primary', maxUsers: 15 })]);
    expect(first.changes).toEqual([
      expect.objectContaining({ requestId: request.id, type: 'add', areaId: 'primary', maxUsersBefore: 10, maxUsersAfter: 15, note: 'PO 4711' }),
    ]);
    expect(first.changes[0]?.appliedAt.toISOString()).toBe('2026-02-02T11:00:00.000Z');

    const again = await seats.applyLicenseChange(request);
    expect(again.applied).toBe(false);
    expect(again.changes).toEqual(first.changes);
    expect(await maxUsers('primary')).toBe(15);
  });

  it('two parallel applications of one request add the seats once', async () => {
    const { seats, maxUsers } = await setup();
    const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 });
    const results = await Promise.all([seats.applyLicenseChange(request), seats.applyLicenseChange(request)]);
    expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
    expect(await maxUsers('primary')).toBe(15);
  });

  it('a request applied by an earlier version (its history record, no applied mark) is not applied again', async () => {
    const repository = new InMemorySeatRepository();
    const { seats, maxUsers, clock } = await setup({ repository });
    const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 });
    const record = { id: 'old-1', requestId: request.id, type: 'add' as const, areaId: 'primary', maxUsersBefore: 10, maxUsersAfter: 15, appliedAt: clock(), note: null };
    await repository.transaction({ areaIds: ['primary'] }, async (tx) => {
      await tx.putArea({ ...(await tx.getArea('primary'))!, maxUsers: 15 });
      await tx.appendLicenseChange(record);
    });
    const again = await seats.applyLicenseChange(request);
    expect(again).toMatchObject({ applied: false, changes: [record], areas: [{ id: 'primary', maxUsers: 15 }] });
    expect(await maxUsers('primary')).toBe(15);
  });

  it('adds to the limit as it is when applied, not as it was when requested', async () => {
    const { seats, maxUsers } = await setup();
    const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 });
    await seats.setAreaLicenses('primary', 12, { reason: 'a correction' });
    await seats.applyLicenseChange(request);
    expect(await maxUsers('primary')).toBe(17);
  });

  it('validates the request again: an edited quantity below the minimum or a malformed request is refused', async () => {
    const { seats, maxUsers } = await setup();
    const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 });
    if (request.type !== 'add') throw new Error('expected a purchase request');
    await expect(seats.applyLicenseChange({ ...request, quantity: 2 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.applyLicenseChange({ ...request, requestedAt: 'soon' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.applyLicenseChange({ ...request, areaId: 'gone' })).rejects.toBeInstanceOf(UnknownAreaError);
    expect(await maxUsers('primary')).toBe(10);
    expect(await seats.licenseHistory('primary')).toHaveLength(0);
  });

  it('moves seats between two areas atomically, with one history record per area', async () => {
    const { seats, maxUsers } = await setup();
    const request = await seats.requestLicenses({ type: 'move', from: 'primary', to: 'extranet', quantity: 3 });
    const result = await seats.applyLicenseChange(roundTrip(request));
    expect(result.areas.map((a) => [a.id, a.maxUsers])).toEqual([
      ['primary', 7],
      ['extranet', 11],
    ]);
    expect(await maxUsers('primary')).toBe(7);
    expect(await maxUsers('extranet')).toBe(11);
    const history = await seats.licenseHistory();
    expect(history.map((c) => [c.type, c.areaId, c.maxUsersBefore, c.maxUsersAfter, c.requestId])).toEqual([
      ['move', 'primary', 10, 7, request.id],
      ['move', 'extranet', 8, 11, request.id],
    ]);
    expect(await seats.licenseHistory('extranet')).toHaveLength(1);
    expect((await seats.applyLicenseChange(request)).applied).toBe(false);
  });

  it('a move that became unsafe since it was requested is refused, unless it allows going over the limit', async () => {
    const { seats, fill, maxUsers } = await setup();
    const request = await seats.requestLicenses({ type: 'move', from: 'extranet', to: 'primary', quantity: 3 });
    await fill('extranet', 6);
    await expect(seats.applyLicenseChange(request)).rejects.toBeInstanceOf(ConfigurationRefusedError);
    expect(await maxUsers('extranet')).toBe(8);
    expect(await maxUsers('primary')).toBe(10);
    expect(await seats.licenseHistory()).toHaveLength(0);
  });

  it('a move allowed over the limit leaves the source exceeded and tells the responsible person', async () => {
    const { seats, fill, notifier } = await setup();
    await fill('extranet', 6);
    const request = await seats.requestLicenses({ type: 'move', from: 'extranet', to: 'primary', quantity: 3, allowOverLimit: true });
    await seats.applyLicenseChange(request);
    expect((await seats.summary()).areas.find((a) => a.areaId === 'extranet')).toMatchObject({ maxUsers: 5, using: 6, status: 'exceeded' });
    await seats.settleNotifications(); // delivery runs in the background
    expect(notifier.delivered).toHaveLength(1);
    expect(notifier.delivered[0]).toMatchObject({ areaId: 'extranet', maxUsers: 5, using: 6 });
    expect(notifier.delivered[0]?.attempted).toContain('move 3 licenses from "Partner Extranet" to "Primary Area"');
  });

  it('a purchase ends the episode: the area can grow again, and the next time it is full is a new episode', async () => {
    const { seats, fill, notifier } = await setup();
    await fill('extranet', 8);
    await seats.createUser({ username: 'refused', areaId: 'extranet' });
    await seats.settleNotifications(); // delivery runs in the background
    expect(notifier.delivered).toHaveLength(1);
    await seats.applyLicenseChange(await seats.requestLicenses({ type: 'add', areaId: 'extranet', quantity: 5 }));
    for (let i = 0; i < 5; i++) expect((await seats.createUser({ username: `new-${i}`, areaId: 'extranet' })).ok).toBe(true);
    await seats.settleNotifications();
    expect(notifier.delivered).toHaveLength(1);
    await seats.createUser({ username: 'refused-again', areaId: 'extranet' });
    await seats.settleNotifications();
    expect(notifier.delivered).toHaveLength(2);
  });

  it('the history keeps an override by setAreaLicenses as a set record with its reason; defineArea changes no limit', async () => {
    const { seats } = await setup();
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 20 });
    expect(await seats.licenseHistory('primary')).toEqual([]);
    await seats.setAreaLicenses('primary', 20, { reason: 'contract 2026-114' });
    expect(await seats.licenseHistory('primary')).toEqual([
      expect.objectContaining({ type: 'set', maxUsersBefore: 10, maxUsersAfter: 20, requestId: null, note: 'contract 2026-114' }),
    ]);
  });
});
