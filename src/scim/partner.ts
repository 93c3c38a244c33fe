/**
 * Partner organizations from a SCIM attribute: which attribute (the enterprise
 * extension's `organization` unless the host names another) and how its
 * values map to organization ids.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { formatAttributePath, knownSchemas, parseAttributePath, SEATS_EXTENSION, type AttributePath, type KnownSchemas } from './attributes.js';
import { DEFAULT_ORGANIZATION_ATTRIBUTE, type OrganizationMapper } from './options.js';
import { ScimProblem } from './problem.js';
import { readString, valueAt, type JsonObject } from './resource.js';

/** The partner attribute and how its values map to organizations. */
export interface PartnerMapping {
  /** The attribute. */
  readonly path: AttributePath;
  /** Its value to an organization id (`null`: host company; `undefined`: refused). */
  readonly map: OrganizationMapper;
}

/** The partner attribute's path and mapping, and the schemas the handler knows with it. */
export function partnerMapping(
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
export function partnerOf(resource: JsonObject, partner: PartnerMapping): string | null {
  const value = readString(valueAt(resource, partner.path), formatAttributePath(partner.path));
  const organizationId = partner.map(value);
  if (organizationId === undefined) {
    throw ScimProblem.invalidValue(`No partner organization is mapped to ${formatAttributePath(partner.path)} = ${JSON.stringify(value)}.`);
  }
  return organizationId;
}
