import { usernameKey, type User } from '../core/schemas.js';
import { emptyAreaCounts, type AreaSeatCounts } from '../core/usage.js';
import { MAX_KEYS_PER_LOOKUP, type SeatReader } from '../ports/repository.js';

/** One area's counts through a repository or a transaction; zeros for an area without users. */
export async function countArea(reader: Pick<SeatReader, 'countUsers'>, areaId: string): Promise<AreaSeatCounts> {
  const [counts] = await reader.countUsers([areaId]);
  return counts ?? emptyAreaCounts(areaId);
}

/** The user holding this username by the username comparison rules, or `null`. */
export async function findUserByUsername(reader: Pick<SeatReader, 'findUsersByUsernames'>, username: string): Promise<User | null> {
  const [user] = await reader.findUsersByUsernames([username]);
  return user ?? null;
}

/**
 * The users holding these external ids, by external id, looked up at most
 * {@link MAX_KEYS_PER_LOOKUP} at a time however many are asked for.
 */
export async function findUsersByExternalIds(reader: Pick<SeatReader, 'findUsersByExternalIds'>, externalIds: readonly string[]): Promise<Map<string, User>> {
  const found = new Map<string, User>();
  for (let start = 0; start < externalIds.length; start += MAX_KEYS_PER_LOOKUP) {
    for (const user of await reader.findUsersByExternalIds(externalIds.slice(start, start + MAX_KEYS_PER_LOOKUP))) {
      if (user.externalId !== null) found.set(user.externalId, user);
    }
  }
  return found;
}

/**
 * The users holding these usernames, by username key, looked up at most
 * {@link MAX_KEYS_PER_LOOKUP} at a time however many are asked for. Where a
 * store still has two users of one key (see `findUsernameCollisions`), the
 * first it returns, the holder of the name, is kept.
 */
export async function findUsersByUsernames(reader: Pick<SeatReader, 'findUsersByUsernames'>, usernames: readonly string[]): Promise<Map<string, User>> {
  const found = new Map<string, User>();
  for (let start = 0; start < usernames.length; start += MAX_KEYS_PER_LOOKUP) {
    for (const user of await reader.findUsersByUsernames(usernames.slice(start, start + MAX_KEYS_PER_LOOKUP))) {
      const key = usernameKey(user.username);
      if (!found.has(key)) found.set(key, user);
    }
  }
  return found;
}
