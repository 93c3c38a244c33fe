/**
 * A seatkeeper profile as a SCIM User resource, and back: what a client's
 * User resource asks of the profile.
 *
 * @module
 */
import type { User } from '../core/schemas.js';
import { CORE_USER, findAttribute, findSchema, SEATS_EXTENSION, type AttributePath, type KnownSchemas } from './attributes.js';
import { ScimProblem } from './problem.js';

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Where a profile stands for its seat: `active` (has one), `pending` (waits for one: `license-limit`), `blocked` (any other block). */
export type SeatStatusValue = 'active' | 'pending' | 'blocked';

/**
 * The User resource of a profile. Unassigned attributes are left out; the
 * seat status, block reason and partner organization are in the
 * {@link SEATS_EXTENSION} extension.
 *
 * @param user - the profile
 * @param base - the absolute URL of the SCIM base path, for `meta.location`
 * @returns the resource
 */
export function toScimUser(user: User, base: string): JsonObject {
  const seatStatus: SeatStatusValue = user.state === 'active' ? 'active' : user.blockReason === 'license-limit' ? 'pending' : 'blocked';
  return {
    schemas: [CORE_USER, SEATS_EXTENSION],
    id: user.id,
    ...(user.externalId === null ? {} : { externalId: user.externalId }),
    userName: user.username,
    ...(user.displayName === null ? {} : { displayName: user.displayName, name: { formatted: user.displayName } }),
    ...(user.email === null ? {} : { emails: [{ value: user.email, type: 'work', primary: true }] }),
    active: user.state === 'active',
    [SEATS_EXTENSION]: {
      seatStatus,
      ...(user.blockReason === null ? {} : { blockReason: user.blockReason }),
      ...(user.organizationId === null ? {} : { organizationId: user.organizationId }),
    },
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${base}/Users/${encodeURIComponent(user.id)}`,
    },
  };
}

/**
 * A User resource from a request body, its attribute names in canonical
 * spelling (SCIM names are case-insensitive). Attributes of the known schemas
 * are kept, the read-only ones (`id`, `meta`, `groups`, seatkeeper's extension)
 * dropped, as RFC 7644 section 3.3 says.
 *
 * @param body - the parsed JSON body
 * @param schemas - the schemas the handler knows
 * @returns the resource
 * @throws ScimProblem `invalidSyntax` for a body that is not an object or has an unknown attribute or schema
 */
export function normalizeUserBody(body: unknown, schemas: KnownSchemas): JsonObject {
  if (!isObject(body)) throw ScimProblem.invalidSyntax('The body must be a JSON object: a SCIM User resource.');
  const resource: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    if (key.toLowerCase().startsWith('urn:')) {
      const schema = findSchema(schemas, key);
      if (schema === undefined) throw ScimProblem.invalidSyntax(`"${key}" is not a schema this service supports.`);
      if (value === null || value === undefined) continue;
      if (!isObject(value)) throw ScimProblem.invalidSyntax(`"${key}" must be an object of that extension's attributes.`);
      if (schema.id === CORE_USER) Object.assign(resource, normalizeUserBody(value, schemas));
      else resource[schema.id] = normalizeAttributes(schema.id, value, schemas);
      continue;
    }
    Object.assign(resource, normalizeAttributes(CORE_USER, { [key]: value }, schemas));
  }
  return resource;
}

/** The attributes of one schema, in canonical spelling, read-only ones dropped. */
function normalizeAttributes(schemaId: string, values: JsonObject, schemas: KnownSchemas): JsonObject {
  const schema = findSchema(schemas, schemaId);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(values)) {
    const attribute = schema === undefined ? undefined : findAttribute(schema, key);
    if (attribute === undefined) throw ScimProblem.invalidSyntax(`"${key}" is not an attribute of ${schemaId}.`);
    if (attribute.readOnly === true) continue;
    // The complex attributes seatkeeper reads have their sub-attributes spelled canonically too.
    if (attribute.name === 'name' && isObject(value)) out.name = canonicalKeys(value, attribute.sub ?? [], 'name');
    else if (attribute.name === 'emails' && Array.isArray(value)) out.emails = value.map((item) => (isObject(item) ? canonicalKeys(item, attribute.sub ?? [], 'emails') : item));
    else out[attribute.name] = value;
  }
  return out;
}

function canonicalKeys(value: JsonObject, names: readonly string[], of: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const name = names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name === undefined) throw ScimProblem.invalidSyntax(`"${key}" is not a sub-attribute of "${of}".`);
    out[name] = item;
  }
  return out;
}

/**
 * `active` as a boolean: Entra ID sends the strings `"True"` / `"False"` in some
 * PATCH requests.
 *
 * @param value - the attribute's value
 * @returns the boolean, or `undefined` when unassigned
 * @throws ScimProblem `invalidValue` for anything else
 */
export function readActive(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw ScimProblem.invalidValue(`"active" must be true or false, not ${JSON.stringify(value)}.`);
}

/**
 * The `userName` of a resource.
 *
 * @throws ScimProblem `invalidValue` when it is missing or not a string
 */
export function readUserName(resource: JsonObject): string {
  const value = resource.userName;
  if (typeof value !== 'string' || value.trim() === '') throw ScimProblem.invalidValue('"userName" is required and must be a non-empty string.');
  return value;
}

/** An optional string attribute: `null` when unassigned. */
export function readString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw ScimProblem.invalidValue(`"${name}" must be a string, not ${JSON.stringify(value)}.`);
  return value.trim() === '' ? null : value;
}

/**
 * The email seatkeeper keeps: the `work` one, else the primary one, else the
 * first; `null` when there is none.
 *
 * @throws ScimProblem `invalidValue` when `emails` is not an array of `{ value }`
 */
export function readEmail(resource: JsonObject): string | null {
  const emails = resource.emails;
  if (emails === undefined || emails === null) return null;
  if (!Array.isArray(emails)) throw ScimProblem.invalidValue('"emails" must be an array of { value, type, primary }.');
  const items = emails.filter(isObject);
  if (items.length !== emails.length) throw ScimProblem.invalidValue('Every item of "emails" must be an object { value, type, primary }.');
  const chosen =
    items.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ??
    items.find((e) => e.primary === true || (typeof e.primary === 'string' && e.primary.toLowerCase() === 'true')) ??
    items[0];
  return chosen === undefined ? null : readString(chosen.value, 'emails.value');
}

/**
 * The display name a resource asks for: `displayName`, else `name.formatted`,
 * else the given and family names joined.
 */
export function readDisplayName(resource: JsonObject): string | null {
  const name = isObject(resource.name) ? resource.name : {};
  const joined = [readString(name.givenName, 'name.givenName'), readString(name.familyName, 'name.familyName')].filter((p) => p !== null).join(' ');
  return readString(resource.displayName, 'displayName') ?? readString(name.formatted, 'name.formatted') ?? (joined === '' ? null : joined);
}

/**
 * The display name after a PATCH: the attribute the operations changed wins
 * (`displayName`, then `name.formatted`, then the given and family names when
 * both are there), so a client that keeps the name in `name.formatted` can change it.
 *
 * @param before - the resource before the operations
 * @param after - the resource after them
 * @param current - the stored display name
 */
export function patchedDisplayName(before: JsonObject, after: JsonObject, current: string | null): string | null {
  const nameOf = (r: JsonObject): JsonObject => (isObject(r.name) ? r.name : {});
  const [was, now] = [nameOf(before), nameOf(after)];
  if (after.displayName !== before.displayName) return readString(after.displayName, 'displayName');
  // A `name` replaced whole (no path) may drop `formatted`: the given and family names then say it.
  if (now.formatted !== was.formatted) return readDisplayName({ name: now });
  // seatkeeper keeps no given and family names: one of them alone cannot say the whole name.
  const both = readString(now.givenName, 'name.givenName') !== null && readString(now.familyName, 'name.familyName') !== null;
  if (both && (now.givenName !== was.givenName || now.familyName !== was.familyName)) return readDisplayName({ name: { givenName: now.givenName, familyName: now.familyName } });
  return current;
}

/**
 * The value at an attribute path without a filter (`attr`, `attr.sub`, `urn:...:attr`).
 *
 * @param resource - a normalized resource
 * @param path - the path
 */
export function valueAt(resource: JsonObject, path: AttributePath): unknown {
  const holder = path.schema.id === CORE_USER ? resource : resource[path.schema.id];
  if (!isObject(holder) || path.attribute === null) return undefined;
  const value = holder[path.attribute.name];
  if (path.sub === null) return value;
  return isObject(value) ? value[path.sub] : undefined;
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
