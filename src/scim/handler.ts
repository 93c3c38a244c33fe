/**
 * The SCIM 2.0 service (RFC 7643 / 7644) as one Fetch API function: the
 * bearer token, routing, request bodies and error responses. The `/Users`
 * operations are in `users.ts`, on the seatkeeper facade.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidInputError, SeatkeeperError, UnknownOrganizationError, UnknownUserError } from '../errors.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { parseInput } from '../service/validate.js';
import { resourceTypeById, resourceTypesList, schemaById, schemasList, serviceProviderConfig, type DiscoveryContext } from './discovery.js';
import { scimHandlerOptionsSchema, type ScimHandlerOptions } from './options.js';
import { partnerMapping } from './partner.js';
import { problemResponse, ScimProblem, scimResponse } from './problem.js';
import { toScimUser } from './resource.js';
import { scimUsers } from './users.js';

/** A SCIM service: a Fetch API request in, a response out. Never rejects. */
export type ScimHandler = (request: Request) => Promise<Response>;

const DEFAULT_MAX_RESULTS = 100;
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * Creates a SCIM 2.0 service for the users of one area, as Microsoft Entra ID
 * and Okta provision them: `/Users` (create, get, list with `filter` and
 * paging, `PUT`, `PATCH`, `DELETE`), `/ServiceProviderConfig`, `/Schemas` and
 * `/ResourceTypes`, behind a bearer token compared in constant time.
 *
 * Seats follow the directory sync rules: a user created when no seat is free
 * is created blocked and waits for a license (`201` with `active: false` and
 * `seatStatus: 'pending'` in the `urn:seatkeeper:params:scim:schemas:extension:seats:2.0:User`
 * extension); `active: false` blocks (`directory-disabled`); `active: true`
 * activates a disabled or pending user when a seat is free (else it waits);
 * for a user an admin blocked it is refused (`400 mutability`). Pending users
 * get seats oldest first, before any request that takes one and after any
 * request that frees one. Errors are SCIM error bodies; a 500 carries no detail.
 *
 * Mount it with any server that speaks the Fetch API (Hono, Bun, Deno, Next.js
 * route handlers) or through an adapter (Node's `http`, Express, Fastify): see docs/scim.md.
 *
 * @param seats - the seatkeeper instance
 * @param options - the token, the area, the base path, the partner mapping; see {@link ScimHandlerOptions}
 * @returns the handler
 * @throws InvalidInputError when an option is malformed
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createScimHandler } from 'seatkeeper/scim';
 *
 * const scim = createScimHandler(seats, { token: process.env.SCIM_TOKEN!, areaId: 'primary', basePath: '/scim/v2' });
 * const app = new Hono();
 * app.all('/scim/v2/*', (c) => scim(c.req.raw));
 * ```
 */
export function createScimHandler(seats: Seatkeeper, options: ScimHandlerOptions): ScimHandler {
  const config = parseInput(scimHandlerOptionsSchema, options, 'createScimHandler options');
  const expectedToken = digest(config.token);
  const maxResults = config.maxResults ?? DEFAULT_MAX_RESULTS;
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { schemas, partner } = partnerMapping(config.organizationAttribute, config.organizations);
  const { areaId, basePath } = config;
  const users = scimUsers(seats, { areaId, maxResults, schemas, partner });

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) throw ScimProblem.notFound(`${url.pathname} is not a SCIM endpoint of this service.`);
    const segments = url.pathname.slice(basePath.length).split('/').filter((s) => s !== '').map(decodeSegment);
    const [endpoint, id, ...more] = segments;
    const base = `${url.origin}${basePath}`;
    const discovery: DiscoveryContext = { base, maxResults, partnerPath: partner?.path ?? null };
    const method = request.method.toUpperCase();
    const only = (allowed: string) => {
      if (method !== allowed) throw new ScimProblem(405, `${method} is not allowed here.`, null, { Allow: allowed });
    };
    if (more.length > 0) throw ScimProblem.notFound(`${url.pathname} is not a SCIM endpoint of this service.`);

    switch (endpoint?.toLowerCase()) {
      case 'users':
        if (id === undefined) {
          if (method === 'GET') return scimResponse(200, await users.list(url, base));
          if (method === 'POST') {
            const user = await users.create(await readJson(request));
            const resource = toScimUser(user, base);
            return scimResponse(201, resource, { Location: (resource.meta as { location: string }).location });
          }
          throw new ScimProblem(405, `${method} is not allowed on /Users.`, null, { Allow: 'GET, POST' });
        }
        if (method === 'GET') return scimResponse(200, toScimUser(await users.get(id), base));
        if (method === 'PUT') return scimResponse(200, toScimUser(await users.replace(id, await readJson(request)), base));
        if (method === 'PATCH') return scimResponse(200, toScimUser(await users.patch(id, await readJson(request), base), base));
        if (method === 'DELETE') {
          await users.remove(id);
          return scimResponse(204, null);
        }
        throw new ScimProblem(405, `${method} is not allowed on /Users/{id}.`, null, { Allow: 'GET, PUT, PATCH, DELETE' });
      case 'serviceproviderconfig':
        only('GET');
        if (id !== undefined) break;
        return scimResponse(200, serviceProviderConfig(discovery));
      case 'schemas': {
        only('GET');
        if (id === undefined) return scimResponse(200, schemasList(discovery));
        const schema = schemaById(discovery, id);
        if (schema !== null) return scimResponse(200, schema);
        break;
      }
      case 'resourcetypes': {
        only('GET');
        if (id === undefined) return scimResponse(200, resourceTypesList(discovery));
        const type = resourceTypeById(discovery, id);
        if (type !== null) return scimResponse(200, type);
        break;
      }
    }
    throw ScimProblem.notFound(`${url.pathname} is not a SCIM endpoint of this service (it serves /Users, /ServiceProviderConfig, /Schemas and /ResourceTypes).`);
  }

  async function readJson(request: Request): Promise<unknown> {
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > maxBodyBytes) throw new ScimProblem(413, `The body is larger than ${maxBodyBytes} bytes.`);
    const bytes = await readBody(request, maxBodyBytes);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw ScimProblem.invalidSyntax('The body is not UTF-8 text.');
    }
    if (text.trim() === '') throw ScimProblem.invalidSyntax('The request has no body; it needs a JSON object.');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw ScimProblem.invalidSyntax(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function errorResponse(error: unknown): Response {
    if (error instanceof ScimProblem) return problemResponse(error);
    if (error instanceof InvalidInputError || error instanceof UnknownOrganizationError) return problemResponse(ScimProblem.invalidValue(error.message));
    if (error instanceof UnknownUserError) return problemResponse(ScimProblem.notFound('No such user; it may have been deleted.'));
    config.onError?.(error);
    if (error instanceof SeatkeeperError && (error.code === 'STORAGE_UNAVAILABLE' || error.code === 'SERIALIZATION_FAILURE')) {
      return problemResponse(new ScimProblem(503, 'The service is unavailable for a moment; retry later.', null, { 'Retry-After': '5' }));
    }
    return problemResponse(new ScimProblem(500, 'An internal error occurred.'));
  }

  return async (request) => {
    try {
      const presented = bearerToken(request.headers.get('authorization'));
      // Compared as digests of equal length, in constant time, whatever was presented.
      const matches = timingSafeEqual(digest(presented ?? ''), expectedToken);
      if (presented === null || !matches) {
        const challenge = presented === null ? 'Bearer realm="SCIM"' : 'Bearer realm="SCIM", error="invalid_token"';
        return problemResponse(new ScimProblem(401, 'A valid bearer token is required.', null, { 'WWW-Authenticate': challenge }));
      }
      return await route(request);
    } catch (error) {
      try {
        return errorResponse(error);
      } catch {
        // onError threw: the client still gets its answer.
        return problemResponse(new ScimProblem(500, 'An internal error occurred.'));
      }
    }
  };
}

function bearerToken(header: string | null): string | null {
  const match = header === null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw ScimProblem.notFound(`"${segment}" is not a valid path segment.`);
  }
}

/** Reads a body of at most `max` bytes, without reading on past the limit. */
async function readBody(request: Request, max: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new ScimProblem(413, `The body is larger than ${max} bytes.`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
