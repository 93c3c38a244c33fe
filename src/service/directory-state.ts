/**
 * What planning a directory sync reads from storage, for a whole feed (an
 * array) or for one batch of a streamed feed: the profiles the entries match,
 * by batched look-ups, the aggregate counts of the areas involved, and the
 * directory profiles missing from the feed, page by page.
 *
 * @module
 */
import type { IndexedDirectoryEntry } from '../core/directory-entry.js';
import { usernamesToLookUp, type DirectoryState } from '../core/directory-plan.js';
import type { Area, Organization, User } from '../core/schemas.js';
import type { AreaSeatCounts } from '../core/usage.js';
import type { SeatReader, SeatRepository } from '../ports/repository.js';
import { findUsersByExternalIds, findUsersByUsernames } from './reads.js';

/** How many directory users one page of the missing-users scan reads: each page is one query. */
export const MISSING_PAGE_SIZE = 10_000;

/** The state of {@link DirectoryState} but the missing users, which are read separately. */
export type MatchedDirectoryState = Omit<DirectoryState, 'missing'>;

/** The profiles a batch of entries matches, as the planner takes them. */
export type MatchedProfiles = Pick<DirectoryState, 'byExternalId' | 'byUsername'>;

/**
 * Looks up the profiles holding the entries' external ids, and the holders of
 * their usernames where needed ({@link usernamesToLookUp}), 5,000 keys a call.
 *
 * @param reader - the repository, or a transaction (under the areas' locks)
 * @param entries - the valid entries
 * @param alsoExternalIds - more external ids to read (users missing from the feed, read again under the lock)
 * @returns the profiles by external id and by username key
 */
export async function lookUpProfiles(
  reader: Pick<SeatReader, 'findUsersByExternalIds' | 'findUsersByUsernames'>,
  entries: readonly IndexedDirectoryEntry[],
  alsoExternalIds: readonly string[] = [],
): Promise<MatchedProfiles> {
  const externalIds = entries.map(({ entry }) => entry.externalId);
  for (const externalId of alsoExternalIds) externalIds.push(externalId);
  const byExternalId = await findUsersByExternalIds(reader, externalIds);
  const byUsername = await findUsersByUsernames(reader, usernamesToLookUp(entries, byExternalId));
  return { byExternalId, byUsername };
}

/**
 * Reads what the planner needs for these entries outside any lock: the
 * profiles they match ({@link lookUpProfiles}) and the counts of the areas the
 * entries name, the matched profiles live in, and `alsoCount`.
 *
 * @param repository - the repository
 * @param entries - the valid entries
 * @param areas - every area (read once by the caller)
 * @param organizations - every partner organization (read once by the caller)
 * @param alsoCount - more areas to count (the covered ones, when missing users are blocked)
 * @returns the state without missing users
 */
export async function readMatchedState(
  repository: SeatRepository,
  entries: readonly IndexedDirectoryEntry[],
  areas: readonly Area[],
  organizations: readonly Organization[],
  alsoCount: Iterable<string>,
): Promise<MatchedDirectoryState> {
  const { byExternalId, byUsername } = await lookUpProfiles(repository, entries);
  const touched = new Set<string>(alsoCount);
  for (const { entry } of entries) touched.add(entry.areaId);
  for (const user of byExternalId.values()) touched.add(user.areaId);
  for (const user of byUsername.values()) touched.add(user.areaId);
  const counted = areas.filter((a) => touched.has(a.id)).map((a) => a.id);
  const counts = counted.length === 0 ? [] : await repository.countUsers(counted);
  return { areas, organizations, counts, byExternalId, byUsername };
}

/**
 * How many of the profiles found by external id live in the covered areas
 * (active system users aside, which are never directory users).
 *
 * @param byExternalId - the profiles found by external id
 * @param covered - the areas the sync covers
 */
export function matchedInCovered(byExternalId: ReadonlyMap<string, User>, covered: ReadonlySet<string>): number {
  let matched = 0;
  for (const user of byExternalId.values()) if (covered.has(user.areaId) && !(user.kind === 'system' && user.state === 'active')) matched++;
  return matched;
}

/**
 * How many profiles the covered areas hold, active system users aside: when
 * the look-ups by external id found as many there, nobody can be missing from
 * the feed and the scan of every directory profile is skipped. On a site the
 * directory manages entirely, that is every sync that blocks nobody.
 *
 * @param counts - the counts of (at least) the covered areas
 * @param covered - the areas the sync covers
 */
export function profilesInCovered(counts: readonly AreaSeatCounts[], covered: ReadonlySet<string>): number {
  let profiles = 0;
  for (const c of counts) if (covered.has(c.areaId)) profiles += c.users - c.activeSystem;
  return profiles;
}

/**
 * Whether a directory profile is missing from a feed that names `named` and
 * covers `covered`, and a sync with `onMissing: 'block'` acts on it: active
 * ones are blocked, pending ones (they no longer wait for a seat once the
 * directory dropped them) get the reason `directory-removed`.
 *
 * @param user - a licensed directory profile
 * @param named - whether the feed names its external id
 * @param covered - the areas the sync covers
 */
export function isMissing(user: User, named: (externalId: string) => boolean, covered: ReadonlySet<string>): boolean {
  if (user.externalId === null || named(user.externalId) || !covered.has(user.areaId)) return false;
  return user.state === 'active' || user.blockReason === 'license-limit';
}

/**
 * The directory profiles of the covered areas, page by page
 * ({@link MISSING_PAGE_SIZE} a page, keyset paging), for the scan of users
 * missing from the feed.
 *
 * @param repository - the repository, read outside any transaction
 */
export async function* directoryProfilePages(repository: SeatRepository): AsyncGenerator<readonly User[], void, undefined> {
  let after: string | null = null;
  do {
    const page = await repository.listUsers({ source: 'directory', kind: 'licensed' }, { after, limit: MISSING_PAGE_SIZE });
    yield page.users;
    after = page.next;
  } while (after !== null);
}
