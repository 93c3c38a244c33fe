/**
 * One page of the People list: a filter, a search and a cursor.
 */
import type { Seatkeeper, UserFilter, UserPage, UserState } from 'seatkeeper';

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

/** The `listUsers` filter of a People query: the same filter serves the list and the CSV export. */
export function peopleFilter(query: Omit<PeopleQuery, 'limit' | 'after'>): UserFilter {
  return {
    ...(query.search.trim() === '' ? {} : { search: query.search }),
    ...(query.areaId === undefined ? {} : { areaId: query.areaId }),
    ...(query.state === undefined ? {} : { state: query.state }),
  };
}

/**
 * One page of the People list, in username order: `listUsers` with `limit`
 * reads one page (keyset paging: a page deep in the list costs what the first
 * does) and hands back `next`, the cursor of the following page. The search
 * matches the username, display name or email, ignoring case, width and
 * accents (`zoe` finds `Zoë`).
 *
 * @param seats - the seatkeeper instance
 * @param query - the filter, the search and the page
 * @returns the users of the page, and `next` (`null` on the last page)
 */
export async function findPeople(seats: Seatkeeper, query: PeopleQuery): Promise<UserPage> {
  return seats.listUsers({ ...peopleFilter(query), limit: query.limit, after: query.after });
}
