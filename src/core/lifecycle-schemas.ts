/**
 * zod schemas of moving users and retiring partner organizations and areas,
 * and the types inferred from them.
 *
 * @module
 */
import { z } from 'zod';
import { actorSchema, idSchema } from './schemas.js';

/** Where `moveUser` moves a user: an area, and a partner organization of that area or the host company. */
export const moveUserTargetSchema = z.strictObject({
  /** The area the user moves to (may be the one it is in). */
  areaId: idSchema,
  /** A partner organization of that area, or `null` for the host company. */
  organizationId: idSchema.nullable(),
});
/** Where `moveUser` moves a user. */
export type MoveUserTarget = z.input<typeof moveUserTargetSchema>;

/** Who blocks, when users are blocked by a retirement; kept as their `blockedBy`. */
const blockedBySchema = z.string().trim().min(1).max(200);

/** Options of `retireOrganization`: what happens to the organization's users first. */
export const retireOrganizationOptionsSchema = z.strictObject({
  /**
   * `'block'`: every profile of the organization is blocked by an admin and
   * kept as a host-company profile of the same area; `{ moveTo }`: every
   * profile moves to that partner organization (of any area), or with `null`
   * to the host company of the same area, and keeps its state.
   */
  users: z.union([
    z.literal('block'),
    z.strictObject({
      /** The partner organization (of any area) its profiles move to, or `null` for the host company of its area. */
      moveTo: idSchema.nullable(),
    }),
  ]),
  /** Who retires it, kept as `blockedBy` of the users it blocks. Default: the actor's id, else `retireOrganization`. */
  blockedBy: blockedBySchema.optional(),
  /** Who retires it, recorded in the audit trail with every change it makes. */
  actor: actorSchema.optional(),
});
/** Options of `retireOrganization`. */
export type RetireOrganizationOptions = z.input<typeof retireOrganizationOptionsSchema>;

/** Options of `retireArea`: what happens to the area's users first. */
export const retireAreaOptionsSchema = z.strictObject({
  /**
   * `'block'`: every profile of the area is blocked by an admin and kept as a
   * host-company profile of the primary area; `{ moveTo }`: every profile
   * moves to the host company of that area and keeps its state.
   */
  users: z.union([
    z.literal('block'),
    z.strictObject({
      /** The area whose host company its profiles move to. */
      moveTo: idSchema,
    }),
  ]),
  /** Who retires it, kept as `blockedBy` of the users it blocks. Default: the actor's id, else `retireArea`. */
  blockedBy: blockedBySchema.optional(),
  /** Who retires it, recorded in the audit trail with every change it makes. */
  actor: actorSchema.optional(),
});
/** Options of `retireArea`. */
export type RetireAreaOptions = z.input<typeof retireAreaOptionsSchema>;
