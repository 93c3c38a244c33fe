/**
 * System users (SuperUser, Guest) and the legacy guest rule.
 *
 * @module
 */
import { usernameKey, type SystemRole, type User } from './schemas.js';

/** The username each system role is created with. */
export const SYSTEM_USERNAMES: Readonly<Record<SystemRole, string>> = { superuser: 'superuser', guest: 'guest' };

/**
 * Whether a user is a legacy guest: the system guest renamed by the site. It
 * must become a licensed user, counted in its area, so nothing is lost.
 */
export function isLegacyGuest(user: User): boolean {
  return user.kind === 'system' && user.systemRole === 'guest' && usernameKey(user.username) !== SYSTEM_USERNAMES.guest;
}
