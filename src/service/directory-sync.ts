import { z } from 'zod';
import {
  directorySyncOptionsSchema,
  parseDirectoryFeed,
  resolveDirectorySyncOptions,
  type DirectoryFeed,
  type DirectorySyncOptions,
} from '../core/directory-entry.js';
import { planDirectoryChanges } from '../core/directory-plan.js';
import { countDirectoryLines, isWaitingForLicense, type DirectorySyncPlan, type DirectorySyncReport } from '../core/directory-report.js';
import { SYSTEM_ACTORS } from '../core/audit.js';
import type { User, WriteOptions } from '../core/schemas.js';
import { actorSchema, idSchema } from '../core/schemas.js';
import { UnknownAreaError } from '../errors.js';
import { withActor, type ServiceContext } from './context.js';
import { activatePendingInArea, applyDirectoryPlan } from './directory-apply.js';
import { planStreamedDirectorySync, syncStreamedDirectory } from './directory-stream.js';
import { directoryProfilePages, isMissing, matchedInCovered, profilesInCovered, readMatchedState } from './directory-state.js';
import { parseInput, writeContext } from './validate.js';

/** Syncing users from a directory (Active Directory, LDAP, SCIM): plan, apply, or both. */
export interface DirectorySyncApi {
  /**
   * Plans a directory sync: a dry run that writes nothing. Each entry is
   * matched by `externalId` (or adopts a licensed profile with the same username
   * and no external id) and gets one line: `create`, `create-blocked` (no seat
   * free: created blocked with `license-limit`; or disabled in the directory), `activate` (a pending profile
   * gets a seat, oldest first; a re-enabled one comes back), `block`
   * (`directory-disabled` for `enabled: false`; `directory-removed` for directory
   * users missing from the feed, only with `onMissing: 'block'`), `update` or
   * `unchanged`. Profiles blocked by an admin are never activated. Invalid
   * entries (bad email, unknown area or organization, an external id or username
   * twice in the feed, a username held by another profile) are listed in
   * `invalid` and left out; the rest of the feed still plans. If the plan would
   * block more than `maxBlockShare` (default 20 %) of an area's active users it
   * is `refused` unless `force: true`. The state is read with batched look-ups
   * by external id and username (5,000 keys a call) and aggregate counts, never
   * by loading every user.
   *
   * A feed passed as an **async iterable** (of entries or of pages of entries,
   * such as `readLdapDirectoryPages` yields) is read once and planned in
   * batches of 5,000, in bounded memory: the plan counts every user (`totals`,
   * `areas`) but lists only the first 1,000 lines, invalid entries and waiting
   * users (`sampled` says how many were left out). Such a plan is a dry run
   * only: `applyDirectorySync` refuses it; sync the feed with `syncDirectory`.
   *
   * @param entries - the directory's users: an array, or an async iterable of entries or pages; see {@link DirectoryEntryInput}
   * @param options - `onMissing` (`keep` | `block`), `maxBlockShare`, `force`, `areaIds`
   * @returns the plan: per-user lines, invalid entries, totals per area, who would wait for a license
   * @throws InvalidInputError when `entries` is neither an array nor an async iterable, or the options are malformed
   * @throws UnknownAreaError when `options.areaIds` names an area that is not defined
   * @example
   * ```ts
   * const plan = await seats.planDirectorySync(
   *   [{ externalId: 'a1f3', username: 'alice', email: 'alice@example.com', areaId: 'primary' }],
   *   { onMissing: 'block' },
   * );
   * console.log(plan.totals, plan.waitingForLicense.map((line) => line.username));
   * ```
   */
  planDirectorySync(entries: DirectoryFeed, options?: DirectorySyncOptions): Promise<DirectorySyncPlan>;
  /**
   * Applies a plan in one transaction that locks every area it touches. Seats
   * are decided again on the counts read under the lock, so a stale plan never
   * takes more seats than are free (whoever gets none is created or kept
   * blocked with `license-limit`), and a profile changed after planning (made by
   * hand with the same username, blocked by an admin, edited, deleted) is left
   * alone and listed in `skipped`, never overwritten. A refused plan writes
   * nothing. Applying the same plan twice is safe: the second time, the
   * profiles it wrote have changed since planning and are skipped. The plan is
   * validated first, so a copy kept for an approval step applies like the original.
   *
   * @param plan - a plan from `planDirectorySync` of an array feed, or a copy of one (its dates as `Date` objects)
   * @param options - `actor`: who applies it, recorded in the audit trail (default `directory-sync`)
   * @returns what happened, per user and in numbers, and who waits for a license
   * @throws InvalidInputError when `plan` is not a plan, or is the dry run of a streamed feed (`sampled` set)
   * @example
   * ```ts
   * const report = await seats.applyDirectorySync(plan);
   * if (report.refused) console.log(report.refused.message);
   * ```
   */
  applyDirectorySync(plan: DirectorySyncPlan, options?: WriteOptions): Promise<DirectorySyncReport>;
  /**
   * Plans and applies a directory sync in one call; see `planDirectorySync` for
   * the rules. Running the same feed twice changes nothing the second time.
   *
   * A feed passed as an **async iterable** (of entries or pages) is read once
   * and synced in batches of 5,000, each planned and applied under the locks of
   * its areas, so a directory of a million accounts syncs in bounded memory.
   * Repeated external ids and usernames are still found (the repeats are
   * invalid), and users missing from the feed are found from the external ids
   * read. Nobody is blocked before the whole feed is read and the mass-block
   * guard has weighed every block; a refused streamed sync blocks nobody but
   * applies the entries that block nobody. Seats go, within each batch, in the
   * order of every sync, and batch after batch in feed order. The report
   * counts every user and lists the first 1,000 lines (`sampled`). If the feed
   * fails part way (an LDAP error), the batches read so far stay applied,
   * nobody is blocked, and the error is thrown.
   *
   * @param entries - the directory's users: an array, or an async iterable of entries or pages
   * @param options - `onMissing`, `maxBlockShare`, `force`, `areaIds`, and `actor`: who syncs, recorded in the audit trail (default `directory-sync`)
   * @returns what happened
   * @throws InvalidInputError, UnknownAreaError as for `planDirectorySync`; while reading a streamed feed, whatever it throws
   * @example
   * ```ts
   * const report = await seats.syncDirectory(entries);
   * console.log(`${report.totals.createBlocked} created blocked, ${report.waitingForLicense.length} waiting for a license`);
   *
   * // A directory read page by page, in bounded memory:
   * // import { readLdapDirectoryPages } from 'seatkeeper/ldap';
   * await seats.syncDirectory(readLdapDirectoryPages(ldapOptions), { onMissing: 'block' });
   * ```
   */
  syncDirectory(entries: DirectoryFeed, options?: SyncDirectoryOptions): Promise<DirectorySyncReport>;
  /**
   * Activates pending directory users (blocked with `license-limit`, waiting
   * for a seat) while seats are free, **oldest `blockedAt` first**, with the
   * seat rule of a directory sync (area limit, grace seats, partner quotas and
   * access). Each area is decided in its own transaction under its lock. A
   * sync does the same for the pending users its feed names; this call does it
   * without a feed, so a host can schedule it (after a license purchase, every
   * few minutes) or call it whenever it frees a seat, as the SCIM handler does.
   * Users blocked by an admin or disabled in the directory are never activated.
   *
   * An area's queue is read from its head and no further once the area has no
   * seat left, so the call costs one look-up per area however long the queue;
   * `moreWaiting` then says that more users wait than `waiting` lists. Pending
   * profiles without an external id (not linked to a directory) are left to
   * `reinstateUser`.
   *
   * @param options - `areaIds`: only these areas (default every area); `actor`: who asks, recorded in the audit trail (default `directory-sync`)
   * @returns who was activated and who still waits, overall and per area
   * @throws InvalidInputError when the options are malformed
   * @throws UnknownAreaError when `options.areaIds` names an area that is not defined
   * @example
   * ```ts
   * await seats.applyLicenseChange(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 }));
   * const report = await seats.activatePendingDirectoryUsers();
   * console.log(report.activated.map((u) => u.username), `${report.waiting.length} still wait`);
   * ```
   */
  activatePendingDirectoryUsers(options?: ActivatePendingOptions): Promise<PendingActivationReport>;
  /**
   * The profile linked to this directory id (its `externalId`), or `null`.
   * Directory connectors (the SCIM handler's `externalId eq` filter) look
   * accounts up by it.
   *
   * @param externalId - the directory's id for the account, matched exactly
   * @returns the profile, or `null`
   * @throws InvalidInputError when `externalId` is not an id
   * @example
   * ```ts
   * const user = await seats.findUserByExternalId('S-1-5-21-1001');
   * ```
   */
  findUserByExternalId(externalId: string): Promise<User | null>;
}

/** Options of `activatePendingDirectoryUsers`. */
export const activatePendingOptionsSchema = z.strictObject({
  /** Only the pending users of these areas. Default: every area. */
  areaIds: z.array(idSchema).min(1, 'must name at least one area').optional(),
  /** Who asks, recorded in the audit trail. Default `{ id: 'directory-sync' }`. */
  actor: actorSchema.optional(),
});

/** Options of `syncDirectory`: those of `planDirectorySync`, and who syncs. */
export const syncDirectoryOptionsSchema = directorySyncOptionsSchema.extend({
  /** Who syncs, recorded in the audit trail. Default `{ id: 'directory-sync' }`. */
  actor: actorSchema.optional(),
});
/** Options of `syncDirectory`. */
export type SyncDirectoryOptions = z.input<typeof syncDirectoryOptionsSchema>;
/** Options of `activatePendingDirectoryUsers`. */
export type ActivatePendingOptions = z.input<typeof activatePendingOptionsSchema>;

/** What `activatePendingDirectoryUsers` did in one area. */
export interface PendingActivationArea {
  /** The area. */
  readonly areaId: string;
  /** How many pending users got a seat. */
  readonly activated: number;
  /** How many pending users read still wait (see `moreWaiting`). */
  readonly waiting: number;
  /** `true` when the area had no seat left before its whole queue was read: more users wait than `waiting` counts. */
  readonly moreWaiting: boolean;
}

/** What `activatePendingDirectoryUsers` did. */
export interface PendingActivationReport {
  /** When it ran (the clock's time when it started). */
  readonly activatedAt: Date;
  /** The users activated, area by area (sorted by id), each area's oldest `blockedAt` first; as written. */
  readonly activated: readonly User[];
  /** The pending users read that still wait for a seat, area by area, oldest first. */
  readonly waiting: readonly User[];
  /** Per area, sorted by id. */
  readonly areas: readonly PendingActivationArea[];
}

/** Builds the {@link DirectorySyncApi}. */
export function directorySyncApi(context: ServiceContext): DirectorySyncApi {
  const api: DirectorySyncApi = {
    planDirectorySync: (entries, options = {}) =>
      isStreamed(entries) ? planStreamedDirectorySync(context, entries, options) : planDirectorySync(context, entries, options),
    applyDirectorySync: (plan, options) => applyDirectoryPlan(writeContext(context, options, 'applyDirectorySync options', SYSTEM_ACTORS.directorySync), plan),
    async syncDirectory(entries, options = {}) {
      const { actor, ...planOptions } = parseInput(syncDirectoryOptionsSchema, options, 'directory sync options');
      const writer = withActor(context, actor, SYSTEM_ACTORS.directorySync);
      if (isStreamed(entries)) return syncStreamedDirectory(writer, entries, planOptions);
      return applyDirectoryPlan(writer, await planDirectorySync(context, entries, planOptions));
    },
    activatePendingDirectoryUsers: (options = {}) => activatePending(context, options),
    async findUserByExternalId(externalId) {
      const [user] = await context.repository.findUsersByExternalIds([parseInput(idSchema, externalId, 'external id')]);
      return user ?? null;
    },
  };
  return api;
}

async function activatePending(base: ServiceContext, options: unknown): Promise<PendingActivationReport> {
  const { areaIds, actor } = parseInput(activatePendingOptionsSchema, options, 'activatePendingDirectoryUsers options');
  const context = withActor(base, actor, SYSTEM_ACTORS.directorySync);
  const activatedAt = context.clock();
  const defined = (await context.repository.listAreas()).map((a) => a.id);
  for (const areaId of areaIds ?? []) if (!defined.includes(areaId)) throw new UnknownAreaError(areaId);
  const activated: User[] = [];
  const waiting: User[] = [];
  const areas: PendingActivationArea[] = [];
  for (const areaId of [...new Set(areaIds ?? defined)].sort()) {
    const done = await activatePendingInArea(context, areaId);
    activated.push(...done.activated);
    waiting.push(...done.waiting);
    areas.push({ areaId, activated: done.activated.length, waiting: done.waiting.length, moreWaiting: done.moreWaiting });
  }
  return { activatedAt, activated, waiting, areas };
}

const feedSchema = z.array(z.unknown(), { error: 'must be an array of directory entries, or an async iterable of entries or pages of entries' });

/** Whether a feed is streamed: an async iterable (of entries or pages), synced batch by batch. */
function isStreamed(entries: unknown): entries is AsyncIterable<unknown> {
  return !Array.isArray(entries) && typeof entries === 'object' && entries !== null && Symbol.asyncIterator in entries;
}

async function planDirectorySync(context: ServiceContext, entries: unknown, options: unknown): Promise<DirectorySyncPlan> {
  const feed = parseDirectoryFeed(parseInput(feedSchema, entries, 'directory feed'));
  const resolved = resolveDirectorySyncOptions(parseInput(directorySyncOptionsSchema, options, 'directory sync options'));
  const { repository } = context;
  const areas = await repository.listAreas();
  for (const areaId of resolved.areaIds ?? []) if (!areas.some((a) => a.id === areaId)) throw new UnknownAreaError(areaId);

  // With onMissing: 'block', the covered areas are counted too (users missing from the feed are theirs).
  const covered = new Set(resolved.areaIds ?? areas.map((a) => a.id));
  const state = await readMatchedState(repository, feed.valid, areas, await repository.listOrganizations(), resolved.onMissing === 'block' ? covered : []);
  // Unequal either way (a profile created or deleted between the reads), the scan decides.
  const someMayBeMissing = matchedInCovered(state.byExternalId, covered) !== profilesInCovered(state.counts, covered);
  const missing: User[] = [];
  if (resolved.onMissing === 'block' && someMayBeMissing) {
    const named = (externalId: string) => feed.externalIds.has(externalId);
    for await (const page of directoryProfilePages(repository)) for (const user of page) if (isMissing(user, named, covered)) missing.push(user);
  }

  const outcome = planDirectoryChanges(feed.valid, { ...state, missing }, resolved);
  const invalid = [...feed.invalid, ...outcome.invalid].sort((a, b) => a.index - b.index);
  return {
    plannedAt: context.clock(),
    options: resolved,
    lines: outcome.lines,
    invalid,
    refused: outcome.refused,
    ...countDirectoryLines(outcome.lines, invalid.length, 0),
    waitingForLicense: outcome.lines.filter(isWaitingForLicense),
    sampled: null,
  };
}
