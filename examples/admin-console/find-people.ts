/**
 * One page of the People list: a filter, a search and a cursor.
 */
import type { Seatkeeper, User, UserState } from 'seatkeeper';

/** What the People list asks for. */
export interface PeopleQuery {
  /** Text the username, display name or email contains, ignoring case and accents; blank for everyone. */
  readonly search: string;
  /** Only users of this area. */
  readonly areaId?: string;
  /** Only active or only blocked users. */
  readonly state?: UserState;
  /** Users per page. */
  readonly limit: number;
  /** The `next` of the previous page; `null` for the first page. */
  readonly after: string | null;
}

/** One page of users and the cursor of the following page (`null` on the last page). */
export interface PeoplePage {
  readonly users: readonly User[];
  readonly next: string | null;
}

/** Folds text for a search: case, width and accents ignored (`Zoë` is found by `zoe`). */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * One page of the People list. Reads the users in username order through
 * `listUsers` and keeps those the search matches; the cursor is the id of the
 * last user shown.
 *
 * @param seats - the seatkeeper instance
 * @param query - the filter, the search and the page
 * @returns the page
 */
export async function findPeople(seats: Seatkeeper, query: PeopleQuery): Promise<PeoplePage> {
  const needle = fold(query.search.trim());
  const users: User[] = [];
  let skipping = query.after !== null;
  for await (const user of seats.listUsers({
    ...(query.areaId === undefined ? {} : { areaId: query.areaId }),
    ...(query.state === undefined ? {} : { state: query.state }),
  })) {
    if (skipping) {
      if (user.id === query.after) skipping = false;
      continue;
    }
    if (needle !== '' && ![user.username, user.displayName ?? '', user.email ?? ''].some((field) => fold(field).includes(needle))) continue;
    if (users.length === query.limit) return { users, next: users.at(-1)?.id ?? null };
    users.push(user);
  }
  return { users, next: null };
}
