/**
 * The SCIM handler in a Hono app: Hono hands the handler its Fetch API
 * Request as it is (`c.req.raw`), so mounting is one line. The example serves
 * it with @hono/node-server on a free port, maps Okta users to a partner
 * organization by the enterprise `organization` attribute, provisions them the
 * way Okta does (look up, create, PUT the whole user, deactivate with a PATCH
 * without path), and stops.
 *
 * Run: npx tsx examples/scim-hono.ts
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createSeatkeeper, InMemorySeatRepository } from 'seatkeeper';
import { createScimHandler, ENTERPRISE_USER, SEATS_EXTENSION } from 'seatkeeper/scim';

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });
await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 1 });

const token = process.env.SCIM_TOKEN ?? randomBytes(32).toString('base64url');
const scim = createScimHandler(seats, {
  token,
  areaId: 'primary',
  basePath: '/scim/v2',
  // Users whose enterprise "organization" is "Acme Corporation" are Acme's; the rest belong to the host company.
  organizations: { 'Acme Corporation': 'acme' },
});

const app = new Hono();
app.get('/', (c) => c.text('the host application'));
app.all('/scim/v2/*', (c) => scim(c.req.raw));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;

interface ScimUser {
  readonly id: string;
  readonly userName: string;
  readonly active: boolean;
  readonly displayName?: string;
  readonly [SEATS_EXTENSION]: { readonly seatStatus: string; readonly blockReason?: string; readonly organizationId?: string };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as T };
}

function show(label: string, status: number, user: ScimUser): void {
  const seat = user[SEATS_EXTENSION];
  console.log(
    `${label.padEnd(34)} ${status} ${user.userName.padEnd(18)} active=${String(user.active).padEnd(5)} seat=${seat.seatStatus}` +
      `${seat.blockReason ? ` (${seat.blockReason})` : ''} organization=${seat.organizationId ?? 'host'}`,
  );
}

const oktaUser = (userName: string, organization: string | null) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER],
  userName,
  name: { givenName: userName.split('@')[0], familyName: 'Example' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: `${userName.split('@')[0]} Example`,
  externalId: `okta-${userName.split('@')[0]}`,
  groups: [],
  active: true,
  ...(organization === null ? {} : { [ENTERPRISE_USER]: { organization } }),
});

try {
  const lookUp = await call<{ totalResults: number }>('GET', `/Users?filter=${encodeURIComponent('userName eq "kim@acme.example"')}&startIndex=1&count=100`);
  console.log(`${'look up kim@acme.example'.padEnd(34)} ${lookUp.status} ${lookUp.json.totalResults} found`);
  const kim = await call<ScimUser>('POST', '/Users', oktaUser('kim@acme.example', 'Acme Corporation'));
  show('create kim (Acme)', kim.status, kim.json);
  // Acme's quota is 1: lee waits for a seat of Acme's, although the area has seats left.
  const lee = await call<ScimUser>('POST', '/Users', oktaUser('lee@acme.example', 'Acme Corporation'));
  show('create lee (Acme, quota full)', lee.status, lee.json);
  const max = await call<ScimUser>('POST', '/Users', oktaUser('max@host.example', null));
  show('create max (host company)', max.status, max.json);
  // Okta sends the whole user with PUT when a profile changes.
  const renamed = await call<ScimUser>('PUT', `/Users/${kim.json.id}`, { ...oktaUser('kim@acme.example', 'Acme Corporation'), displayName: 'Kim Acme' });
  show('PUT kim (new display name)', renamed.status, renamed.json);
  // Okta deactivates with a PATCH without path; Acme's seat goes to lee, who waited.
  const off = await call<ScimUser>('PATCH', `/Users/${kim.json.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', value: { active: false } }],
  });
  show('deactivate kim', off.status, off.json);
  const after = await call<ScimUser>('GET', `/Users/${lee.json.id}`);
  show('lee now', after.status, after.json);
  const bad = await call<{ scimType: string; detail: string }>('GET', `/Users?filter=${encodeURIComponent('displayName co "Kim"')}`);
  console.log(`${'an unsupported filter'.padEnd(34)} ${bad.status} ${bad.json.scimType}`);
  console.log(`${'the host app beside it'.padEnd(34)} ${(await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).status}`);
} finally {
  server.close();
}
