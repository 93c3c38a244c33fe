import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

async function setup(maxUsers = 10) {
  const repository = new InMemorySeatRepository();
  const seats = createSeatkeeper({ repository, clock: fixedClock('2026-01-01T00:00:00Z') });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  await seats.ensureSystemUsers();
  const setResponsible = (value: string | null) => repository.transaction({ areaIds: [] }, (tx) => tx.putSetting('responsiblePerson', value));
  return { seats, setResponsible };
}

describe('diagnose', () => {
  it('reads the responsible person from the "responsiblePerson" setting', async () => {
    const { seats, setResponsible } = await setup();
    expect((await seats.diagnose()).map((f) => f.code)).toEqual(['NO_RESPONSIBLE_PERSON']);
    await setResponsible('licences@example.com');
    expect(await seats.diagnose()).toEqual([]);
    await setResponsible('  ');
    expect((await seats.diagnose()).map((f) => f.code)).toEqual(['NO_RESPONSIBLE_PERSON']);
  });

  it('finds a renamed guest until it is migrated', async () => {
    const { seats, setResponsible } = await setup();
    await setResponsible('licences@example.com');
    await seats.ensureSystemUsers();
    const guest = await seats.findUserByUsername('guest');
    if (guest === null) throw new Error('guest expected');
    await seats.updateUser(guest.id, { username: 'visitor' });
    expect(await seats.diagnose()).toEqual([
      expect.objectContaining({ code: 'LEGACY_GUEST_NOT_MIGRATED', severity: 'warning', userId: guest.id, areaId: 'primary' }),
    ]);
    await seats.migrateLegacyGuest();
    expect(await seats.diagnose()).toEqual([]);
  });

  it('finds denied partner quota mistakes, over-allocation and an area over its limit', async () => {
    const { seats, setResponsible } = await setup(10);
    await setResponsible('licences@example.com');
    await seats.defineOrganization({ id: 'gone', areaId: 'primary', name: 'Gone', access: 'granted', maxUsers: 6 });
    for (let i = 0; i < 2; i++) await seats.createUser({ username: `g${i}`, areaId: 'primary', organizationId: 'gone' });
    await seats.defineOrganization({ id: 'gone', areaId: 'primary', name: 'Gone', access: 'denied', maxUsers: 6 });
    await seats.defineOrganization({ id: 'shy', areaId: 'primary', name: 'Shy', access: 'denied', maxUsers: null });
    expect((await seats.diagnose()).map((f) => [f.code, f.organizationId])).toEqual([
      ['DENIED_PARTNER_HOLDS_QUOTA', 'gone'],
      ['DENIED_PARTNER_WITHOUT_QUOTA', 'shy'],
      ['DENIED_PARTNER_HAS_ACTIVE_USERS', 'gone'],
    ]);
    await seats.setAreaLicenses('primary', 1, { reason: 'the contract shrank', allowBelowUse: true });
    expect((await seats.diagnose()).filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['AREA_OVER_LIMIT', 'AREA_OVER_ALLOCATED']);
  });
});
