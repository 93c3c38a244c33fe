/**
 * `listUsers`: finding people by area, organization, state, kind, block
 * reason, source and a search text, one page at a time (with `limit`) or as
 * an async iterable of every match (without).
 */
import {
  listUsersOptionsSchema,
  listUsersPageOptionsSchema,
  type ListUsersOptions,
  type ListUsersPageOptions,
  type User,
  type UserFilter,
} from '../core/schemas.js';
import { searchKey } from '../core/search.js';
import type { SeatRepository, UserPage } from '../ports/repository.js';
import { parseInput } from './validate.js';

/** `listUsers` with both forms, as `UsersApi` declares it. */
export interface ListUsers {
  (options: ListUsersPageOptions): Promise<UserPage>;
  (options?: ListUsersOptions): AsyncIterable<User>;
}

/**
 * Builds `listUsers` on a repository: with `limit`, one page read by one
 * repository call; without, an iterable that reads page after page.
 */
export function listUsersOn(repository: SeatRepository): ListUsers {
  function listUsers(options: ListUsersPageOptions): Promise<UserPage>;
  function listUsers(options?: ListUsersOptions): AsyncIterable<User>;
  function listUsers(options: ListUsersOptions | ListUsersPageOptions = {}): Promise<UserPage> | AsyncIterable<User> {
    if (typeof options === 'object' && options !== null && 'limit' in options && options.limit !== undefined) {
      const input = options;
      // Async, so bad input rejects the returned promise like any other failure of a page read.
      return (async () => {
        const { limit, after, ...filter } = parseInput(listUsersPageOptionsSchema, input, 'listUsers options');
        return repository.listUsers(repositoryFilter(filter), { after: after ?? null, limit });
      })();
    }
    const { pageSize = 500, ...filter } = parseInput(listUsersOptionsSchema, options, 'listUsers options');
    const asked = repositoryFilter(filter);
    return {
      async *[Symbol.asyncIterator]() {
        let after: string | null = null;
        do {
          const page = await repository.listUsers(asked, { after, limit: pageSize });
          yield* page.users;
          after = page.next;
        } while (after !== null);
      },
    };
  }
  return listUsers;
}

/** The filter as the repository gets it: a search that folds to nothing matches everyone, so it is left out. */
function repositoryFilter(filter: UserFilter): UserFilter {
  if (filter.search === undefined || searchKey(filter.search) !== '') return filter;
  const { search: _blank, ...rest } = filter;
  return rest;
}
