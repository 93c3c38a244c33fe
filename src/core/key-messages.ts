/**
 * The messages of the refusals about a user's keys (`USERNAME_NOT_ALLOWED`,
 * `USERNAME_TAKEN`, `EXTERNAL_ID_TAKEN`), one copy for every path that refuses
 * them: `createUser`, `updateUser` and `createUsers` (CSV import). A refusal
 * carries only what the person who caused it may see: no seat figures, and the
 * name of the user already holding a username only when that user belongs to
 * the same organization (or both to the host company).
 *
 * @module
 */
import type { User } from './schemas.js';
import type { UsernameProblem } from './username.js';

/** How usernames are compared, in the words every message uses. */
const COMPARED = 'usernames are compared ignoring case, width and accent composition';

/**
 * The message of a `USERNAME_NOT_ALLOWED` refusal.
 *
 * @param username - the username asked for
 * @param problem - why it is refused, from `usernameProblem`
 * @returns the message
 */
export function usernameNotAllowedMessage(username: string, problem: UsernameProblem): string {
  return `The username "${username}" ${problem.message}`;
}

/**
 * The message of a `USERNAME_TAKEN` refusal. It names the holder's stored
 * name only when the holder belongs to the requester's own organization (the
 * host company being `null`), and only when it is spelt differently: a
 * partner's admin learns nothing about other organizations' users.
 *
 * @param username - the username asked for
 * @param holder - the user holding it, if known
 * @param organizationId - the organization of the user being created or renamed (`null`: the host company)
 * @returns the message
 * @example
 * ```ts
 * usernameTakenMessage('STRASSE', { username: 'straße', organizationId: null }, null);
 * // 'The username "STRASSE" is taken by "straße" (usernames are compared ignoring case, width and accent composition). Choose another.'
 * ```
 */
export function usernameTakenMessage(username: string, holder: Pick<User, 'username' | 'organizationId'> | null, organizationId: string | null): string {
  if (holder !== null && holder.organizationId === organizationId && holder.username !== username) {
    return `The username "${username}" is taken by "${holder.username}" (${COMPARED}). Choose another.`;
  }
  return `The username "${username}" is already taken (${COMPARED}). Choose another.`;
}

/**
 * The message of a `USERNAME_TAKEN` refusal for a name an earlier entry of the same batch has.
 *
 * @param username - the username asked for again
 * @returns the message
 */
export function usernameRepeatedMessage(username: string): string {
  return `The username "${username}" appears more than once in this batch (${COMPARED}); only its first occurrence can be created.`;
}

/**
 * The message of an `EXTERNAL_ID_TAKEN` refusal; it never names the user holding the id.
 *
 * @param externalId - the external id asked for
 * @returns the message
 */
export function externalIdTakenMessage(externalId: string): string {
  return `Another user already has external id "${externalId}". External ids are unique.`;
}

/**
 * The message of an `EXTERNAL_ID_TAKEN` refusal for an id an earlier entry of the same batch has.
 *
 * @param externalId - the external id asked for again
 * @returns the message
 */
export function externalIdRepeatedMessage(externalId: string): string {
  return `The external id "${externalId}" appears more than once in this batch; only its first occurrence can be created.`;
}
