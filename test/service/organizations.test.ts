import { describe, expect, it } from 'vitest';
import { ConfigurationRefusedError, createSeatkeeper, InMemorySeatRepository, InvalidInputError, UnknownAreaError, UnknownOrganizationError, type OrganizationInput } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';

async function setup(maxUsers = 10) {
  const clock = fixedClock('2026-01-01T00:00:00Z');
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 20 });
  return { seats, clock };
}

const org = (input: Partial<OrganizationInput> & Pick<OrganizationInput, 'id' | 'maxUsers'>): OrganizationInput => ({
  areaId: 'primary',
  name: input.id.toUpperCase(),
  access: 'granted',
  ...input,
});

async function users(seats: Awaited<ReturnType<typeof setup>>['seats'], prefix: string, n: number, organizationId: string | null) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await seats.createUser({ username: `${prefix}${i}`, areaId: 'primary', organizationId }));
  return results;
}

describe('defineOrganization', () => {
  it('creates a partner organization, then updates it keeping its creation time', async () => {
    const { seats, clock } = await setup();
    const created = await seats.defineOrganization(org({ id: 'acme', name: 'Acme', maxUsers: 4 }));
    expect(created).toEqual({
      id: 'acme',
      areaId: 'primary',
      name: 'Acme',
      access: 'granted',
      maxUsers: 4,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    });
    clock.advance(60_000);
    const updated = await seats.defineOrganization(org({ id: 'acme', name: 'Acme Ltd', access: 'denied', maxUsers: 0 }));
    expect(updated).toMatchObject({ name: 'Acme Ltd', access: 'denied', maxUsers: 0, createdAt: created.createdAt, updatedAt: new Date('2026-01-01T00:01:00Z') });
    expect(await seats.getOrganization('acme')).toEqual(updated);
  });

  it('rejects malformed input and unknown areas, writing nothing', async () => {
    const { seats } = await setup();
    await expect(seats.defineOrganization(org({ id: 'acme', maxUsers: -1 }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.defineOrganization(org({ id: 'acme', maxUsers: 1.5 }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.defineOrganization({ ...org({ id: 'acme', maxUsers: 1 }), access: 'maybe' } as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.defineOrganization({ ...org({ id: 'acme', maxUsers: 1 }), extra: 1 } as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(seats.defineOrganization(org({ id: 'acme', maxUsers: 1, areaId: 'nope' }))).rejects.toBeInstanceOf(UnknownAreaError);
    expect(await seats.listOrganizations()).toEqual([]);
  });

  it('refuses a quota that over-allocates the area, and writes nothing', async () => {
    const { seats } = await setup(10);
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 6 }));
    await seats.defineOrganization(org({ id: 'beta', maxUsers: 4 }));
    const refusal = seats.defineOrganization(org({ id: 'gamma', maxUsers: 1 }));
    await expect(refusal).rejects.toBeInstanceOf(ConfigurationRefusedError);
    await expect(refusal).rejects.toMatchObject({ code: 'CONFIGURATION_REFUSED', message: expect.stringMatching(/allocate 11 of Primary Area's 10 seats/) });
    expect(await seats.getOrganization('gamma')).toBeNull();
  });

  it('a denied partner\'s quota still counts when another quota is set', async () => {
    const { seats } = await setup(10);
    await seats.defineOrganization(org({ id: 'gone', access: 'denied', maxUsers: 6 }));
    await expect(seats.defineOrganization(org({ id: 'acme', maxUsers: 5 }))).rejects.toBeInstanceOf(ConfigurationRefusedError);
    await seats.defineOrganization(org({ id: 'gone', access: 'denied', maxUsers: 0 }));
    await expect(seats.defineOrganization(org({ id: 'acme', maxUsers: 10 }))).resolves.toMatchObject({ maxUsers: 10 });
  });

  it('allowOverLimit over-allocates; the summary then shows allocated above the seats and no unallocated seat', async () => {
    const { seats } = await setup(10);
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 8 }));
    await seats.defineOrganization(org({ id: 'beta', maxUsers: 5, allowOverLimit: true }));
    expect((await seats.summary()).areas[0]).toMatchObject({ maxUsers: 10, allocated: 13, unallocatedRemaining: 0 });
    expect(await seats.createUser({ username: 'host', areaId: 'primary' })).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
  });

  it('refuses a quota below the partner\'s use unless allowed; its users keep their seats and it gets no new one', async () => {
    const { seats } = await setup(10);
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 5 }));
    await users(seats, 'a', 3, 'acme');
    await expect(seats.defineOrganization(org({ id: 'acme', maxUsers: 2 }))).rejects.toMatchObject({
      code: 'CONFIGURATION_REFUSED',
      message: expect.stringMatching(/already uses 3 seat\(s\); a Maximum Users of 2 would put it 1 below its use/),
    });
    await expect(seats.defineOrganization(org({ id: 'acme', maxUsers: 3 }))).resolves.toMatchObject({ maxUsers: 3 });
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 2, allowOverLimit: true }));
    const area = (await seats.summary()).areas[0];
    expect(area).toMatchObject({ using: 3, allocated: 2, unallocatedRemaining: 7 });
    expect(area?.organizations[0]).toMatchObject({ using: 3, remaining: 0, status: 'exceeded' });
    expect(await seats.createUser({ username: 'a9', areaId: 'primary', organizationId: 'acme' })).toMatchObject({
      ok: false,
      reason: { code: 'PARTNER_QUOTA_REACHED', organizationId: 'acme', maxUsers: 2, using: 3 },
    });
  });

  it('organization ids are unique site-wide: defining one in another area moves it while it has no users', async () => {
    const { seats } = await setup();
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 2 }));
    await seats.defineOrganization(org({ id: 'acme', areaId: 'x', maxUsers: 2 }));
    expect(await seats.listOrganizations('primary')).toEqual([]);
    expect((await seats.listOrganizations('x')).map((o) => o.id)).toEqual(['acme']);
    expect((await seats.summary()).areas.map((a) => [a.areaId, a.allocated])).toEqual([
      ['primary', 0],
      ['x', 2],
    ]);
  });

  it('an organization with users, even blocked ones, cannot move to another area', async () => {
    const { seats } = await setup();
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 2 }));
    const [r] = await users(seats, 'a', 1, 'acme');
    if (!r?.ok) throw new Error('expected a seat');
    await seats.blockUser(r.user.id);
    await expect(seats.defineOrganization(org({ id: 'acme', areaId: 'x', maxUsers: 2, allowOverLimit: true }))).rejects.toMatchObject({
      code: 'CONFIGURATION_REFUSED',
      message: expect.stringMatching(/still has 1 user profile\(s\) in area "primary"/),
    });
    expect((await seats.getOrganization('acme'))?.areaId).toBe('primary');
  });

  it('a user cannot join an organization of another area', async () => {
    const { seats } = await setup();
    await seats.defineOrganization(org({ id: 'acme', areaId: 'x', maxUsers: 2 }));
    await expect(seats.createUser({ username: 'a', areaId: 'primary', organizationId: 'acme' })).rejects.toBeInstanceOf(UnknownOrganizationError);
  });

  it('lists organizations by name, per area or all', async () => {
    const { seats } = await setup();
    await seats.defineOrganization(org({ id: 'z', name: 'Zeta', maxUsers: null }));
    await seats.defineOrganization(org({ id: 'a', name: 'Alpha', maxUsers: null }));
    await seats.defineOrganization(org({ id: 'm', name: 'Mu', areaId: 'x', maxUsers: null }));
    expect((await seats.listOrganizations()).map((o) => o.name)).toEqual(['Alpha', 'Mu', 'Zeta']);
    expect((await seats.listOrganizations('primary')).map((o) => o.name)).toEqual(['Alpha', 'Zeta']);
    expect(await seats.getOrganization('nope')).toBeNull();
  });

  it('parallel quota changes never over-allocate the area', async () => {
    const { seats } = await setup(10);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => seats.defineOrganization(org({ id: `p${i}`, maxUsers: 3 }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConfigurationRefusedError)).toHaveLength(17);
    expect((await seats.summary()).areas[0]?.allocated).toBe(9);
  });
});

describe('seats with partner organizations', () => {
  it('a partner gets seats up to its quota exactly, in parallel too', async () => {
    const { seats } = await setup(100);
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 5 }));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => seats.createUser({ username: `a${i}`, areaId: 'primary', organizationId: 'acme' })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason.code === 'PARTNER_QUOTA_REACHED')).toHaveLength(25);
  });

  it('the host company is refused LICENSE_LIMIT_REACHED when only seats set aside by quotas are left', async () => {
    const { seats } = await setup(10);
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 4 }));
    expect((await users(seats, 'h', 6, null)).every((r) => r.ok)).toBe(true);
    const r = await seats.createUser({ username: 'h6', areaId: 'primary' });
    expect(r).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED', maxUsers: 10, using: 6 } });
    expect((await seats.summary()).areas[0]).toMatchObject({ remaining: 4, allocated: 4, unallocatedRemaining: 0 });
    expect(await seats.createUser({ username: 'a0', areaId: 'primary', organizationId: 'acme' })).toMatchObject({ ok: true });
  });

  it('denying a partner blocks nobody, but refuses its new and reinstated seats with PARTNER_ACCESS_DENIED', async () => {
    const { seats } = await setup(10);
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 5 }));
    const [a0, a1] = await users(seats, 'a', 2, 'acme');
    if (!a0?.ok || !a1?.ok) throw new Error('expected seats');
    await seats.blockUser(a1.user.id);
    await seats.defineOrganization(org({ id: 'acme', access: 'denied', maxUsers: 5 }));
    expect((await seats.getUser(a0.user.id))?.state).toBe('active');
    expect((await seats.summary()).areas[0]?.organizations[0]).toMatchObject({ access: 'denied', using: 1 });
    expect(await seats.createUser({ username: 'a2', areaId: 'primary', organizationId: 'acme' })).toMatchObject({
      ok: false,
      reason: { code: 'PARTNER_ACCESS_DENIED', organizationId: 'acme' },
    });
    expect(await seats.reinstateUser(a1.user.id)).toMatchObject({ ok: false, reason: { code: 'PARTNER_ACCESS_DENIED' } });
    await seats.defineOrganization(org({ id: 'acme', maxUsers: 5 }));
    expect(await seats.reinstateUser(a1.user.id)).toMatchObject({ ok: true });
  });

  it('summary carries per-organization figures and the area allocation', async () => {
    const { seats } = await setup(20);
    await seats.defineOrganization(org({ id: 'acme', name: 'Acme', maxUsers: 5 }));
    await seats.defineOrganization(org({ id: 'gone', name: 'Gone', access: 'denied', maxUsers: 3 }));
    await seats.defineOrganization(org({ id: 'beta', name: 'Beta', maxUsers: null }));
    await users(seats, 'a', 4, 'acme');
    await users(seats, 'b', 2, 'beta');
    await users(seats, 'h', 3, null);
    const area = (await seats.summary()).areas[0];
    expect(area).toMatchObject({ using: 9, remaining: 11, allocated: 8, unallocatedRemaining: 20 - 8 - 5 });
    expect(Object.fromEntries((area?.organizations ?? []).map((o) => [o.organizationId, [o.users, o.using, o.remaining, o.usingRatio, o.status]]))).toEqual({
      acme: [4, 4, 1, 0.8, 'ok'],
      gone: [0, 0, 0, 0, 'exhausted'], // denied: it can get no seat, whatever its quota says
      beta: [2, 2, null, null, null],
    });
  });
});
