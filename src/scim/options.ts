/**
 * The options of `createScimHandler`: the schema validates them once, when the
 * handler is created.
 *
 * @module
 */
import { z } from 'zod';
import { idSchema } from '../core/schemas.js';

/** The default partner attribute: the enterprise extension's `organization`. */
export const DEFAULT_ORGANIZATION_ATTRIBUTE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization';

/**
 * Maps the partner attribute's value to a partner organization id: `null` for
 * the host company, `undefined` for a value that maps to nothing (the request
 * is refused with `invalidValue`). The value is `null` when the attribute is unassigned.
 */
export type OrganizationMapper = (value: string | null) => string | null | undefined;

/** Options of `createScimHandler`. */
export const scimHandlerOptionsSchema = z.strictObject({
  /**
   * The bearer token the identity provider sends (Entra ID's "Secret Token",
   * Okta's "API Token"); at least 16 characters: use a random secret. Compared in constant time.
   */
  token: z.string().min(16, 'must be at least 16 characters: use a random secret, e.g. randomBytes(32).toString("base64url")'),
  /** The area (license pool) the provisioned users belong to. Users of other areas are not served. */
  areaId: idSchema,
  /**
   * The path the handler is mounted at, e.g. `/scim/v2` (the SCIM base URL is
   * the server's origin plus this path); `''` or `/` for the root.
   */
  basePath: z
    .string()
    .regex(/^(\/[^/?#\s]+)*\/?$/, 'must be a path such as "/scim/v2", or "" for the root')
    .transform((path) => path.replace(/\/+$/, '')),
  /**
   * The SCIM attribute that names a user's partner organization, with its
   * schema URN for an extension attribute. Default the enterprise
   * extension's `organization`. Read only when `organizations` is set.
   */
  organizationAttribute: z.string().trim().min(1).optional(),
  /**
   * How the partner attribute's value maps to a partner organization: a map
   * of values to organization ids (`null` for the host company; an
   * unassigned attribute is the host company, a value not in the map is
   * refused), or a function ({@link OrganizationMapper}). Without it every
   * SCIM user belongs to the host company.
   */
  organizations: z
    .union([
      z.record(z.string(), idSchema.nullable()),
      z.custom<OrganizationMapper>((v) => typeof v === 'function', { message: 'must be a map of values to organization ids, or a function' }),
    ])
    .optional(),
  /** The most users one `GET /Users` page returns. Default 100. */
  maxResults: z.number().int().min(1).max(1_000).optional(),
  /** The largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes: z.number().int().min(1_024).optional(),
  /**
   * Called with every unexpected error (a 500 answer carries no detail), and
   * with the error behind any 500 the storage caused. For logging.
   */
  onError: z.custom<(error: unknown) => void>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
});

/** Options of `createScimHandler`; see {@link scimHandlerOptionsSchema} for each field. */
export type ScimHandlerOptions = z.input<typeof scimHandlerOptionsSchema>;
