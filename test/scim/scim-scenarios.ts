import { afterEach, describe, expect, it } from 'vitest';
import { createSeatkeeper, type Seatkeeper } from '../../src/index.js';
import { createScimHandler, type ScimHandlerOptions } from '../../src/scim/index.js';
import { fixedClock, type FakeClock } from '../support/clock.js';
import { HOUR, primaryUsage, user } from '../support/directory.js';
import type { RepositoryFixture } from '../service/directory-sync-scenarios.js';
import { ENTERPRISE, ERROR, patchOp, scimClient, SEATS, TOKEN } from './client.js';

/** The body Entra ID's provisioning service POSTs (its "Build a SCIM endpoint" guide), for a user name. */
export const entraUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  externalId: `entra-${userName}`,
  userName,
  active: true,
  emails: [{ primary: true, type: 'work', value: `${userName}@contoso.example` }],
  meta: { resourceType: 'User' },
  name: { formatted: `Given ${userName}`, familyName: userName, givenName: 'Given' },
  roles: [],
  ...extra,
});

/** The body Okta POSTs (its SCIM 2.0 protocol reference): a password and groups it sends along, no meta. */
export const oktaUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Test', familyName: 'User' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: `okta-${userName}`,
  groups: [],
  password: '1mz050nq',
  active: true,
  ...extra,
});

/**
 * The SCIM handler through the public API, on any repository: the in-memory
 * one in scim.test.ts, PostgreSQL in scim-postgres.test.ts.
 */
export function describeScimScenarios(name: string, makeRepository: () => Promise<RepositoryFixture>): void {
  describe(`SCIM on ${name}`, () => {
    const fixtures: RepositoryFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    async function setup(maxUsers = 10, options: Partial<ScimHandlerOptions> = {}) {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock: FakeClock = fixedClock('2026-01-01T09:00:00Z');
      const seats: Seatkeeper = createSeatkeeper({ repository: fixture.repository, clock });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
      const handler = createScimHandler(seats, { token: TOKEN, areaId: 'primary', basePath: '/scim/v2', ...options });
      return { seats, clock, scim: scimClient(handler) };
    }

    describe("Entra ID's provisioning sequence", () => {
      it('test connection, create, get, get by filter, update, disable ("False"), re-enable, rename, delete', async () => {
        const { seats, scim } = await setup();

        // "Test connection": a filter on a user name that does not exist answers an empty list.
        const none = await scim.byUserName('non-existent user 7a0c6b1e');
        expect(none.status).toBe(200);
        expect(none.headers.get('content-type')).toBe('application/scim+json');
        expect(none.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

        // Create: look the user up by userName, then POST.
        expect((await scim.byUserName('Test_User_ab64')).body.totalResults).toBe(0);
        const created = await scim.post('/Users', entraUser('Test_User_ab64'));
        expect(created.status).toBe(201);
        const id = created.body.id as string;
        expect(created.headers.get('location')).toBe(`https://app.example.com/scim/v2/Users/${id}`);
        expect(created.body).toMatchObject({
          id,
          externalId: 'entra-Test_User_ab64',
          userName: 'Test_User_ab64',
          displayName: 'Given Test_User_ab64',
          emails: [{ value: 'Test_User_ab64@contoso.example', type: 'work', primary: true }],
          active: true,
          [SEATS]: { seatStatus: 'active' },
          meta: { resourceType: 'User', location: `https://app.example.com/scim/v2/Users/${id}` },
        });
        expect(await user(seats, 'Test_User_ab64')).toMatchObject({ source: 'directory', externalId: 'entra-Test_User_ab64', state: 'active', email: 'Test_User_ab64@contoso.example' });

        expect((await scim.get(`/Users/${id}`)).body).toEqual(created.body);
        const found = await scim.byUserName('test_user_AB64');
        expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });
        expect((await scim.get(`/Users?filter=${encodeURIComponent('externalId eq "entra-Test_User_ab64"')}`)).body.Resources[0].id).toBe(id);

        // Update a multi-valued and a complex attribute.
        const updated = await scim.patch(
          `/Users/${id}`,
          patchOp(
            { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@contoso.example' },
            { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
          ),
        );
        expect(updated.status).toBe(200);
        expect(updated.body.emails).toEqual([{ value: 'updatedEmail@contoso.example', type: 'work', primary: true }]);

        // The manager (Entra sends a bare id) is accepted and not kept.
        const manager = await scim.patch(`/Users/${id}`, patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value: '2819c223-7f76-453a-919d-ab1234567891' }));
        expect(manager.status).toBe(200);

        // Disable: Entra ID sends the string "False".
        const disabled = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
        expect(disabled.status).toBe(200);
        expect(disabled.body).toMatchObject({ active: false, [SEATS]: { seatStatus: 'blocked', blockReason: 'directory-disabled' } });
        expect(await primaryUsage(seats)).toMatchObject({ using: 0, blocked: 1 });

        const enabled = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: true }));
        expect(enabled.body).toMatchObject({ active: true, [SEATS]: { seatStatus: 'active' } });

        // Rename: a single-valued attribute.
        const renamed = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'userName', value: '5b50642d@testuser.example' }));
        expect(renamed.body.userName).toBe('5b50642d@testuser.example');
        expect((await scim.byUserName('Test_User_ab64')).body.totalResults).toBe(0);
        expect((await scim.byUserName('5b50642d@testuser.example')).body.Resources[0].id).toBe(id);

        const deleted = await scim.delete(`/Users/${id}`);
        expect(deleted.status).toBe(204);
        expect(deleted.body).toBeNull();
        expect((await scim.get(`/Users/${id}`)).status).toBe(404);
        expect(await seats.findUserByUsername('5b50642d@testuser.example')).toBeNull();
      });

      it('a no-path PATCH with "active": "False", and name.formatted / displayName renames', async () => {
        const { scim } = await setup();
        const { body } = await scim.post('/Users', entraUser('ann'));
        const off = await scim.patch(`/Users/${body.id}`, patchOp({ op: 'Replace', value: { active: 'False' } }));
        expect(off.body).toMatchObject({ active: false, [SEATS]: { blockReason: 'directory-disabled' } });
        const on = await scim.patch(`/Users/${body.id}`, patchOp({ op: 'replace', value: { active: 'True', displayName: 'Ann Smith' } }));
        expect(on.body).toMatchObject({ active: true, displayName: 'Ann Smith' });
        const formatted = await scim.patch(`/Users/${body.id}`, patchOp({ op: 'Replace', path: 'name.formatted', value: 'Ann Jones' }));
        expect(formatted.body).toMatchObject({ displayName: 'Ann Jones', name: { formatted: 'Ann Jones' } });
        // A whole `name` without `formatted`: the given and family names make the display name.
        const whole = await scim.patch(`/Users/${body.id}`, patchOp({ op: 'replace', value: { name: { givenName: 'Ann', familyName: 'Brown' } } }));
        expect(whole.body.displayName).toBe('Ann Brown');
        // A family name alone cannot say the whole name (given names are not kept): the display name stays.
        const family = await scim.patch(`/Users/${body.id}`, patchOp({ op: 'replace', path: 'name.familyName', value: 'Green' }));
        expect(family.body.displayName).toBe('Ann Brown');
      });

      it('a duplicate userName is refused with 409 uniqueness, ignoring case; so is a taken externalId or a rename onto a taken name', async () => {
        const { scim } = await setup();
        expect((await scim.post('/Users', entraUser('ann'))).status).toBe(201);
        const again = await scim.post('/Users', entraUser('ANN', { externalId: 'other' }));
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
        const sameExternal = await scim.post('/Users', entraUser('bob', { externalId: 'entra-ann' }));
        expect(sameExternal.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
        const bob = await scim.post('/Users', entraUser('bob'));
        const rename = await scim.patch(`/Users/${bob.body.id}`, patchOp({ op: 'Replace', path: 'userName', value: 'Ann' }));
        expect(rename.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
        expect((await scim.get(`/Users/${bob.body.id}`)).body.userName).toBe('bob');
      });
    });

    describe("Okta's provisioning sequence", () => {
      it('look-up with paging, create, get, replace with PUT, deactivate and reactivate with a no-path PATCH, list', async () => {
        const { seats, scim } = await setup();
        const lookUp = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}&startIndex=1&count=100`);
        expect(lookUp.body).toMatchObject({ totalResults: 0, Resources: [] });

        const created = await scim.post('/Users', oktaUser('test.user@okta.local'));
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ userName: 'test.user@okta.local', displayName: 'Test User', externalId: 'okta-test.user@okta.local', active: true });
        expect(created.body).not.toHaveProperty('password');
        const id = created.body.id as string;

        // Okta sends the whole user back with PUT.
        const put = await scim.put(`/Users/${id}`, { ...oktaUser('test.user@okta.local'), id, displayName: 'Another Name', emails: [{ primary: true, value: 'new@okta.local', type: 'work' }] });
        expect(put.status).toBe(200);
        expect(put.body).toMatchObject({ id, displayName: 'Another Name', emails: [{ value: 'new@okta.local' }], active: true });

        const off = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }));
        expect(off.body).toMatchObject({ active: false, [SEATS]: { seatStatus: 'blocked', blockReason: 'directory-disabled' } });
        expect(await user(seats, 'test.user@okta.local')).toMatchObject({ state: 'blocked', blockReason: 'directory-disabled' });
        const on = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: true } }));
        expect(on.body).toMatchObject({ active: true });

        const listed = await scim.get('/Users?startIndex=1&count=100');
        expect(listed.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id }] });
      });

      it('a PUT without externalId keeps the link; a PUT that drops the email clears it', async () => {
        const { seats, scim } = await setup();
        const { body } = await scim.post('/Users', oktaUser('kim@okta.local'));
        const { externalId: _dropped, emails: _emails, ...rest } = oktaUser('kim@okta.local');
        const put = await scim.put(`/Users/${body.id}`, rest);
        expect(put.status).toBe(200);
        expect(await user(seats, 'kim@okta.local')).toMatchObject({ externalId: 'okta-kim@okta.local', email: null });
      });
    });

    describe('seats', () => {
      it('at the limit a new user is created blocked (201, active false, pending) and activated, oldest first, when a DELETE frees a seat', async () => {
        const { seats, clock, scim } = await setup(1);
        const ann = await scim.post('/Users', entraUser('ann'));
        clock.advance(HOUR);
        const bob = await scim.post('/Users', entraUser('bob'));
        expect(bob.status).toBe(201);
        expect(bob.body).toMatchObject({ active: false, [SEATS]: { seatStatus: 'pending', blockReason: 'license-limit' } });
        expect(await user(seats, 'bob')).toMatchObject({ state: 'blocked', blockReason: 'license-limit', source: 'directory' });
        clock.advance(HOUR);
        const cy = await scim.post('/Users', entraUser('cy'));
        expect(cy.body[SEATS].seatStatus).toBe('pending');

        expect((await scim.delete(`/Users/${ann.body.id}`)).status).toBe(204);
        expect((await scim.get(`/Users/${bob.body.id}`)).body).toMatchObject({ active: true, [SEATS]: { seatStatus: 'active' } });
        expect((await scim.get(`/Users/${cy.body.id}`)).body[SEATS].seatStatus).toBe('pending');
        expect(await primaryUsage(seats)).toMatchObject({ using: 1, overBy: 0 });
      });

      it('deactivating a user frees its seat for the one who waited longest', async () => {
        const { clock, scim } = await setup(1);
        const ann = await scim.post('/Users', oktaUser('ann@okta.local'));
        clock.advance(HOUR);
        const bob = await scim.post('/Users', oktaUser('bob@okta.local'));
        await scim.patch(`/Users/${ann.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
        expect((await scim.get(`/Users/${bob.body.id}`)).body.active).toBe(true);
        // Re-enabled with no seat free: it waits, and the answer says so.
        const back = await scim.patch(`/Users/${ann.body.id}`, patchOp({ op: 'replace', value: { active: true } }));
        expect(back.status).toBe(200);
        expect(back.body).toMatchObject({ active: false, [SEATS]: { seatStatus: 'pending', blockReason: 'license-limit' } });
      });

      it('a new user never takes a seat ahead of users already waiting for one', async () => {
        const { seats, scim } = await setup(1);
        await scim.post('/Users', entraUser('ann'));
        const bob = await scim.post('/Users', entraUser('bob'));
        expect(bob.body[SEATS].seatStatus).toBe('pending');
        // A seat is bought outside SCIM; nobody has activated bob yet.
        await seats.setAreaLicenses('primary', 2, { reason: 'a seat bought outside SCIM' });
        const cy = await scim.post('/Users', entraUser('cy'));
        expect(cy.body[SEATS].seatStatus).toBe('pending');
        expect((await scim.get(`/Users/${bob.body.id}`)).body.active).toBe(true);
      });

      it('activating a user an admin blocked is refused with 400 mutability; its profile still follows the directory', async () => {
        const { seats, scim } = await setup(5);
        const ann = await scim.post('/Users', entraUser('ann'));
        await seats.blockUser(ann.body.id, { blockedBy: 'admin-7' });
        const seen = await scim.get(`/Users/${ann.body.id}`);
        expect(seen.body).toMatchObject({ active: false, [SEATS]: { seatStatus: 'blocked', blockReason: 'admin' } });

        const refused = await scim.patch(`/Users/${ann.body.id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'mutability' });
        expect(refused.body.detail).toContain('administrator');
        const put = await scim.put(`/Users/${ann.body.id}`, { ...entraUser('ann'), active: true });
        expect(put.body).toMatchObject({ status: '400', scimType: 'mutability' });
        expect(await user(seats, 'ann')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'admin-7' });

        const renamed = await scim.patch(`/Users/${ann.body.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Ann A.' }));
        expect(renamed.status).toBe(200);
        expect(await user(seats, 'ann')).toMatchObject({ displayName: 'Ann A.', state: 'blocked', blockReason: 'admin' });
        // Deactivating it is no change of seat: it stays blocked by the admin.
        const off = await scim.patch(`/Users/${ann.body.id}`, patchOp({ op: 'Replace', path: 'active', value: false }));
        expect(off.body[SEATS].blockReason).toBe('admin');
      });

      it('seats.activatePendingDirectoryUsers() activates users SCIM created blocked once licenses are bought', async () => {
        const { seats, scim } = await setup(0);
        const ann = await scim.post('/Users', entraUser('ann'));
        expect(ann.body[SEATS].seatStatus).toBe('pending');
        await seats.applyLicenseChange(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 }));
        const report = await seats.activatePendingDirectoryUsers();
        expect(report.activated.map((u) => u.username)).toEqual(['ann']);
        expect((await scim.get(`/Users/${ann.body.id}`)).body.active).toBe(true);
      });
    });

    describe('partner organizations', () => {
      const organizations = { 'Acme Corp': 'acme', Contoso: null };

      it('the enterprise organization attribute maps users to partners, whose quota decides their seat', async () => {
        const { seats, scim } = await setup(10, { organizations });
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 1 });
        const a1 = await scim.post('/Users', entraUser('a1', { [ENTERPRISE]: { organization: 'Acme Corp', department: 'Sales' } }));
        expect(a1.body).toMatchObject({ active: true, [SEATS]: { organizationId: 'acme' } });
        const a2 = await scim.post('/Users', entraUser('a2', { [ENTERPRISE]: { organization: 'Acme Corp' } }));
        expect(a2.body).toMatchObject({ active: false, [SEATS]: { seatStatus: 'pending', organizationId: 'acme' } });
        const host = await scim.post('/Users', entraUser('h1', { [ENTERPRISE]: { organization: 'Contoso' } }));
        expect(host.body[SEATS]).toEqual({ seatStatus: 'active' });

        const unknown = await scim.post('/Users', entraUser('x1', { [ENTERPRISE]: { organization: 'Initech' } }));
        expect(unknown.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
        expect(unknown.body.detail).toContain('Initech');

        // Moved to the host company by a PATCH of the attribute: acme's seat goes to a2, who waited for it.
        const moved = await scim.patch(`/Users/${a1.body.id}`, patchOp({ op: 'Replace', path: `${ENTERPRISE}:organization`, value: 'Contoso' }));
        expect(moved.body[SEATS]).toEqual({ seatStatus: 'active' });
        expect((await scim.get(`/Users/${a2.body.id}`)).body[SEATS]).toMatchObject({ seatStatus: 'active', organizationId: 'acme' });
        // A PATCH that does not touch the attribute keeps the partner.
        await scim.patch(`/Users/${a2.body.id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'A Two' }));
        expect(await user(seats, 'a2')).toMatchObject({ organizationId: 'acme', displayName: 'A Two' });
        // Removing the attribute moves the user to the host company.
        await scim.patch(`/Users/${a2.body.id}`, patchOp({ op: 'Remove', path: `${ENTERPRISE}:organization` }));
        expect(await user(seats, 'a2')).toMatchObject({ organizationId: null });
      });

      it('a function maps any attribute, e.g. userType', async () => {
        const { seats, scim } = await setup(10, { organizationAttribute: 'userType', organizations: (value) => (value === 'Partner' ? 'acme' : value === null ? null : undefined) });
        await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: null });
        const partner = await scim.post('/Users', oktaUser('p@okta.local', { userType: 'Partner' }));
        expect(partner.body[SEATS].organizationId).toBe('acme');
        const employee = await scim.post('/Users', oktaUser('e@okta.local'));
        expect(employee.body[SEATS]).toEqual({ seatStatus: 'active' });
        expect((await scim.post('/Users', oktaUser('z@okta.local', { userType: 'Vendor' }))).body.scimType).toBe('invalidValue');
      });
    });

    it('a profile made by hand is found by its userName and linked by the first PATCH; it keeps its source', async () => {
      const { seats, scim } = await setup();
      const manual = await seats.createUser({ username: 'dana', areaId: 'primary', email: 'dana@example.com' });
      expect(manual.ok).toBe(true);
      const found = await scim.byUserName('dana');
      expect(found.body.totalResults).toBe(1);
      const id = found.body.Resources[0].id as string;
      const linked = await scim.patch(`/Users/${id}`, patchOp({ op: 'Add', path: 'externalId', value: 'entra-dana' }, { op: 'Replace', path: 'userName', value: 'dana.k' }));
      expect(linked.status).toBe(200);
      expect(await seats.findUserByExternalId('entra-dana')).toMatchObject({ id, username: 'dana.k', source: 'manual', state: 'active' });
    });
  });
}
