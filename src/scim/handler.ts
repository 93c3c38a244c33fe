/**
 * The SCIM 2.0 service (RFC 7643 / 7644) for the `/Users` that Entra ID and
 * Okta provision, as one Fetch API function. Every write goes through the
 * seatkeeper facade: a SCIM user is a directory user, synced as a one-entry
 * feed, so the directory sync's seat rules apply unchanged (created blocked
 * at the limit, admin blocks kept, pending users activated oldest first).
 *
 * @module
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { directoryEntrySchema, type DirectoryEntryInput, type InvalidDirectoryEntry } from '../core/directory-entry.js';
import type { User } from '../core/schemas.js';
import { InvalidInputError, SeatkeeperError, UnknownAreaError, UnknownOrganizationError, UnknownUserError } from '../errors.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { parseInput } from '../service/validate.js';
import { CORE_USER, ENTERPRISE_USER, knownSchemas, parseAttributePath, SEATS_EXTENSION, type AttributePath, type KnownSchemas } from './attributes.js';
import { listOf, resourceTypeById, resourceTypesList, schemaById, schemasList, serviceProviderConfig, type DiscoveryContext } from './discovery.js';
import { parseUserFilter } from './filter.js';
import { DEFAULT_ORGANIZATION_ATTRIBUTE, scimHandlerOptionsSchema, type OrganizationMapper, type ScimHandlerOptions } from './options.js';
import { applyPatch } from './patch.js';
import { problemResponse, ScimProblem, scimResponse } from './problem.js';
import {
  normalizeUserBody,
  patchedDisplayName,
  readActive,
  readDisplayName,
  readEmail,
  readString,
  readUserName,
  toScimUser,
  valueAt,
  type JsonObject,
} from './resource.js';

/** A SCIM service: a Fetch API request in, a response out. Never rejects. */
export type ScimHandler = (request: Request) => Promise<Response>;

const DEFAULT_MAX_RESULTS = 100;
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** What a `PUT` or `PATCH` asks of an existing profile. */
interface Desired {
  readonly username: string;
  readonly externalId: string | null;
  readonly email: string | null;
  readonly displayName: string | null;
  /** The partner organization; `undefined` keeps the profile's. */
  readonly organizationId: string | null | undefined;
  /** Enabled in the identity provider: a disabled user is blocked (`directory-disabled`). */
  readonly enabled: boolean;
  /** The request sets `active` to true: refused for a user an admin blocked. */
  readonly asksActive: boolean;
}

/** The partner attribute and how its values map to organizations. */
interface PartnerMapping {
  readonly path: AttributePath;
  readonly map: OrganizationMapper;
}

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

  /** Pending users of the area get free seats, oldest first. */
  const activatePending = () => seats.activatePendingDirectoryUsers({ areaIds: [areaId] });

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
          if (method === 'GET') return scimResponse(200, await list(url, base));
          if (method === 'POST') {
            const user = await create(await readJson(request));
            const resource = toScimUser(user, base);
            return scimResponse(201, resource, { Location: (resource.meta as { location: string }).location });
          }
          throw new ScimProblem(405, `${method} is not allowed on /Users.`, null, { Allow: 'GET, POST' });
        }
        if (method === 'GET') return scimResponse(200, toScimUser(await findInArea(id), base));
        if (method === 'PUT') return scimResponse(200, toScimUser(await replace(id, await readJson(request)), base));
        if (method === 'PATCH') return scimResponse(200, toScimUser(await patch(id, await readJson(request), base), base));
        if (method === 'DELETE') {
          await remove(id);
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

  /** A licensed user of the handler's area; others (system users, other areas) are not SCIM resources here. */
  async function findInArea(id: string): Promise<User> {
    const user = await lookUp(() => seats.getUser(id));
    if (user === null || !inArea(user)) throw ScimProblem.notFound(`No user with id "${id}".`);
    return user;
  }

  function inArea(user: User): boolean {
    return user.kind === 'licensed' && user.areaId === areaId;
  }

  async function list(url: URL, base: string): Promise<JsonObject> {
    const startIndex = Math.max(1, integerParameter(url, 'startIndex') ?? 1);
    const count = Math.min(maxResults, Math.max(0, integerParameter(url, 'count') ?? maxResults));
    const filter = url.searchParams.get('filter');
    if (filter !== null && filter.trim() !== '') {
      const { attribute, value } = parseUserFilter(filter);
      const found = await lookUp(() =>
        attribute === 'userName' ? seats.findUserByUsername(value) : attribute === 'externalId' ? seats.findUserByExternalId(value) : seats.getUser(value),
      );
      const matches = found !== null && inArea(found) ? [found] : [];
      return listOf(
        matches.slice(startIndex - 1, startIndex - 1 + count).map((user) => toScimUser(user, base)),
        matches.length,
        startIndex,
      );
    }
    const area = (await seats.summary()).areas.find((a) => a.areaId === areaId);
    let systemUsers = 0;
    for await (const _ of seats.listUsers({ areaId, kind: 'system' })) systemUsers++;
    const page: JsonObject[] = [];
    if (count > 0) {
      let skip = startIndex - 1;
      for await (const user of seats.listUsers({ areaId, kind: 'licensed', pageSize: Math.min(10_000, skip + count) })) {
        if (skip > 0) {
          skip--;
          continue;
        }
        page.push(toScimUser(user, base));
        if (page.length >= count) break;
      }
    }
    return listOf(page, (area?.users ?? 0) - systemUsers, startIndex);
  }

  async function create(body: unknown): Promise<User> {
    const resource = normalizeUserBody(body, schemas);
    const username = readUserName(resource);
    const externalId = readString(resource.externalId, 'externalId');
    const active = readActive(resource.active) ?? true;
    const organizationId = partner === null ? undefined : partnerOf(resource, partner);
    const entry: DirectoryEntryInput = {
      externalId: externalId ?? randomUUID(),
      username,
      email: readEmail(resource),
      displayName: readDisplayName(resource),
      areaId,
      ...(organizationId === undefined ? {} : { organizationId }),
      enabled: active,
    };
    if ((await lookUp(() => seats.findUserByUsername(username))) !== null) throw ScimProblem.uniqueness(`The userName "${username}" is taken (user names are unique, ignoring case).`);
    if (externalId !== null && (await lookUp(() => seats.findUserByExternalId(externalId))) !== null) {
      throw ScimProblem.uniqueness(`The externalId "${externalId}" is taken by another user.`);
    }
    // Those who waited longer get a free seat before this user.
    if (active) await activatePending();
    return syncOne(entry, true);
  }

  async function replace(id: string, body: unknown): Promise<User> {
    const current = await findInArea(id);
    const resource = normalizeUserBody(body, schemas);
    // Without `active`, the user stays as enabled or disabled as it was.
    const active = readActive(resource.active);
    return update(current, {
      username: readUserName(resource),
      externalId: readString(resource.externalId, 'externalId'),
      email: readEmail(resource),
      displayName: readDisplayName(resource),
      organizationId: partner === null ? undefined : partnerOf(resource, partner),
      enabled: active ?? enabledInDirectory(current),
      asksActive: active === true,
    });
  }

  async function patch(id: string, body: unknown, base: string): Promise<User> {
    const current = await findInArea(id);
    const before = toScimUser(current, base);
    const { after, touchesActive, touchesPartner } = applyPatch(body, before, schemas, partner?.path ?? null);
    const active = touchesActive ? readActive(after.active) : undefined;
    return update(current, {
      username: readUserName(after),
      externalId: readString(after.externalId, 'externalId'),
      email: readEmail(after),
      displayName: patchedDisplayName(before, after, current.displayName),
      organizationId: partner !== null && touchesPartner ? partnerOf(after, partner) : undefined,
      enabled: active ?? enabledInDirectory(current),
      asksActive: active === true,
    });
  }

  async function update(current: User, desired: Desired): Promise<User> {
    const adminBlocked = current.state === 'blocked' && current.blockReason === 'admin';
    if (desired.asksActive && adminBlocked) {
      throw ScimProblem.mutability(
        `User "${current.username}" was blocked by an administrator of this application; the identity provider cannot activate it. An administrator reinstates it here (or the identity provider sets active to false).`,
      );
    }
    const holder = await lookUp(() => seats.findUserByUsername(desired.username));
    if (holder !== null && holder.id !== current.id) throw ScimProblem.uniqueness(`The userName "${desired.username}" is taken (user names are unique, ignoring case).`);
    // The external id is the key a sync matches by: one the client changes (or a profile made by hand
    // that never had one) is linked first, so the sync finds the profile instead of creating another.
    // A client that drops externalId keeps the link.
    const externalId = desired.externalId ?? current.externalId ?? randomUUID();
    const entry: DirectoryEntryInput = {
      externalId,
      username: desired.username,
      email: desired.email,
      displayName: desired.displayName,
      areaId,
      ...(desired.organizationId === undefined ? {} : { organizationId: desired.organizationId }),
      enabled: desired.enabled,
    };
    if (externalId !== current.externalId) {
      // Checked before the link is written, so a malformed request writes nothing.
      const checked = directoryEntrySchema.safeParse(entry);
      if (!checked.success) throw problemOfEntry({ index: 0, externalId, username: desired.username, issues: checked.error.issues });
      const linked = await seats.updateUser(current.id, { externalId });
      if (!linked.ok) throw ScimProblem.uniqueness(linked.reason.message);
    }
    const moves = desired.organizationId !== undefined && desired.organizationId !== current.organizationId;
    if (desired.enabled && !adminBlocked && (current.state !== 'active' || moves)) await activatePending();
    const user = await syncOne(entry, false);
    if (current.state === 'active' && (user.state !== 'active' || user.organizationId !== current.organizationId)) await activatePending();
    return user;
  }

  async function remove(id: string): Promise<void> {
    const current = await findInArea(id);
    await seats.deleteUser(current.id);
    if (current.state === 'active') await activatePending();
  }

  /**
   * Writes one user through a directory sync of a one-entry feed: `onMissing:
   * 'keep'` (nobody else is touched) and `force` (blocking one user is never a
   * mass block).
   */
  async function syncOne(entry: DirectoryEntryInput, creating: boolean): Promise<User> {
    const report = await seats.syncDirectory([entry], { onMissing: 'keep', force: true, areaIds: [areaId] });
    const invalid = report.invalid[0];
    if (invalid !== undefined) throw problemOfEntry(invalid);
    if (report.skipped.length > 0) {
      const detail = `The user was changed by another request while this one was applied; nothing was written. Retry. (${report.skipped[0]?.message ?? ''})`;
      throw creating ? ScimProblem.uniqueness(detail) : new ScimProblem(409, detail);
    }
    const line = report.lines[0];
    if (line === undefined) throw new Error('A one-entry directory sync reported no line.');
    return line.user;
  }

  /** Why the sync left the entry out, as a SCIM error. */
  function problemOfEntry(invalid: InvalidDirectoryEntry): Error {
    const codes = invalid.issues.map((issue) => issue.code);
    const detail = invalid.issues.map((issue) => `${scimName(issue.path[0])}: ${issue.message}`).join('; ');
    if (codes.includes('unknown_area')) return new UnknownAreaError(areaId);
    if (codes.some((c) => c === 'username_taken' || c === 'system_user' || c === 'duplicate_username' || c === 'duplicate_external_id')) return ScimProblem.uniqueness(detail);
    return ScimProblem.invalidValue(detail);
  }

  function scimName(field: PropertyKey | undefined): string {
    if (field === 'username') return 'userName';
    if (field === 'email') return 'emails';
    if (field === 'organizationId' && partner !== null) return formatPartnerPath(partner.path);
    return String(field ?? 'user');
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

/** The partner attribute's path and mapping, and the schemas the handler knows with it. */
function partnerMapping(
  attribute: string | undefined,
  organizations: Readonly<Record<string, string | null>> | OrganizationMapper | undefined,
): { schemas: KnownSchemas; partner: PartnerMapping | null } {
  if (organizations === undefined) return { schemas: knownSchemas(null), partner: null };
  const name = attribute ?? DEFAULT_ORGANIZATION_ATTRIBUTE;
  const base = knownSchemas(null);
  const lower = name.toLowerCase();
  // An attribute of an extension the handler does not know brings its extension along.
  const known = lower.startsWith('urn:') && base.some((s) => lower.startsWith(`${s.id.toLowerCase()}:`));
  const custom = lower.startsWith('urn:') && !known ? { schema: name.slice(0, name.lastIndexOf(':')), attribute: name.slice(name.lastIndexOf(':') + 1) } : null;
  const schemas = knownSchemas(custom);
  let path: AttributePath;
  try {
    path = parseAttributePath(name, schemas);
  } catch (error) {
    throw new InvalidInputError('createScimHandler options', [{ path: ['organizationAttribute'], code: 'custom', message: (error as Error).message }]);
  }
  if (path.attribute === null || path.filter !== null || path.schema.id === SEATS_EXTENSION || path.attribute.readOnly === true) {
    throw new InvalidInputError('createScimHandler options', [
      { path: ['organizationAttribute'], code: 'custom', message: `"${name}" must name one writable attribute, without a value filter` },
    ]);
  }
  const map: OrganizationMapper =
    typeof organizations === 'function' ? organizations : (value) => (value === null ? null : Object.hasOwn(organizations, value) ? organizations[value] : undefined);
  return { schemas, partner: { path, map } };
}

/** The partner organization a resource names through the partner attribute. */
function partnerOf(resource: JsonObject, partner: PartnerMapping): string | null {
  const value = readString(valueAt(resource, partner.path), formatPartnerPath(partner.path));
  const organizationId = partner.map(value);
  if (organizationId === undefined) {
    throw ScimProblem.invalidValue(`No partner organization is mapped to ${formatPartnerPath(partner.path)} = ${JSON.stringify(value)}.`);
  }
  return organizationId;
}

function formatPartnerPath(path: AttributePath): string {
  const local = `${path.attribute?.name ?? ''}${path.sub === null ? '' : `.${path.sub}`}`;
  return path.schema.id === CORE_USER ? local : `${path.schema.id === ENTERPRISE_USER ? ENTERPRISE_USER : path.schema.id}:${local}`;
}

/** Whether the identity provider has the user enabled, as far as the profile tells: only a directory block says it does not. */
function enabledInDirectory(user: User): boolean {
  return !(user.state === 'blocked' && (user.blockReason === 'directory-disabled' || user.blockReason === 'directory-removed'));
}

/** A look-up whose input cannot name a user (an empty or oversized key) finds nobody. */
async function lookUp(find: () => Promise<User | null>): Promise<User | null> {
  try {
    return await find();
  } catch (error) {
    if (error instanceof InvalidInputError) return null;
    throw error;
  }
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

function integerParameter(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === '') return null;
  if (!/^-?\d+$/.test(raw.trim())) throw ScimProblem.invalidValue(`"${name}" must be an integer, not ${JSON.stringify(raw)}.`);
  return Number(raw.trim());
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
