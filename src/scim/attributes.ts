/**
 * The SCIM schemas the handler knows (RFC 7643): their URNs, their attributes
 * by canonical name, and attribute paths (`emails[type eq "work"].value`,
 * `urn:...:enterprise:2.0:User:organization`) parsed against them. SCIM
 * attribute names are case-insensitive; everything past this module uses the
 * canonical spelling.
 *
 * @module
 */
import { parse as parseFilter } from 'scim2-parse-filter';
import { ScimProblem } from './problem.js';

/** The core User schema (RFC 7643 section 4.1). */
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** The enterprise User extension (RFC 7643 section 4.3). */
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** seatkeeper's read-only extension: where the seat status and block reason are. */
export const SEATS_EXTENSION = 'urn:seatkeeper:params:scim:schemas:extension:seats:2.0:User';

/** One attribute of a schema. */
export interface KnownAttribute {
  /** The canonical name. */
  readonly name: string;
  /** A complex attribute's sub-attributes (canonical names); absent for simple ones. */
  readonly sub?: readonly string[];
  /** Multi-valued: an array, which a path may filter with `[...]`. */
  readonly multi?: boolean;
  /** Set by the service provider only: a PATCH may not target it; in a body it is ignored. */
  readonly readOnly?: boolean;
}

/** A schema the handler accepts attributes of. */
export interface KnownSchema {
  /** Its URN. */
  readonly id: string;
  /** Its attributes. */
  readonly attributes: readonly KnownAttribute[];
}

const MULTI_SUB = ['value', 'display', 'type', 'primary', '$ref'];

/**
 * The core User attributes. Every one is accepted so that the default
 * attribute mappings of Entra ID and Okta work unchanged; seatkeeper stores
 * `userName`, `displayName` (or `name`), the work email, `externalId` and `active`.
 */
const CORE_ATTRIBUTES: readonly KnownAttribute[] = [
  { name: 'id', readOnly: true },
  { name: 'externalId' },
  { name: 'meta', readOnly: true, sub: ['resourceType', 'created', 'lastModified', 'location', 'version'] },
  { name: 'userName' },
  { name: 'name', sub: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'] },
  { name: 'displayName' },
  { name: 'nickName' },
  { name: 'profileUrl' },
  { name: 'title' },
  { name: 'userType' },
  { name: 'preferredLanguage' },
  { name: 'locale' },
  { name: 'timezone' },
  { name: 'active' },
  { name: 'password' },
  { name: 'emails', multi: true, sub: MULTI_SUB },
  { name: 'phoneNumbers', multi: true, sub: MULTI_SUB },
  { name: 'ims', multi: true, sub: MULTI_SUB },
  { name: 'photos', multi: true, sub: MULTI_SUB },
  {
    name: 'addresses',
    multi: true,
    sub: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type', 'primary'],
  },
  { name: 'groups', multi: true, readOnly: true, sub: MULTI_SUB },
  { name: 'entitlements', multi: true, sub: MULTI_SUB },
  { name: 'roles', multi: true, sub: MULTI_SUB },
  { name: 'x509Certificates', multi: true, sub: MULTI_SUB },
];

const ENTERPRISE_ATTRIBUTES: readonly KnownAttribute[] = [
  { name: 'employeeNumber' },
  { name: 'costCenter' },
  { name: 'organization' },
  { name: 'division' },
  { name: 'department' },
  { name: 'manager', sub: ['value', '$ref', 'displayName'] },
];

const SEATS_ATTRIBUTES: readonly KnownAttribute[] = [
  { name: 'seatStatus', readOnly: true },
  { name: 'blockReason', readOnly: true },
  { name: 'organizationId', readOnly: true },
];

/** The schemas of a handler: the three above, and the extension of a custom partner attribute. */
export type KnownSchemas = readonly KnownSchema[];

/**
 * The schemas a handler accepts: core, enterprise, seatkeeper's, and the
 * extension that `customAttribute` (a partner attribute outside the first
 * three, e.g. `urn:ietf:params:scim:schemas:extension:acme:2.0:User:partner`) names.
 */
export function knownSchemas(customAttribute: { readonly schema: string; readonly attribute: string } | null): KnownSchemas {
  const schemas: KnownSchema[] = [
    { id: CORE_USER, attributes: CORE_ATTRIBUTES },
    { id: ENTERPRISE_USER, attributes: ENTERPRISE_ATTRIBUTES },
    { id: SEATS_EXTENSION, attributes: SEATS_ATTRIBUTES },
  ];
  if (customAttribute !== null) schemas.push({ id: customAttribute.schema, attributes: [{ name: customAttribute.attribute }] });
  return schemas;
}

/** A parsed attribute path: which schema, attribute, value filter and sub-attribute. */
export interface AttributePath {
  /** The schema's URN. */
  readonly schema: KnownSchema;
  /** The attribute, or `null` for a path that names a whole extension. */
  readonly attribute: KnownAttribute | null;
  /** The value filter between brackets, as given (validated). */
  readonly filter: string | null;
  /** The sub-attribute, canonical. */
  readonly sub: string | null;
}

/** `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`. */
const PATH_SHAPE = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/s;

/**
 * Parses an attribute path (RFC 7644 section 3.5.2: `attrPath` or `valuePath`
 * with an optional sub-attribute), with or without its schema URN.
 *
 * @param path - the path as the client sent it
 * @param schemas - the schemas the handler knows
 * @returns the path, canonical
 * @throws ScimProblem `invalidPath` for an unknown schema or attribute or a malformed path, `invalidFilter` for a bad value filter
 */
export function parseAttributePath(path: string, schemas: KnownSchemas): AttributePath {
  const text = path.trim();
  let schema = schemas[0] as KnownSchema;
  let rest = text;
  if (text.toLowerCase().startsWith('urn:')) {
    const lower = text.toLowerCase();
    // The longest URN first: a custom extension's URN may extend another's.
    const found = [...schemas]
      .sort((a, b) => b.id.length - a.id.length)
      .find((s) => lower.startsWith(s.id.toLowerCase()) && (text.length === s.id.length || text[s.id.length] === ':'));
    if (found === undefined) throw ScimProblem.invalidPath(`The path "${path}" names a schema this service does not support.`);
    schema = found;
    rest = text.slice(found.id.length + 1);
    if (rest === '') {
      if (found.id === CORE_USER) throw ScimProblem.invalidPath(`The path "${path}" names no attribute.`);
      return { schema, attribute: null, filter: null, sub: null };
    }
  }
  const shape = PATH_SHAPE.exec(rest);
  if (shape === null) throw ScimProblem.invalidPath(`The path "${path}" is not an attribute path.`);
  const [, name, filter, sub] = shape as unknown as [string, string, string | undefined, string | undefined];
  const attribute = findAttribute(schema, name);
  if (attribute === undefined) throw ScimProblem.invalidPath(`"${name}" is not an attribute of ${schema.id}.`);
  if (filter !== undefined) {
    if (attribute.multi !== true) throw ScimProblem.invalidPath(`"${attribute.name}" is single-valued: a value filter does not apply to it.`);
    try {
      parseFilter(filter);
    } catch {
      throw ScimProblem.invalidFilter(`The value filter "[${filter}]" of the path "${path}" is malformed.`);
    }
  }
  let canonicalSub: string | null = null;
  if (sub !== undefined) {
    canonicalSub = attribute.sub?.find((s) => s.toLowerCase() === sub.toLowerCase()) ?? null;
    if (canonicalSub === null) throw ScimProblem.invalidPath(`"${sub}" is not a sub-attribute of "${attribute.name}".`);
  }
  return { schema, attribute, filter: filter ?? null, sub: canonicalSub };
}

/**
 * The path in canonical spelling, as scim-patch reads it: core attributes
 * without their URN, extension attributes behind theirs.
 */
export function formatAttributePath(path: AttributePath): string {
  if (path.attribute === null) return path.schema.id;
  const local = `${path.attribute.name}${path.filter === null ? '' : `[${path.filter}]`}${path.sub === null ? '' : `.${path.sub}`}`;
  return path.schema.id === CORE_USER ? local : `${path.schema.id}:${local}`;
}

/** The attribute of a schema with this name, ignoring case. */
export function findAttribute(schema: KnownSchema, name: string): KnownAttribute | undefined {
  const lower = name.toLowerCase();
  return schema.attributes.find((a) => a.name.toLowerCase() === lower);
}

/** The schema with this URN, ignoring case. */
export function findSchema(schemas: KnownSchemas, urn: string): KnownSchema | undefined {
  const lower = urn.toLowerCase();
  return schemas.find((s) => s.id.toLowerCase() === lower);
}
