import { describe, expect, it } from 'vitest';
import { importPeopleCsv } from '../../src/csv/index.js';
import { createSeatkeeper, InMemorySeatRepository, type LicenseNotification } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

async function site(maxUsers: number) {
  const sent: LicenseNotification[] = [];
  const seats = createSeatkeeper({
    repository: new InMemorySeatRepository(),
    clock: fixedClock('2026-05-04T08:00:00Z'),
    notifier: { send: async (n) => void sent.push(n) },
  });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  await seats.setResponsiblePerson('licences@example.com');
  return { seats, sent };
}

const csv = 'Username,Email\nann,ann@example.com\nbob,bob@example.com\ncy,cy@example.com\n';

describe('a CSV upload at the license limit tells the responsible person', () => {
  it('all-or-nothing: refused, nothing written, and the responsible person is told the limit was exceeded', async () => {
    const { seats, sent } = await site(2);
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary' });
    expect(report.written).toBe(false);
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 0, users: 0 });
    await seats.settleNotifications(); // delivery runs in the background
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'license-limit-exceeded', to: 'licences@example.com', areaId: 'primary', maxUsers: 2 });
  });

  it('best-effort: creates what fits, refuses the rest, and tells the responsible person once', async () => {
    const { seats, sent } = await site(2);
    await importPeopleCsv(seats, csv, { areaId: 'primary', mode: 'best-effort' });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 2 });
    expect(await seats.findUserByUsername('cy')).toBeNull();
    await seats.settleNotifications();
    expect(sent.map((n) => n.type)).toEqual(['license-limit-exceeded']);
  });

  it('an upload that fits exactly is not an excess: nobody is told', async () => {
    const { seats, sent } = await site(3);
    await importPeopleCsv(seats, csv, { areaId: 'primary' });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 3, status: 'exhausted' });
    await seats.settleNotifications();
    expect(sent).toEqual([]);
  });
});
