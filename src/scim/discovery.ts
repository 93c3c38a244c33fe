/**
 * The discovery endpoints (RFC 7644 section 4): `/ServiceProviderConfig`,
 * `/Schemas` and `/ResourceTypes`, describing what this handler serves.
 *
 * @module
 */
import { CORE_USER, ENTERPRISE_USER, SEATS_EXTENSION, type AttributePath } from './attributes.js';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

/** What the discovery documents depend on. */
export interface DiscoveryContext {
  /** The absolute SCIM base URL. */
  readonly base: string;
  /** The most users a page returns. */
  readonly maxResults: number;
  /** The partner attribute, when partners are mapped. */
  readonly partnerPath: AttributePath | null;
}

/** `GET /ServiceProviderConfig`. */
export function serviceProviderConfig(context: DiscoveryContext): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: context.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'Bearer token', description: 'Authentication with the bearer token the handler was configured with (RFC 6750).', primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${context.base}/ServiceProviderConfig` },
  };
}

/** The schema documents, by id. */
function schemaDocuments(context: DiscoveryContext): Record<string, unknown>[] {
  const schemas: Record<string, unknown>[] = [
    schemaDocument(context, CORE_USER, 'User', 'A user; seatkeeper keeps userName, displayName (or name), the work email, externalId and active.', [
      attribute('userName', 'string', { required: true, uniqueness: 'server' }),
      attribute('name', 'complex', {
        subAttributes: [attribute('formatted', 'string'), attribute('givenName', 'string'), attribute('familyName', 'string')],
      }),
      attribute('displayName', 'string'),
      attribute('emails', 'complex', {
        multiValued: true,
        subAttributes: [attribute('value', 'string'), attribute('type', 'string', { canonicalValues: ['work'] }), attribute('primary', 'boolean')],
      }),
      attribute('active', 'boolean', { description: 'false while the user is blocked: disabled, blocked by an admin, or waiting for a license (see the seats extension).' }),
      attribute('externalId', 'string', { caseExact: true }),
    ]),
    schemaDocument(context, SEATS_EXTENSION, 'Seats', "The user's license seat, set by seatkeeper.", [
      attribute('seatStatus', 'string', { mutability: 'readOnly', canonicalValues: ['active', 'pending', 'blocked'] }),
      attribute('blockReason', 'string', { mutability: 'readOnly', canonicalValues: ['admin', 'license-limit', 'directory-disabled', 'directory-removed', 'dormant'] }),
      attribute('organizationId', 'string', { mutability: 'readOnly', caseExact: true }),
    ]),
  ];
  const partner = context.partnerPath;
  if (partner !== null && partner.attribute !== null && partner.schema.id !== CORE_USER) {
    const name = partner.schema.id === ENTERPRISE_USER ? 'EnterpriseUser' : 'PartnerOrganization';
    schemas.push(schemaDocument(context, partner.schema.id, name, 'The attribute that maps a user to a partner organization.', [attribute(partner.attribute.name, 'string', { mutability: 'writeOnly', returned: 'never' })]));
  }
  return schemas;
}

/** `GET /Schemas`. */
export function schemasList(context: DiscoveryContext): Record<string, unknown> {
  return listOf(schemaDocuments(context));
}

/** `GET /Schemas/{id}`, or `null` for an unknown id. */
export function schemaById(context: DiscoveryContext, id: string): Record<string, unknown> | null {
  return schemaDocuments(context).find((s) => String(s.id).toLowerCase() === id.toLowerCase()) ?? null;
}

/** The User resource type. */
function userResourceType(context: DiscoveryContext): Record<string, unknown> {
  const extensions = [SEATS_EXTENSION];
  if (context.partnerPath !== null && context.partnerPath.schema.id !== CORE_USER) extensions.push(context.partnerPath.schema.id);
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A user holding (or waiting for) a license seat',
    schema: CORE_USER,
    schemaExtensions: extensions.map((schema) => ({ schema, required: false })),
    meta: { resourceType: 'ResourceType', location: `${context.base}/ResourceTypes/User` },
  };
}

/** `GET /ResourceTypes`. */
export function resourceTypesList(context: DiscoveryContext): Record<string, unknown> {
  return listOf([userResourceType(context)]);
}

/** `GET /ResourceTypes/{id}`, or `null` for an unknown id. */
export function resourceTypeById(context: DiscoveryContext, id: string): Record<string, unknown> | null {
  return id.toLowerCase() === 'user' ? userResourceType(context) : null;
}

/**
 * A `ListResponse` of every item.
 *
 * @param items - the resources
 * @param total - `totalResults`; default the number of items
 * @param startIndex - the 1-based index of the first item
 */
export function listOf(items: readonly unknown[], total = items.length, startIndex = 1): Record<string, unknown> {
  return { schemas: [LIST_RESPONSE], totalResults: total, startIndex, itemsPerPage: items.length, Resources: items };
}

function schemaDocument(context: DiscoveryContext, id: string, name: string, description: string, attributes: unknown[]): Record<string, unknown> {
  return { schemas: [SCHEMA_SCHEMA], id, name, description, attributes, meta: { resourceType: 'Schema', location: `${context.base}/Schemas/${id}` } };
}

function attribute(name: string, type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}
