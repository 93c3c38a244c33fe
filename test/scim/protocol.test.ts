import { describe, expect, it, vi } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, StorageUnavailableError, type SeatRepository } from '../../src/index.js';
import { createScimHandler, type ScimHandlerOptions } from '../../src/scim/index.js';
import { BASE, ENTERPRISE, ERROR, patchOp, scimClient, SEATS, TOKEN } from './client.js';
import { entraUser, oktaUser } from './scim-scenarios.js';

async function setup(options: Partial<ScimHandlerOptions> = {}, repository: SeatRepository = new InMemorySeatRepository()) {
  const seats = createSeatkeeper({ repository });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
  const handler = createScimHandler(seats, { token: TOKEN, areaId: 'primary', basePath: '/scim/v2', ...options });
  return { seats, handler, scim: scimClient(handler) };
}

/** Expects a SCIM error body with this status and type. */
function expectError(answer: { status: number; headers: Headers; body: unknown }, status: number, scimType?: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/scim+json');
  expect(answer.body).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType === undefined ? {} : { scimType }) });
  expect(typeof (answer.body as { detail: unknown }).detail).toBe('string');
}

describe('bearer token', () => {
  it('a request without a token, with another scheme or with a wrong token is 401 with WWW-Authenticate: Bearer; the right one passes', async () => {
    const { handler } = await setup();
    const none = await scimClient(handler, null).get('/Users');
    expectError(none, 401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="SCIM"');
    const wrong = await scimClient(handler, 'not-the-token-but-long-enough').get('/ServiceProviderConfig');
    expectError(wrong, 401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="SCIM", error="invalid_token"');
    expectError(await scimClient(handler, null).send('GET', '/Users', undefined, { Authorization: `Basic ${TOKEN}` }), 401);
    expectError(await scimClient(handler, `${TOKEN}x`).get('/Users'), 401);
    expectError(await scimClient(handler, TOKEN.slice(0, -1)).get('/Users'), 401);
    expect((await scimClient(handler, null).send('GET', '/Users', undefined, { Authorization: `bearer  ${TOKEN}` })).status).toBe(200);
  });

  it('nothing is read or written before the token is checked', async () => {
    const { seats, handler } = await setup();
    expectError(await scimClient(handler, 'wrong-token-wrong-token').post('/Users', entraUser('ann')), 401);
    expect(await seats.findUserByUsername('ann')).toBeNull();
  });
});

describe('malformed requests are SCIM errors, never a 500', () => {
  it('a body that is not JSON, not an object, empty or not UTF-8 is 400 invalidSyntax', async () => {
    const { scim, handler } = await setup();
    const { body } = await scim.post('/Users', entraUser('ann'));
    expectError(await scim.post('/Users', '{"userName": "x",'), 400, 'invalidSyntax');
    expectError(await scim.post('/Users', '[1, 2]'), 400, 'invalidSyntax');
    expectError(await scim.post('/Users', '"ann"'), 400, 'invalidSyntax');
    expectError(await scim.send('POST', '/Users'), 400, 'invalidSyntax');
    expectError(await scim.put(`/Users/${body.id}`, 'not json'), 400, 'invalidSyntax');
    expectError(await scim.patch(`/Users/${body.id}`, '{{'), 400, 'invalidSyntax');
    const latin1 = await handler(new Request(`${BASE}/Users`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }));
    expect(latin1.status).toBe(400);
  });

  it('an unknown attribute or schema in a body is 400 invalidSyntax; a missing userName or a bad value is 400 invalidValue', async () => {
    const { scim } = await setup();
    expectError(await scim.post('/Users', entraUser('ann', { favouriteColour: 'blue' })), 400, 'invalidSyntax');
    expectError(await scim.post('/Users', entraUser('ann', { 'urn:example:unknown:2.0:User': { x: 1 } })), 400, 'invalidSyntax');
    expectError(await scim.post('/Users', entraUser('ann', { name: { nickname: 'x' } })), 400, 'invalidSyntax');
    expectError(await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], active: true }), 400, 'invalidValue');
    expectError(await scim.post('/Users', entraUser('ann', { active: 'maybe' })), 400, 'invalidValue');
    expectError(await scim.post('/Users', entraUser('ann', { emails: 'ann@example.com' })), 400, 'invalidValue');
    const badEmail = await scim.post('/Users', entraUser('ann', { emails: [{ value: 'not-an-email', type: 'work' }] }));
    expectError(badEmail, 400, 'invalidValue');
    expect(badEmail.body.detail).toContain('emails');
    // A SeatkeeperError of bad input (a display name over 500 characters) is a 400 too.
    expectError(await scim.post('/Users', entraUser('ann', { displayName: 'x'.repeat(501) })), 400, 'invalidValue');
  });

  it('attribute names ignore case; read-only attributes in a body are ignored', async () => {
    const { scim } = await setup();
    const created = await scim.post('/Users', { USERNAME: 'ann', DisplayName: 'Ann', Emails: [{ Value: 'ann@example.com', Type: 'work' }], id: 'chosen', meta: { created: 'x' }, [SEATS]: { seatStatus: 'active' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userName: 'ann', displayName: 'Ann', emails: [{ value: 'ann@example.com' }] });
    expect(created.body.id).not.toBe('chosen');
  });

  it('a malformed or unsupported filter is 400 invalidFilter; bad paging numbers are 400 invalidValue', async () => {
    const { scim } = await setup();
    expectError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter');
    expectError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "a" and')}`), 400, 'invalidFilter');
    expectError(await scim.get(`/Users?filter=${encodeURIComponent('displayName co "a"')}`), 400, 'invalidFilter');
    expectError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "a" or userName eq "b"')}`), 400, 'invalidFilter');
    expectError(await scim.get(`/Users?filter=${encodeURIComponent('userName gt "a"')}`), 400, 'invalidFilter');
    expectError(await scim.get('/Users?count=ten'), 400, 'invalidValue');
    expectError(await scim.get('/Users?startIndex=1.5'), 400, 'invalidValue');
  });

  it('PATCH: an unknown or malformed path is 400 invalidPath, a bad value filter invalidFilter, a bad envelope invalidSyntax', async () => {
    const { scim } = await setup();
    const { body } = await scim.post('/Users', entraUser('ann'));
    const at = `/Users/${body.id}`;
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'favouriteColour', value: 'blue' })), 400, 'invalidPath');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'name.nickname', value: 'x' })), 400, 'invalidPath');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'userName[type eq "x"]', value: 'x' })), 400, 'invalidPath');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'urn:example:unknown:2.0:User:x', value: 'x' })), 400, 'invalidPath');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'emails[type eq "work"', value: 'x' })), 400, 'invalidPath');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'emails[type eq].value', value: 'x' })), 400, 'invalidFilter');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 42, value: 'x' })), 400, 'invalidPath');
    expectError(await scim.patch(at, patchOp({ op: 'replace', value: { favouriteColour: 'blue' } })), 400, 'invalidPath');
    expectError(await scim.patch(at, patchOp({ op: 'replace', value: 'not an object' })), 400, 'invalidValue');
    expectError(await scim.patch(at, patchOp({ op: 'move', path: 'userName', value: 'x' })), 400, 'invalidSyntax');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'userName' })), 400, 'invalidSyntax');
    expectError(await scim.patch(at, patchOp({ op: 'remove' })), 400, 'noTarget');
    expectError(await scim.patch(at, { Operations: [{ op: 'replace', path: 'userName', value: 'x' }] }), 400, 'invalidSyntax');
    expectError(await scim.patch(at, patchOp()), 400, 'invalidSyntax');
    expectError(await scim.patch(at, patchOp('replace')), 400, 'invalidSyntax');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'active', value: 'nope' })), 400, 'invalidValue');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'userName', value: 42 })), 400, 'invalidValue');
    expectError(await scim.patch(at, patchOp({ op: 'remove', path: 'userName' })), 400, 'invalidValue');
    // Read-only attributes: 400 mutability.
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: 'id', value: 'x' })), 400, 'mutability');
    expectError(await scim.patch(at, patchOp({ op: 'replace', path: `${SEATS}:seatStatus`, value: 'active' })), 400, 'mutability');
    expectError(await scim.patch(at, patchOp({ op: 'replace', value: { [SEATS]: { blockReason: null } } })), 400, 'mutability');
    // Nothing of the refused requests was written.
    expect((await scim.get(at)).body).toEqual(body);
  });

  it('PATCH applies every operation or none: a later operation that fails leaves the user as it was', async () => {
    const { scim } = await setup();
    const { body } = await scim.post('/Users', entraUser('ann'));
    const answer = await scim.patch(`/Users/${body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'replace', path: 'nope', value: 1 }));
    expectError(answer, 400, 'invalidPath');
    expect((await scim.get(`/Users/${body.id}`)).body.displayName).toBe(body.displayName);
  });

  it('a refused PATCH of a profile made by hand links nothing', async () => {
    const { seats, scim } = await setup();
    const manual = await seats.createUser({ username: 'dana', areaId: 'primary' });
    const id = manual.ok ? manual.user.id : '';
    const answer = await scim.patch(`/Users/${id}`, patchOp({ op: 'add', path: 'externalId', value: 'entra-dana' }, { op: 'add', path: 'emails', value: [{ value: 'nope', type: 'work' }] }));
    expectError(answer, 400, 'invalidValue');
    expect(await seats.getUser(id)).toMatchObject({ externalId: null, email: null });
  });

  it('PATCH paths ignore case, accept the core schema URN, and a removal of something absent changes nothing', async () => {
    const { scim } = await setup();
    const { body } = await scim.post('/Users', oktaUser('kim@okta.local'));
    const at = `/Users/${body.id}`;
    const answer = await scim.patch(
      at,
      patchOp(
        { op: 'REPLACE', path: 'urn:ietf:params:scim:schemas:core:2.0:User:DisplayName', value: 'Kim' },
        { op: 'Remove', path: 'phoneNumbers[type eq "work"]' },
        { op: 'Remove', path: `${ENTERPRISE}:manager` },
        { op: 'Add', path: 'EMAILS[type eq "work"].VALUE', value: 'kim@example.com' },
      ),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ displayName: 'Kim', emails: [{ value: 'kim@example.com', type: 'work' }] });
    const cleared = await scim.patch(at, patchOp({ op: 'Remove', path: 'emails[type eq "work"].value' }));
    expect(cleared.body).not.toHaveProperty('emails');
  });
});

describe('endpoints', () => {
  it('unknown endpoints and ids are 404, wrong methods 405 with Allow', async () => {
    const { scim, handler } = await setup();
    expectError(await scim.get('/Groups'), 404);
    expectError(await scim.get('/Users/nope'), 404);
    expectError(await scim.patch('/Users/nope', patchOp({ op: 'replace', path: 'active', value: false })), 404);
    expectError(await scim.delete('/Users/nope'), 404);
    expectError(await scim.get('/Users/a/b'), 404);
    expectError(await scim.get('/Users/%E0%A4%A'), 404);
    const outside = await handler(new Request('https://app.example.com/other/Users', { headers: { Authorization: `Bearer ${TOKEN}` } }));
    expect(outside.status).toBe(404);
    const wrong = await scim.send('DELETE', '/Users');
    expectError(wrong, 405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expect((await scim.send('POST', '/ServiceProviderConfig', {})).status).toBe(405);
  });

  it('system users and users of other areas are not SCIM resources of the handler', async () => {
    const { seats, scim } = await setup();
    await seats.ensureSystemUsers();
    await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: 5 });
    const other = await seats.createUser({ username: 'xavier', areaId: 'x' });
    expect((await scim.byUserName('superuser')).body.totalResults).toBe(0);
    expect((await scim.byUserName('xavier')).body.totalResults).toBe(0);
    if (other.ok) expectError(await scim.get(`/Users/${other.user.id}`), 404);
    // Their names are still taken site-wide.
    expectError(await scim.post('/Users', entraUser('xavier')), 409, 'uniqueness');
    expectError(await scim.post('/Users', entraUser('superuser')), 409, 'uniqueness');
    const listed = await scim.get('/Users');
    expect(listed.body).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('lists page by page with startIndex and count, ordered by userName, with the total', async () => {
    const { scim } = await setup({ maxResults: 3 });
    for (const name of ['eve', 'ann', 'dan', 'bob', 'cy']) await scim.post('/Users', entraUser(name));
    const page = await scim.get('/Users?startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['bob', 'cy']);
    expect((await scim.get('/Users?count=0')).body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    // count is capped at maxResults; startIndex below 1 counts as 1.
    const capped = await scim.get('/Users?startIndex=0&count=50');
    expect(capped.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['ann', 'bob', 'cy']);
    expect((await scim.get('/Users?startIndex=9')).body).toMatchObject({ totalResults: 5, Resources: [] });
    expect((await scim.get(`/Users?filter=${encodeURIComponent('userName eq "ann"')}&startIndex=2`)).body).toMatchObject({ totalResults: 1, Resources: [] });
    expect((await scim.get(`/Users?filter=${encodeURIComponent(`id eq "${page.body.Resources[0].id}"`)}`)).body.totalResults).toBe(1);
  });

  it('/ServiceProviderConfig, /Schemas and /ResourceTypes describe what is served', async () => {
    const { scim } = await setup({ organizations: { Acme: null } });
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 100 },
      etag: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
    const schemas = await scim.get('/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', SEATS, ENTERPRISE]);
    const core = await scim.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(core.body.attributes.map((a: { name: string }) => a.name)).toContain('userName');
    expectError(await scim.get('/Schemas/urn:nope'), 404);
    const types = await scim.get('/ResourceTypes');
    expect(types.body.Resources).toMatchObject([{ id: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User', schemaExtensions: [{ schema: SEATS }, { schema: ENTERPRISE }] }]);
    expect((await scim.get('/ResourceTypes/User')).body.meta.location).toBe(`${BASE}/ResourceTypes/User`);
  });

  it('a body over maxBodyBytes is 413', async () => {
    const { scim } = await setup({ maxBodyBytes: 2_048 });
    const answer = await scim.post('/Users', entraUser('ann', { title: 'x'.repeat(4_000) }));
    expectError(answer, 413);
  });

  it('mounts at the root too', async () => {
    const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
    const handler = createScimHandler(seats, { token: TOKEN, areaId: 'primary', basePath: '/' });
    const answer = await handler(new Request('http://localhost/Users', { headers: { Authorization: `Bearer ${TOKEN}` } }));
    expect(answer.status).toBe(200);
  });
});

describe('unexpected errors', () => {
  it('are 500 with no internal detail, and handed to onError; a storage outage is 503', async () => {
    const inner = new InMemorySeatRepository();
    let failure: Error | null = null;
    const repository = new Proxy(inner, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (property === 'getUser' && failure !== null) {
          const error = failure;
          return async () => {
            throw error;
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const onError = vi.fn();
    const { scim } = await setup({ onError }, repository);
    failure = new Error('connection to db-secret-host:5432 refused');
    const answer = await scim.get('/Users/some-id');
    expectError(answer, 500);
    expect(JSON.stringify(answer.body)).not.toContain('secret');
    expect(onError).toHaveBeenCalledWith(failure);

    failure = new StorageUnavailableError('the database is down');
    const down = await scim.get('/Users/some-id');
    expectError(down, 503);
    expect(down.headers.get('retry-after')).toBe('5');
  });

  it('an onError that throws does not change the answer', async () => {
    const repository = new InMemorySeatRepository();
    let failing = false;
    const { scim } = await setup(
      {
        onError: () => {
          throw new Error('logger down');
        },
      },
      new Proxy(repository, {
        get(target, property) {
          if (property === 'listAreas' && failing) return async () => Promise.reject(new Error('boom'));
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }),
    );
    failing = true;
    expectError(await scim.post('/Users', entraUser('ann')), 500);
  });

  it('a handler for an area that is not defined answers 500 and reports the UnknownAreaError', async () => {
    const onError = vi.fn();
    const { scim } = await setup({ areaId: 'nowhere', onError });
    expectError(await scim.post('/Users', entraUser('ann')), 500);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'UNKNOWN_AREA' });
  });
});

describe('options', () => {
  it('are validated when the handler is created', async () => {
    const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
    const base = { token: TOKEN, areaId: 'primary', basePath: '/scim/v2' };
    expect(() => createScimHandler(seats, { ...base, token: 'short' })).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, basePath: 'scim' })).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, areaId: '' })).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, tokens: [] } as never)).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, organizations: {}, organizationAttribute: 'emails[type eq "work"].value' })).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, organizations: {}, organizationAttribute: `${SEATS}:organizationId` })).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, organizations: {}, organizationAttribute: 'favouriteColour' })).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, organizations: 'acme' as never })).toThrow(InvalidInputError);
    expect(() => createScimHandler(seats, { ...base, basePath: '/scim/v2/' })).not.toThrow();
  });

  it('a partner attribute of a custom extension is accepted in bodies and mapped', async () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const { seats, scim } = await setup({ organizationAttribute: `${custom}:partner`, organizations: { P1: 'p1' } });
    await seats.defineOrganization({ id: 'p1', areaId: 'primary', name: 'P1', access: 'granted', maxUsers: null });
    const created = await scim.post('/Users', oktaUser('p@okta.local', { [custom]: { partner: 'P1' } }));
    expect(created.body[SEATS].organizationId).toBe('p1');
    const moved = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: `${custom}:partner`, value: null }));
    expect(moved.body[SEATS]).toEqual({ seatStatus: 'active' });
    const types = await scim.get('/ResourceTypes/User');
    expect(types.body.schemaExtensions.map((e: { schema: string }) => e.schema)).toEqual([SEATS, custom]);
  });
});
