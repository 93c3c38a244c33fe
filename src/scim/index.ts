/**
 * seatkeeper/scim: a SCIM 2.0 service (RFC 7643 / 7644) for the users that
 * Microsoft Entra ID and Okta provision, with the directory sync's seat rules.
 * Node.js only (it uses `node:crypto`); it answers Fetch API requests, so it
 * mounts in Hono, Node's `http`, Express or Fastify. See {@link createScimHandler}.
 *
 * @packageDocumentation
 * @module seatkeeper/scim
 */
export { createScimHandler, type ScimHandler } from './handler.js';
export { scimHandlerOptionsSchema, DEFAULT_ORGANIZATION_ATTRIBUTE, type ScimHandlerOptions, type OrganizationMapper } from './options.js';
export { CORE_USER, ENTERPRISE_USER, SEATS_EXTENSION } from './attributes.js';
export { SCIM_CONTENT_TYPE, type ScimType } from './problem.js';
