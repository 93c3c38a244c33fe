/**
 * System users (SuperUser, Guest), the legacy guest rule, and the names and
 * accounts that stay theirs.
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

/**
 * The system role whose username this is (compared as usernames are), or
 * `null`. These names are reserved: only that system user may hold one, so
 * `ensureSystemUsers` and `migrateLegacyGuest` can always create it, even
 * while the site has none (the guest was renamed or deleted).
 *
 * @param username - a username
 * @returns `superuser`, `guest` or `null`
 * @example
 * ```ts
 * reservedFor('Guest'); // 'guest'
 * ```
 */
export function reservedFor(username: string): SystemRole | null {
  const key = usernameKey(username);
  for (const role of ['superuser', 'guest'] as const) if (usernameKey(SYSTEM_USERNAMES[role]) === key) return role;
  return null;
}

/**
 * The `USERNAME_TAKEN` refusal for giving `username` to `user` (`null` for a
 * new licensed user) when the name is reserved for a system user that `user`
 * is not, else `null`.
 *
 * @param username - the name asked for
 * @param user - the user being renamed, or `null` for a new one
 */
export function reservedUsernameRefusal(
  username: string,
  user: Pick<User, 'kind' | 'systemRole'> | null,
): { readonly code: 'USERNAME_TAKEN'; readonly message: string } | null {
  const role = reservedFor(username);
  if (role === null || (user?.kind === 'system' && user.systemRole === role)) return null;
  return {
    code: 'USERNAME_TAKEN',
    message: `The username "${username}" is reserved for the system ${role === 'guest' ? 'guest' : 'SuperUser'} account, even while the site has none. Choose another.`,
  };
}

/**
 * Whether a user is protected from being blocked or deleted: the SuperUser,
 * the account that can always administer the site.
 */
export function isProtectedSystemUser(user: Pick<User, 'kind' | 'systemRole'>): boolean {
  return user.kind === 'system' && user.systemRole === 'superuser';
}
