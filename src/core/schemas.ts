/**
 * zod schemas for everything seatkeeper accepts, and the types inferred from
 * them. The schema is the single source of truth: a type here never drifts
 * from what is validated.
 *
 * @module
 */
import { z } from 'zod';
import { canonicalUsername } from './username.js';
import {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_LOCAL_PART_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  ID_MAX_LENGTH,
  NAME_MAX_LENGTH,
  requiredText,
  storedText,
  USERNAME_MAX_LENGTH,
} from './text-rules.js';

/** An id chosen by the host: 1-200 characters, trimmed, well-formed, no control characters. */
export const idSchema = requiredText(ID_MAX_LENGTH);

/**
 * A username: 1-255 characters, trimmed, well-formed, no control characters.
 * Unique site-wide by its canonical form (see the Usernames guide): case,
 * width and Unicode composition do not make two names different. Names that
 * could pass for another (invisible characters, mixed scripts) are refused
 * when a user is created or renamed, with `USERNAME_NOT_ALLOWED`.
 */
export const usernameSchema = requiredText(USERNAME_MAX_LENGTH);

/** An email address, trimmed: at most 254 characters, at most 64 before the `@` (RFC 5321). */
export const emailSchema = z
  .string()
  .trim()
  .pipe(storedText(EMAIL_MAX_LENGTH))
  .refine((email) => email.lastIndexOf('@') <= EMAIL_LOCAL_PART_MAX_LENGTH, `must have at most ${EMAIL_LOCAL_PART_MAX_LENGTH} characters before the @`)
  .pipe(z.email({ error: 'must be a valid email address' }));

/** A display name, free text up to 500 characters; an empty one means "no display name" (`null`). */
export const displayNameSchema = storedText(DISPLAY_NAME_MAX_LENGTH).transform((name) => (name.trim() === '' ? null : name));

/** The name of an area or organization, as admins see it. */
const nameSchema = requiredText(NAME_MAX_LENGTH);

/** A seat count: a whole number, zero or more. */
export const seatCountSchema = z.number().int('must be a whole number').min(0, 'must be 0 or more').max(100_000_000);

/** `primary`: the one Primary Area (its limit is Max_Users); `extranet`: each extranet pool. */
export const areaKindSchema = z.enum(['primary', 'extranet']);
/** The kind of a license pool. */
export type AreaKind = z.infer<typeof areaKindSchema>;

/** Whether a partner organization may take seats. */
export const accessSchema = z.enum(['granted', 'denied']);
/** Whether a partner organization may take seats. */
export type Access = z.infer<typeof accessSchema>;

/** `licensed` users take a seat when active; `system` users (SuperUser, Guest) never do. */
export const userKindSchema = z.enum(['licensed', 'system']);
/** `licensed` users take a seat when active; `system` users never do. */
export type UserKind = z.infer<typeof userKindSchema>;

/** The role of a system user. */
export const systemRoleSchema = z.enum(['superuser', 'guest']);
/** The role of a system user. */
export type SystemRole = z.infer<typeof systemRoleSchema>;

/** Whether a profile can log in (`active`, takes a seat if licensed) or not (`blocked`, takes none). */
export const userStateSchema = z.enum(['active', 'blocked']);
/** Whether a profile is active or blocked. */
export type UserState = z.infer<typeof userStateSchema>;

/**
 * Why a profile is blocked: by an `admin`; waiting for a seat (`license-limit`);
 * disabled in the directory (`directory-disabled`); missing from the directory
 * feed (`directory-removed`); or by the dormant-user policy (`dormant`: no
 * activity for the period `applyDormantUsers` was given; a sign-in reported
 * through `recordActivity` reinstates it when a seat is free).
 */
export const blockReasonSchema = z.enum(['admin', 'license-limit', 'directory-disabled', 'directory-removed', 'dormant']);
/** Why a profile is blocked. */
export type BlockReason = z.infer<typeof blockReasonSchema>;

/** How a profile came to exist. */
export const userSourceSchema = z.enum(['manual', 'csv', 'directory', 'system']);
/** How a profile came to exist. */
export type UserSource = z.infer<typeof userSourceSchema>;

/** Input of `defineArea`: creates the area; for an existing id only its name and grace seats change, never its licenses or kind. */
export const areaInputSchema = z.strictObject({
  /** The area's id, unique site-wide. */
  id: idSchema,
  /** `primary` (exactly one: the intranet) or `extranet`. */
  kind: areaKindSchema,
  /** The name admins see. */
  name: nameSchema,
  /** The number of purchased seats of a new area, an integer >= 0; ignored for an existing area (see `setAreaLicenses`). */
  maxUsers: seatCountSchema,
  /** Seats a host allows over `maxUsers` before refusing (they still count as exceeded). Default 0. */
  graceSeats: seatCountSchema.optional(),
});
/** Input of `defineArea`. */
export type AreaInput = z.input<typeof areaInputSchema>;

/** A license pool as stored. */
export interface Area {
  /** The area's id. */
  readonly id: string;
  /** `primary` or `extranet`. */
  readonly kind: AreaKind;
  /** The name admins see. */
  readonly name: string;
  /** The number of purchased seats. */
  readonly maxUsers: number;
  /** Seats allowed over `maxUsers` before refusing; they still count as exceeded. */
  readonly graceSeats: number;
  /** When the area was first defined. */
  readonly createdAt: Date;
  /** When the area was last changed. */
  readonly updatedAt: Date;
}

/** Input of `defineOrganization`: creates the partner organization, or updates it when the id exists. */
export const organizationInputSchema = z.strictObject({
  /** The organization's id, unique site-wide. */
  id: idSchema,
  /** The area whose seats it uses. */
  areaId: idSchema,
  /** The name admins see. */
  name: nameSchema,
  /** `granted` (may take seats) or `denied` (keeps its users, gets no new seats). */
  access: accessSchema,
  /** The partner's quota, or `null` for none set. */
  maxUsers: seatCountSchema.nullable(),
  /** Make the change even if it over-allocates the area or puts the partner below its use. */
  allowOverLimit: z.boolean().optional(),
});
/** Input of `defineOrganization`. */
export type OrganizationInput = z.input<typeof organizationInputSchema>;

/** A partner organization as stored. */
export interface Organization {
  /** The organization's id, unique site-wide. */
  readonly id: string;
  /** The area whose seats it uses. */
  readonly areaId: string;
  /** The name admins see. */
  readonly name: string;
  /** Whether it may take seats. */
  readonly access: Access;
  /** Its quota, or `null` when none is set. */
  readonly maxUsers: number | null;
  /** When it was first defined. */
  readonly createdAt: Date;
  /** When it was last changed. */
  readonly updatedAt: Date;
}

/** Input of `createUser`: a licensed profile created by hand. */
export const createUserInputSchema = z.strictObject({
  /** Unique site-wide by its canonical form (case, width and accent composition ignored). */
  username: usernameSchema,
  /** The area whose seat the user takes. */
  areaId: idSchema,
  /** The partner organization, or `null` / absent for the host company. */
  organizationId: idSchema.nullable().optional(),
  /** The email address. */
  email: emailSchema.optional(),
  /** The name shown in lists; empty or `null` for none. */
  displayName: displayNameSchema.nullable().optional(),
  /** The directory id (AD objectGUID, SCIM id...), unique when set. */
  externalId: idSchema.optional(),
});
/** Input of `createUser`. */
export type CreateUserInput = z.input<typeof createUserInputSchema>;

/** Input of `updateUser`: the profile fields that may change. `null` clears a field. */
export const updateUserInputSchema = z.strictObject({
  /** A new username, unique site-wide ignoring case. */
  username: usernameSchema.optional(),
  /** A new email address; `null` clears it. */
  email: emailSchema.nullable().optional(),
  /** A new display name; `null` clears it. */
  displayName: displayNameSchema.nullable().optional(),
  /** A new directory id; `null` clears it. */
  externalId: idSchema.nullable().optional(),
});
/** Input of `updateUser`. */
export type UpdateUserInput = z.input<typeof updateUserInputSchema>;

/** A user profile as stored. */
export interface User {
  /** The user's id, assigned by seatkeeper. */
  readonly id: string;
  /** Unique site-wide by its canonical form (case, width and accent composition ignored). */
  readonly username: string;
  /** The email address, if known. */
  readonly email: string | null;
  /** The name shown in lists, if known. */
  readonly displayName: string | null;
  /** The directory id (AD objectGUID, SCIM id...), unique when set. */
  readonly externalId: string | null;
  /** The area whose seat it takes. */
  readonly areaId: string;
  /** The partner organization, or `null` for the host company. */
  readonly organizationId: string | null;
  /** `licensed` or `system`. */
  readonly kind: UserKind;
  /** For system users: `superuser` or `guest`. */
  readonly systemRole: SystemRole | null;
  /** `active` or `blocked`. */
  readonly state: UserState;
  /** Why it is blocked; `null` when active. */
  readonly blockReason: BlockReason | null;
  /** When it was last blocked; `null` when active. Pending users are activated oldest first by this. */
  readonly blockedAt: Date | null;
  /** Who blocked it (an admin's id, `directory`, `seatkeeper`), when known. */
  readonly blockedBy: string | null;
  /** How it came to exist. */
  readonly source: UserSource;
  /** When it was created. */
  readonly createdAt: Date;
  /** When it was last changed. */
  readonly updatedAt: Date;
  /**
   * When it was last active (signed in), as reported by `recordActivity`;
   * `null` when never reported. It only moves forward, and changing it is not a
   * change of the profile: `updatedAt` stays and no audit event is recorded.
   */
  readonly lastActivityAt: Date | null;
}

/**
 * Who makes a change, as the audit trail records it: the host's id for the
 * person or process (an admin's id, a job's name) and, optionally, a name to
 * show. The library's own work has system actors (see `SYSTEM_ACTORS`).
 */
export const actorSchema = z.strictObject({
  /** The host's id of the person or process, e.g. `admin-7`. */
  id: idSchema,
  /** A name to show beside the id, e.g. `Ada Admin`. */
  name: requiredText(NAME_MAX_LENGTH).optional(),
});
/** Who makes a change: `{ id, name? }`. */
export type Actor = z.input<typeof actorSchema>;

/**
 * The options every write method takes as its last argument: who makes the
 * change, recorded in the audit trail with it. Without an actor, the event
 * names the library's system actor for that path (`seatkeeper` for a direct call).
 */
export const writeOptionsSchema = z.strictObject({
  /** Who makes the change. */
  actor: actorSchema.optional(),
});
/** The options every write method takes as its last argument: `{ actor? }`. */
export type WriteOptions = z.input<typeof writeOptionsSchema>;

/** Options of `blockUser`. */
export const blockUserOptionsSchema = z.strictObject({
  /** Who makes the change, recorded in the audit trail; also `blockedBy` when that is not given. */
  actor: actorSchema.optional(),
  /** Who blocks (an admin's id or name), kept on the profile for `explainUser`. Default: the actor's id, if any. */
  blockedBy: requiredText(NAME_MAX_LENGTH).optional(),
});
/** Options of `blockUser`. */
export type BlockUserOptions = z.input<typeof blockUserOptionsSchema>;

/** A filter for `listUsers`. Every field narrows the list. */
export const userFilterSchema = z.strictObject({
  /** Only users of this area. */
  areaId: idSchema.optional(),
  /** A partner id, or `null` for host-company users only. */
  organizationId: idSchema.nullable().optional(),
  /** Only `active` or only `blocked` users. */
  state: userStateSchema.optional(),
  /** Only `licensed` or only `system` users. */
  kind: userKindSchema.optional(),
  /** Only users blocked for this reason. */
  blockReason: blockReasonSchema.optional(),
  /** Only users that came from this source. */
  source: userSourceSchema.optional(),
  /**
   * Only users whose username, display name or email address contains this
   * text, ignoring case, width, Unicode composition and accents (`searchKey`
   * folds both sides). Blank matches everyone. No control characters.
   */
  // Text as stored text is: no control character (one separates the fields of a stored search key, so a search cannot span two).
  search: z.string().trim().pipe(storedText(DISPLAY_NAME_MAX_LENGTH)).optional(),
});
/** A filter for `listUsers`. */
export type UserFilter = z.infer<typeof userFilterSchema>;

/** Options of `listUsers` without `limit`: a filter, read as an async iterable of every match. */
export const listUsersOptionsSchema = userFilterSchema.extend({
  /** How many users each underlying page reads. Default 500. */
  pageSize: z.number().int().min(1).max(10_000).optional(),
});
/** Options of `listUsers` without `limit`: a filter and a page size. */
export type ListUsersOptions = z.input<typeof listUsersOptionsSchema>;

/** Options of `listUsers` with `limit`: a filter and a cursor, read as one page. */
export const listUsersPageOptionsSchema = userFilterSchema.extend({
  /** At most this many users in the page, 1 to 10,000. */
  limit: z.number().int().min(1).max(10_000),
  /** The `next` of the previous page; absent or `null` for the first page. */
  after: z.string().min(1).max(2_000).nullable().optional(),
});
/** Options of `listUsers` with `limit`: a filter, a page size and the cursor of the previous page. */
export type ListUsersPageOptions = z.input<typeof listUsersPageOptionsSchema>;

/**
 * The key usernames are compared and stored unique by: their canonical form
 * (width-mapped, case-folded, NFC; PRECIS UsernameCaseMapped, RFC 8265).
 */
export function usernameKey(username: string): string {
  return canonicalUsername(username);
}

/**
 * Whether two usernames are the same ignoring case (equal {@link usernameKey}s),
 * without folding them when they are equal as they are.
 *
 * @param a - a username
 * @param b - another
 * @returns `true` when they name the same profile
 */
export function sameUsername(a: string, b: string): boolean {
  return a === b || usernameKey(a) === usernameKey(b);
}
