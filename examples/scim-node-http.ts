/**
 * The SCIM handler in Node's own `http` server: a small adapter turns each
 * IncomingMessage into a Fetch API Request and writes the Response back. The
 * example starts the server on a free port, provisions users the way Entra ID
 * does (look up, create, disable with "False", re-enable), shows a user
 * created blocked at the license limit, and stops.
 *
 * Run: npx tsx examples/scim-node-http.ts
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSeatkeeper, InMemorySeatRepository } from 'seatkeeper';
import { createScimHandler, SEATS_EXTENSION, type ScimHandler } from 'seatkeeper/scim';

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 1 });

// The secret pasted into Entra ID's "Secret Token" (Okta: "API Token") field.
const token = process.env.SCIM_TOKEN ?? randomBytes(32).toString('base64url');
const scim = createScimHandler(seats, { token, areaId: 'primary', basePath: '/scim/v2' });

/** Node's request as a Fetch API Request, and the handler's Response written back. */
function nodeListener(handler: ScimHandler) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && chunks.length > 0;
      const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
      });
      const response = await handler(request);
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.writeHead(response.status);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      res.writeHead(500).end();
    }
  };
}

const server = createServer(nodeListener(scim));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = text === '' ? null : (JSON.parse(text) as ScimBody);
  console.log(`${method.padEnd(6)} ${path.padEnd(44)} ${response.status} ${describe(json)}`);
  return json;
}

/** What the example reads of a SCIM body. */
interface ScimBody {
  readonly id?: string;
  readonly userName?: string;
  readonly active?: boolean;
  readonly totalResults?: number;
  readonly detail?: string;
  readonly [SEATS_EXTENSION]?: { readonly seatStatus: string; readonly blockReason?: string };
}

function describe(json: ScimBody | null): string {
  if (json === null) return '';
  const seat = json[SEATS_EXTENSION];
  if (json.userName !== undefined) return `${json.userName} active=${json.active} seat=${seat?.seatStatus}${seat?.blockReason ? ` (${seat.blockReason})` : ''}`;
  return json.totalResults !== undefined ? `${json.totalResults} found` : (json.detail ?? '');
}

const patch = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  externalId: `entra-${userName}`,
  userName,
  active: true,
  emails: [{ primary: true, type: 'work', value: `${userName}@contoso.example` }],
  name: { formatted: userName.replace('.', ' '), givenName: userName.split('.')[0], familyName: userName.split('.')[1] },
});

try {
  await call('GET', `/Users?filter=${encodeURIComponent('userName eq "ann.lee"')}`);
  const ann = await call('POST', '/Users', user('ann.lee'));
  // The only license is taken: bob is created, blocked, waiting for one.
  const bob = await call('POST', '/Users', user('bob.ray'));
  // Entra ID disables ann (it sends the string "False"): her seat goes to bob, who waited.
  await call('PATCH', `/Users/${ann?.id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
  await call('GET', `/Users/${bob?.id}`);
  // Enabled again with no license free: she waits, and the answer says so.
  await call('PATCH', `/Users/${ann?.id}`, patch({ op: 'Replace', path: 'active', value: true }));
  await call('GET', '/Users?startIndex=1&count=10');
  const unauthorized = await fetch(`${base}/Users`);
  console.log(`${'GET'.padEnd(6)} ${'/Users (no token)'.padEnd(44)} ${unauthorized.status} ${unauthorized.headers.get('www-authenticate')}`);
} finally {
  server.close();
}
