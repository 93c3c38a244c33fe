import { afterEach, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import {
  createSeatkeeper,
  InvalidInputError,
  type AuditEvent,
  type AuditLogOptions,
  type Seatkeeper,
  type SeatRepository,
} from '../../src/index.js';
import { exportAuditCsv, importPeopleCsv } from '../../src/csv/index.js';
import { createScimHandler } from '../../src/scim/index.js';
import { BASE, scimClient, TOKEN } from '../scim/client.js';
import { fixedClock, type FakeClock } from '../support/clock.js';

/** A fresh, empty repository and how to dispose of it. */
export interface AuditFixture {
  readonly repository: SeatRepository;
  readonly dispose: () => Promise<void>;
}

const admin = { id: 'admin-7', name: 'Ada Admin' } as const;

/**
 * Who did what: every write records its events in its own transaction, on any
 * repository: in memory (audit-trail.test.ts) and on PostgreSQL
 * (audit-trail-postgres.test.ts).
 */
export function describeAuditTrailScenarios(name: string, makeRepository: () => Promise<AuditFixture>): void {
  describe(`the audit trail on ${name}`, () => {
    const fixtures: AuditFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    async function site(maxUsers = 10): Promise<{ seats: Seatkeeper; clock: FakeClock; repository: SeatRepository }> {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock = fixedClock('2026-03-01T09:00:00Z');
      const seats = createSeatkeeper({ repository: fixture.repository, clock });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers }, { actor: admin });
      return { seats, clock, repository: fixture.repository };
    }

    /** Every event matching the options, newest first, read page by page. */
    async function trail(seats: Seatkeeper, options: AuditLogOptions = {}): Promise<AuditEvent[]> {
      const events: AuditEvent[] = [];
      let after: string | null = null;
      do {
        const page = await seats.auditLog({ ...options, limit: 3, ...(after === null ? {} : { after }) });
        events.push(...page.events);
        after = page.next;
      } while (after !== null);
      return events;
    }

    async function createdId(seats: Seatkeeper, username: string, options: { actor?: { id: string; name?: string } } = {}): Promise<string> {
      const r = await seats.createUser({ username, areaId: 'primary', email: `${username}@example.com`, displayName: username.toUpperCase() }, options);
      if (!r.ok) throw new Error(`${username}: ${r.reason.code}`);
      return r.user.id;
    }

    it('createUser records who created whom, with the fields the user has, in the transaction of the change', async () => {
      const { seats } = await site();
      const id = await createdId(seats, 'alice', { actor: admin });
      const [event] = (await seats.auditLog({ userId: id })).events;
      expect(event).toEqual({
        id: expect.any(String),
        at: new Date('2026-03-01T09:00:00Z'),
        actor: { id: 'admin-7', name: 'Ada Admin' },
        action: 'user.created',
        subject: { type: 'user', id },
        userId: id,
        areaId: 'primary',
        before: null,
        after: { username: 'alice', email: 'alice@example.com', displayName: 'ALICE', areaId: 'primary', kind: 'licensed', state: 'active', source: 'manual' },
      });
    });

    it('each write records one event per record it changed, with only the fields that changed, newest first', async () => {
      const { seats, clock } = await site();
      const id = await createdId(seats, 'bob', { actor: admin });
      clock.advance(1_000);
      await seats.updateUser(id, { email: 'robert@example.com', displayName: 'BOB' }, { actor: admin });
      clock.advance(1_000);
      await seats.blockUser(id, { actor: { id: 'admin-8' } });
      clock.advance(1_000);
      await seats.reinstateUser(id, { actor: admin });
      const events = await trail(seats, { userId: id });
      expect(events.map((e) => [e.action, e.actor.id, e.before, e.after])).toEqual([
        ['user.activated', 'admin-7', { state: 'blocked', blockReason: 'admin', blockedAt: '2026-03-01T09:00:02.000Z', blockedBy: 'admin-8' }, { state: 'active' }],
        ['user.blocked', 'admin-8', { state: 'active' }, { state: 'blocked', blockReason: 'admin', blockedAt: '2026-03-01T09:00:02.000Z', blockedBy: 'admin-8' }],
        ['user.updated', 'admin-7', { email: 'bob@example.com' }, { email: 'robert@example.com' }],
        ['user.created', 'admin-7', null, expect.objectContaining({ username: 'bob' })],
      ]);
      expect(events.map((e) => e.at.toISOString())).toEqual(['2026-03-01T09:00:03.000Z', '2026-03-01T09:00:02.000Z', '2026-03-01T09:00:01.000Z', '2026-03-01T09:00:00.000Z']);
      expect((await seats.getUser(id))?.blockedBy).toBeNull();
      await seats.blockUser(id, { actor: { id: 'admin-8' } });
      expect((await seats.getUser(id))?.blockedBy).toBe('admin-8');
    });

    it('a write without an actor is recorded as seatkeeper; a write that changes nothing records nothing', async () => {
      const { seats } = await site();
      const id = await createdId(seats, 'bob');
      await seats.updateUser(id, { displayName: 'BOB' });
      await seats.reinstateUser(id);
      const events = await trail(seats, { userId: id });
      expect(events.map((e) => [e.action, e.actor])).toEqual([['user.created', { id: 'seatkeeper', name: null }]]);
    });

    it('a refused or failed write records nothing: the trail never disagrees with the data', async () => {
      const { seats } = await site(1);
      await createdId(seats, 'first');
      const before = await trail(seats);
      expect(await seats.createUser({ username: 'second', areaId: 'primary' }, { actor: admin })).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
      expect(await seats.createUser({ username: 'FIRST', areaId: 'primary' }, { actor: admin })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 1 });
      await expect(seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 5 }, { actor: admin })).rejects.toMatchObject({
        code: 'CONFIGURATION_REFUSED',
      });
      const after = await trail(seats);
      expect(after.slice(1)).toEqual(before);
      expect(after[0]).toMatchObject({ action: 'organization.created', actor: { id: 'seatkeeper' } });
    });

    it('a malformed actor is refused before anything is written', async () => {
      const { seats } = await site();
      await expect(seats.createUser({ username: 'carol', areaId: 'primary' }, { actor: { id: '' } })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(seats.blockUser('x', { actor: { id: 'a', name: 'x\u0000y' } })).rejects.toBeInstanceOf(InvalidInputError);
      expect(await seats.findUserByUsername('carol')).toBeNull();
    });

    it('areas, partner organizations, licenses and the responsible person are recorded too', async () => {
      const { seats, clock } = await site(10);
      clock.advance(1_000);
      await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 }, { actor: admin });
      await seats.defineOrganization({ id: 'acme', areaId: 'x', name: 'Acme', access: 'granted', maxUsers: 2 }, { actor: admin });
      await seats.defineOrganization({ id: 'acme', areaId: 'x', name: 'Acme', access: 'denied', maxUsers: 0, allowOverLimit: true }, { actor: admin });
      const request = await seats.requestLicenses({ type: 'move', from: 'primary', to: 'x', quantity: 3 });
      await seats.applyLicenseChange(request, { actor: { id: 'buyer-1' } });
      await seats.setResponsiblePerson('licences@example.com', { actor: admin });
      const events = await trail(seats, { since: new Date('2026-03-01T09:00:01Z') });
      const byAction = events.map((e) => [e.action, e.subject, e.areaId, e.before, e.after, e.actor.id]).reverse();
      expect(byAction).toEqual([
        ['area.created', { type: 'area', id: 'x' }, 'x', null, { kind: 'extranet', name: 'Extranet', maxUsers: 5, graceSeats: 0 }, 'admin-7'],
        ['organization.created', { type: 'organization', id: 'acme' }, 'x', null, { areaId: 'x', name: 'Acme', access: 'granted', maxUsers: 2 }, 'admin-7'],
        ['organization.updated', { type: 'organization', id: 'acme' }, 'x', { access: 'granted', maxUsers: 2 }, { access: 'denied', maxUsers: 0 }, 'admin-7'],
        ['license.changed', { type: 'license', id: expect.any(String) }, 'primary', { maxUsers: 10 }, { maxUsers: 7 }, 'buyer-1'],
        ['license.changed', { type: 'license', id: expect.any(String) }, 'x', { maxUsers: 5 }, { maxUsers: 8 }, 'buyer-1'],
        ['setting.changed', { type: 'setting', id: 'responsiblePerson' }, null, {}, { email: 'licences@example.com' }, 'admin-7'],
      ]);
      const history = await seats.licenseHistory();
      expect(events.filter((e) => e.action === 'license.changed').map((e) => e.subject.id).sort()).toEqual(history.map((c) => c.id).sort());
    });

    it('the library names its own work: directory-sync, csv-import, and the system users it creates', async () => {
      const { seats } = await site();
      await seats.ensureSystemUsers();
      await seats.syncDirectory([{ externalId: 'd-1', username: 'dana', areaId: 'primary' }]);
      await seats.syncDirectory([{ externalId: 'd-2', username: 'dora', areaId: 'primary' }], { actor: { id: 'hr-feed' } });
      // A streamed feed (an async iterable, as readLdapDirectoryPages gives) is synced in batches, each recorded alike.
      async function* feed() {
        yield [{ externalId: 'd-3', username: 'dot', areaId: 'primary' }];
      }
      await seats.syncDirectory(feed(), { actor: { id: 'ldap-job' } });
      await importPeopleCsv(seats, 'Username,Area id\nerin,primary\n');
      await importPeopleCsv(seats, 'Username,Area id\neve,primary\n', { actor: admin });
      await seats.createUsers([{ username: 'finn', areaId: 'primary' }]);
      const actorOf = async (username: string) => {
        const user = await seats.findUserByUsername(username);
        return (await seats.auditLog({ userId: user?.id as string })).events.map((e) => [e.action, e.actor.id]);
      };
      expect(await actorOf('superuser')).toEqual([['user.created', 'seatkeeper']]);
      expect(await actorOf('dana')).toEqual([['user.created', 'directory-sync']]);
      expect(await actorOf('dora')).toEqual([['user.created', 'hr-feed']]);
      expect(await actorOf('dot')).toEqual([['user.created', 'ldap-job']]);
      expect(await actorOf('erin')).toEqual([['user.created', 'csv-import']]);
      expect(await actorOf('eve')).toEqual([['user.created', 'admin-7']]);
      expect(await actorOf('finn')).toEqual([['user.created', 'seatkeeper']]);
    });

    it('every write method takes { actor } as its last argument and records it', async () => {
      const { seats, clock } = await site(2);
      const as = (id: string) => ({ actor: { id } });
      const actorsOf = async (filter: AuditLogOptions) => (await trail(seats, filter)).map((e) => `${e.action} ${e.actor.id}`).reverse();
      await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 1 }, as('a1'));
      await seats.defineOrganization({ id: 'acme', areaId: 'x', name: 'Acme', access: 'granted', maxUsers: null }, as('a2'));
      await seats.setResponsiblePerson('licences@example.com', as('a3'));
      await seats.ensureSystemUsers(as('a4'));
      const created = await seats.createUser({ username: 'kim', areaId: 'x' }, as('a5'));
      const kim = created.ok ? created.user.id : '';
      await seats.updateUser(kim, { displayName: 'Kim' }, as('a6'));
      await seats.blockUser(kim, as('a7'));
      await seats.reinstateUser(kim, as('a8'));
      await seats.createUsers([{ username: 'lou', areaId: 'primary' }], as('a9'));
      await importPeopleCsv(seats, 'Username,Area id\nmia,primary\n', as('a10'));
      // The primary area is full: ola waits for a license, until a purchase and a pending activation.
      await seats.syncDirectory([{ externalId: 'o-1', username: 'ola', areaId: 'primary' }], as('a13'));
      await seats.applyLicenseChange(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 }), as('a11'));
      await seats.activatePendingDirectoryUsers(as('a15'));
      const plan = await seats.planDirectorySync([{ externalId: 'n-1', username: 'ned', areaId: 'primary' }]);
      await seats.applyDirectorySync(plan, as('a12'));
      await seats.deleteUser(kim, as('a14'));
      const guest = await seats.findUserByUsername('guest');
      await seats.updateUser(guest?.id as string, { username: 'visitor' }, as('a16'));
      await seats.migrateLegacyGuest(as('a17'));
      clock.advance(100 * 86_400_000);
      await seats.applyDormantUsers(await seats.planDormantUsers({ inactiveFor: { days: 90 }, areaIds: ['primary'], force: true }), as('a18'));
      const ned = await seats.findUserByUsername('ned');
      await seats.recordActivity(ned?.id as string, undefined, as('a19'));

      const all = await actorsOf({});
      for (let i = 1; i <= 19; i++) expect(all.some((line) => line.endsWith(` a${i}`)), `a${i}`).toBe(true);
      expect(await actorsOf({ userId: kim })).toEqual(['user.created a5', 'user.updated a6', 'user.blocked a7', 'user.activated a8', 'user.deleted a14']);
      expect(await actorsOf({ userId: ned?.id as string })).toEqual(['user.created a12', 'user.blocked a18', 'user.activated a19']);
      const ola = await seats.findUserByUsername('ola');
      expect(await actorsOf({ userId: ola?.id as string })).toEqual(['user.created a13', 'user.activated a15', 'user.blocked a18']);
      expect(all).toEqual(expect.arrayContaining(['area.created a1', 'organization.created a2', 'setting.changed a3', 'user.created a4', 'license.changed a11', 'user.updated a17']));
    });

    it('the SCIM handler records its changes as scim', async () => {
      const { seats } = await site();
      const scim = scimClient(createScimHandler(seats, { token: TOKEN, areaId: 'primary', basePath: new URL(BASE).pathname }));
      const created = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'pat', externalId: 'p-1', active: true });
      expect(created.status).toBe(201);
      await scim.delete(`/Users/${created.body.id}`);
      expect((await trail(seats, { userId: created.body.id })).map((e) => `${e.action} ${e.actor.id}`)).toEqual(['user.deleted scim', 'user.created scim']);
    });

    it('a directory sync records each profile it blocks, activates or changes, pending activation included', async () => {
      const { seats } = await site(1);
      await seats.syncDirectory([
        { externalId: 'd-1', username: 'dana', areaId: 'primary' },
        { externalId: 'd-2', username: 'dora', areaId: 'primary' },
      ]);
      await seats.syncDirectory([
        { externalId: 'd-1', username: 'dana', areaId: 'primary', enabled: false },
        { externalId: 'd-2', username: 'dora', areaId: 'primary', displayName: 'Dora' },
      ], { force: true });
      const dora = await seats.findUserByUsername('dora');
      expect((await trail(seats, { userId: dora?.id as string })).map((e) => [e.action, e.before, e.after])).toEqual([
        ['user.activated', { state: 'blocked', blockReason: 'license-limit', blockedAt: '2026-03-01T09:00:00.000Z', blockedBy: 'directory' }, { state: 'active', displayName: 'Dora' }],
        ['user.created', null, expect.objectContaining({ state: 'blocked', blockReason: 'license-limit' })],
      ]);
      const dana = await seats.findUserByUsername('dana');
      expect((await trail(seats, { userId: dana?.id as string }))[0]).toMatchObject({ action: 'user.blocked', actor: { id: 'directory-sync' }, after: { blockReason: 'directory-disabled' } });
    });

    it('pending activation and legacy guest migration are recorded', async () => {
      const { seats, repository } = await site(1);
      await seats.syncDirectory([
        { externalId: 'd-1', username: 'dana', areaId: 'primary' },
        { externalId: 'd-2', username: 'dora', areaId: 'primary' },
      ]);
      const dana = await seats.findUserByUsername('dana');
      await seats.deleteUser(dana?.id as string, { actor: admin });
      await seats.activatePendingDirectoryUsers();
      const dora = await seats.findUserByUsername('dora');
      expect((await seats.auditLog({ userId: dora?.id as string })).events[0]).toMatchObject({ action: 'user.activated', actor: { id: 'directory-sync' } });

      await seats.ensureSystemUsers();
      const guest = await seats.findUserByUsername('guest');
      await seats.updateUser(guest?.id as string, { username: 'visitor' }, { actor: admin });
      await seats.migrateLegacyGuest({ actor: { id: 'ops' } });
      const events = (await repository.listAuditEvents({ userId: guest?.id as string }, { after: null, limit: 10 })).events;
      expect(events.map((e) => [e.action, e.actor.id, e.before, e.after])).toEqual([
        ['user.updated', 'ops', { kind: 'system', systemRole: 'guest' }, { kind: 'licensed' }],
        ['user.updated', 'admin-7', { username: 'guest' }, { username: 'visitor' }],
        ['user.created', 'seatkeeper', null, expect.objectContaining({ username: 'guest', kind: 'system' })],
      ]);
      const newGuest = await seats.findUserByUsername('guest');
      expect((await seats.auditLog({ userId: newGuest?.id as string })).events).toMatchObject([{ action: 'user.created', actor: { id: 'ops' } }]);
    });

    it("deleting a user keeps its events and their ids but removes its username, email and display name from them", async () => {
      const { seats } = await site();
      const id = await createdId(seats, 'gina', { actor: admin });
      const other = await createdId(seats, 'hank', { actor: admin });
      await seats.updateUser(id, { email: 'g@example.com' }, { actor: admin });
      await seats.deleteUser(id, { actor: { id: 'dpo', name: 'Data Protection' } });
      const events = await trail(seats, { userId: id });
      expect(events.map((e) => [e.action, e.userId, e.before, e.after])).toEqual([
        ['user.deleted', id, { areaId: 'primary', kind: 'licensed', state: 'active', source: 'manual' }, null],
        ['user.updated', id, {}, {}],
        ['user.created', id, null, { areaId: 'primary', kind: 'licensed', state: 'active', source: 'manual' }],
      ]);
      expect(events[0]?.actor).toEqual({ id: 'dpo', name: 'Data Protection' });
      expect(JSON.stringify(events)).not.toMatch(/gina|GINA|example\.com/);
      expect((await seats.auditLog({ userId: other })).events[0]?.after).toMatchObject({ username: 'hank', email: 'hank@example.com' });
    });

    it('auditLog filters by user, area and time, and pages with a cursor however the filters combine', async () => {
      const { seats, clock } = await site();
      await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        clock.advance(60_000);
        const r = await seats.createUser({ username: `u${i}`, areaId: i % 2 === 0 ? 'primary' : 'x' });
        if (r.ok) ids.push(r.user.id);
      }
      const all = await trail(seats);
      expect(all).toHaveLength(9);
      expect(all.map((e) => e.at.getTime())).toEqual([...all.map((e) => e.at.getTime())].sort((a, b) => b - a));
      expect((await trail(seats, { areaId: 'x' })).map((e) => e.action)).toEqual(['user.created', 'user.created', 'user.created', 'area.created']);
      const window = await trail(seats, { since: new Date('2026-03-01T09:02:00Z'), until: new Date('2026-03-01T09:05:00Z') });
      expect(window.map((e) => e.userId)).toEqual([ids[3], ids[2], ids[1]]);
      const first = await seats.auditLog({ limit: 4 });
      expect(first.events).toHaveLength(4);
      const second = await seats.auditLog({ limit: 4, after: first.next as string });
      expect([...first.events, ...second.events]).toEqual(all.slice(0, 8));
      expect((await seats.auditLog({ limit: 9 })).next).toBeNull();
      await expect(seats.auditLog({ after: 'not a cursor' })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(seats.auditLog({ limit: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('purgeAuditLog deletes the events before a time and says how many', async () => {
      const { seats, clock } = await site();
      clock.advance(86_400_000);
      await createdId(seats, 'ivan');
      expect(await seats.purgeAuditLog({ before: new Date('2026-03-02T00:00:00Z') })).toBe(1);
      expect((await trail(seats)).map((e) => e.action)).toEqual(['user.created']);
      expect(await seats.purgeAuditLog({ before: new Date('2026-03-02T00:00:00Z') })).toBe(0);
      await expect(seats.purgeAuditLog({ before: new Date('nope') })).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('exportAuditCsv streams the trail newest first, with the changes as JSON and formulas neutralised', async () => {
      const { seats } = await site();
      await createdId(seats, 'jack', { actor: { id: 'admin-9', name: '=HYPERLINK("http://evil")' } });
      const chunks: string[] = [];
      for await (const chunk of exportAuditCsv(seats, { rowsPerChunk: 1 })) chunks.push(chunk);
      expect(chunks).toHaveLength(2);
      const { data } = Papa.parse<string[]>(chunks.join(''), { skipEmptyLines: true });
      expect(data[0]).toEqual(['At', 'Actor', 'Actor name', 'Action', 'Subject type', 'Subject', 'User id', 'Area id', 'Before', 'After']);
      expect(data[1]?.slice(0, 4)).toEqual(['2026-03-01T09:00:00.000Z', 'admin-9', `'=HYPERLINK("http://evil")`, 'user.created']);
      expect(JSON.parse(data[1]?.[9] as string)).toMatchObject({ username: 'jack' });
      expect(data[2]?.slice(3, 6)).toEqual(['area.created', 'area', 'primary']);
      const filtered: string[] = [];
      for await (const chunk of exportAuditCsv(seats, { areaId: 'nowhere' })) filtered.push(chunk);
      expect(filtered.join('')).toBe('At,Actor,Actor name,Action,Subject type,Subject,User id,Area id,Before,After\r\n');
      expect(() => exportAuditCsv(seats, { rowsPerChunk: 0 })).toThrow(InvalidInputError);
    });
  });
}
