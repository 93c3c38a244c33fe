import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownAreaError } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

const DAY = 86_400_000;

async function setup(start = '2026-01-10T12:00:00.000Z') {
  const clock = fixedClock(start);
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 100 });
  await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Extranet', maxUsers: 20 });
  let n = 0;
  const add = async (count: number, areaId = 'primary') => {
    for (let i = 0; i < count; i++) expect((await seats.createUser({ username: `u${n++}`, areaId })).ok).toBe(true);
  };
  const blockSome = async (count: number) => {
    let blocked = 0;
    for await (const user of seats.listUsers({ areaId: 'primary', state: 'active' })) {
      if (blocked++ === count) break;
      await seats.blockUser(user.id);
    }
  };
  return { seats, clock, add, blockSome };
}

describe('recordUsageSnapshot and usageSnapshots', () => {
  it('record one snapshot per area at one moment, with seats bought, used and active', async () => {
    const { seats, add } = await setup();
    await seats.ensureSystemUsers();
    await add(3);
    await add(2, 'extranet');
    const snapshots = await seats.recordUsageSnapshot();
    const takenAt = new Date('2026-01-10T12:00:00.000Z');
    expect(snapshots).toEqual([
      { areaId: 'primary', takenAt, maxUsers: 100, using: 3, totalActiveUsers: 5 },
      { areaId: 'extranet', takenAt, maxUsers: 20, using: 2, totalActiveUsers: 2 },
    ]);
    expect(await seats.usageSnapshots({ areaId: 'extranet' })).toEqual([snapshots[1]]);
  });

  it('filter by area and an inclusive time range', async () => {
    const { seats, clock } = await setup();
    for (let i = 0; i < 3; i++) {
      await seats.recordUsageSnapshot();
      clock.advance(DAY);
    }
    const from = new Date('2026-01-11T12:00:00.000Z');
    const inRange = await seats.usageSnapshots({ areaId: 'primary', from, to: from });
    expect(inRange.map((s) => s.takenAt)).toEqual([from]);
    expect(await seats.usageSnapshots()).toHaveLength(6);
    await expect(seats.usageSnapshots({ from: 'yesterday' as unknown as Date })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('peakUsage', () => {
  it('is the high-water mark of the month, kept by every seat-taking write', async () => {
    const { seats, add, blockSome } = await setup();
    await add(5);
    await blockSome(3);
    expect((await seats.summary()).areas[0]?.using).toBe(2);
    expect(await seats.peakUsage({ areaId: 'primary' })).toEqual({ areaId: 'primary', period: '2026-01', peak: 5 });
    expect(await seats.peakUsage({ areaId: 'extranet', period: '2026-01' })).toEqual({ areaId: 'extranet', period: '2026-01', peak: 0 });
  });

  it('each month starts from the use carried over from the month before', async () => {
    const { seats, add, blockSome, clock } = await setup();
    await add(5);
    await blockSome(3); // 2 in use at the end of January

    clock.set('2026-02-15T00:00:00.000Z');
    expect((await seats.peakUsage({ areaId: 'primary' })).peak).toBe(2); // nothing happened: the 2 seats held all month so far
    await add(1);
    expect((await seats.peakUsage({ areaId: 'primary' })).peak).toBe(3);

    clock.set('2026-03-01T00:00:00.000Z');
    await blockSome(2); // 3 were in use when March began, even though the first write lowers use
    expect((await seats.summary()).areas[0]?.using).toBe(1);
    expect((await seats.peakUsage({ areaId: 'primary' })).peak).toBe(3);

    expect((await seats.peakUsage({ areaId: 'primary', period: '2026-01' })).peak).toBe(5);
    expect((await seats.peakUsage({ areaId: 'primary', period: '2026-02' })).peak).toBe(3);
  });

  it('counts snapshots too, so a quiet month is known from its snapshots', async () => {
    const { seats, add, clock } = await setup();
    await add(4);
    clock.set('2026-04-30T23:59:59.999Z');
    await seats.recordUsageSnapshot();
    clock.set('2026-05-01T00:00:00.000Z');
    await seats.recordUsageSnapshot();
    clock.set('2026-06-01T00:00:00.000Z');
    expect(await seats.peakUsage({ areaId: 'primary', period: '2026-04' })).toMatchObject({ peak: 4 });
    expect(await seats.peakUsage({ areaId: 'primary', period: '2026-05' })).toMatchObject({ peak: 4 });
    expect(await seats.peakUsage({ areaId: 'primary', period: '2026-03' })).toMatchObject({ peak: null });
  });

  it('validates the area and the period', async () => {
    const { seats } = await setup();
    await expect(seats.peakUsage({ areaId: 'nowhere' })).rejects.toBeInstanceOf(UnknownAreaError);
    await expect(seats.peakUsage({ areaId: 'primary', period: '2026-13' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.peakUsage({ areaId: 'primary', period: '2026-1' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('forecast', () => {
  it('forecasts from the recorded snapshots, from now, with the configured minimum purchase', async () => {
    const { seats, add, clock } = await setup('2026-01-01T00:00:00.000Z');
    // Ten seats a day for five days in a 100-seat pool: 0, 10, 20, 30, 40.
    for (let i = 0; i < 5; i++) {
      await seats.recordUsageSnapshot();
      await add(10);
      clock.advance(DAY);
    }
    // now: day 5 (50 in use, not snapshotted); runs out on day 10
    const f = await seats.forecast({ areaId: 'primary', horizon: { days: 10 } });
    expect(f.seatsPerDay).toBeCloseTo(10, 10);
    expect(f.exhaustsAt).toEqual(new Date('2026-01-11T00:00:00.000Z'));
    expect(f.horizonEnd).toEqual(new Date('2026-01-16T00:00:00.000Z'));
    expect(f).toMatchObject({ projectedUsing: 150, seatsShort: 50, suggestedPurchase: 50 });
  });

  it('refuses to forecast without two snapshots', async () => {
    const { seats } = await setup();
    await seats.recordUsageSnapshot();
    await expect(seats.forecast({ areaId: 'primary', horizon: { months: 3 } })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
