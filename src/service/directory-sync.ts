import { z } from 'zod';
import {
  directorySyncOptionsSchema,
  parseDirectoryFeed,
  resolveDirectorySyncOptions,
  type DirectoryEntryInput,
  type DirectorySyncOptions,
} from '../core/directory-entry.js';
import { planDirectoryChanges, usernamesToLookUp } from '../core/directory-plan.js';
import { countDirectoryLines, isWaitingForLicense, type DirectorySyncPlan, type DirectorySyncReport } from '../core/directory-report.js';
import { SYSTEM_ACTORS } from '../core/audit.js';
import type { User, WriteOptions } from '../core/schemas.js';
import { actorSchema, idSchema } from '../core/schemas.js';
import { UnknownAreaError } from '../errors.js';
import type { AreaSeatCounts } from '../core/usage.js';
import type { SeatRepository } from '../ports/repository.js';
import { withActor, type ServiceContext } from './context.js';
import { activatePendingInArea, applyDirectoryPlan } from './directory-apply.js';
import { findUsersByExternalIds, findUsersByUsernames } from './reads.js';
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
   * @param entries - the directory's users; see {@link DirectoryEntryInput}
   * @param options - `onMissing` (`keep` | `block`), `maxBlockShare`, `force`, `areaIds`
   * @returns the plan: per-user lines, invalid entries, totals per area, who would wait for a license
   * @throws InvalidInputError when `entries` is not an array or the options are malformed
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
  planDirectorySync(entries: readonly DirectoryEntryInput[], options?: DirectorySyncOptions): Promise<DirectorySyncPlan>;
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
   * @param plan - a plan from `planDirectorySync`, or a copy of one (its dates as `Date` objects)
   * @param options - `actor`: who applies it, recorded in the audit trail (default `directory-sync`)
   * @returns what happened, per user and in numbers, and who waits for a license
   * @throws InvalidInputError when `plan` is not a plan
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
   * @param entries - the directory's users
   * @param options - `onMissing`, `maxBlockShare`, `force`, `areaIds`, and `actor`: who syncs, recorded in the audit trail (default `directory-sync`)
   * @returns what happened
   * @throws InvalidInputError, UnknownAreaError as for `planDirectorySync`
   * @example
   * ```ts
   * const report = await seats.syncDirectory(entries);
   * console.log(`${report.totals.createBlocked} created blocked, ${report.waitingForLicense.length} waiting for a license`);
   * ```
   */
  syncDirectory(entries: readonly DirectoryEntryInput[], options?: SyncDirectoryOptions): Promise<DirectorySyncReport>;
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
    planDirectorySync: (entries, options = {}) => planDirectorySync(context, entries, options),
    applyDirectorySync: (plan, options) => applyDirectoryPlan(writeContext(context, options, 'applyDirectorySync options', SYSTEM_ACTORS.directorySync), plan),
    async syncDirectory(entries, options = {}) {
      const { actor, ...planOptions } = parseInput(syncDirectoryOptionsSchema, options, 'directory sync options');
      const plan = await planDirectorySync(context, entries, planOptions);
      return applyDirectoryPlan(withActor(context, actor, SYSTEM_ACTORS.directorySync), plan);
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

const feedSchema = z.array(z.unknown(), { error: 'must be an array of directory entries' });

/** How many directory users one page of the missing-users scan reads: each page is one query. */
const MISSING_PAGE_SIZE = 10_000;

async function planDirectorySync(context: ServiceContext, entries: unknown, options: unknown): Promise<DirectorySyncPlan> {
  const feed = parseDirectoryFeed(parseInput(feedSchema, entries, 'directory feed'));
  const resolved = resolveDirectorySyncOptions(parseInput(directorySyncOptionsSchema, options, 'directory sync options'));
  const { repository } = context;
  const areas = await repository.listAreas();
  for (const areaId of resolved.areaIds ?? []) if (!areas.some((a) => a.id === areaId)) throw new UnknownAreaError(areaId);

  const byExternalId = await findUsersByExternalIds(repository, feed.valid.map(({ entry }) => entry.externalId));
  const byUsername = await findUsersByUsernames(repository, usernamesToLookUp(feed.valid, byExternalId));
  const organizations = await repository.listOrganizations();
  // The areas whose counts the planner reads; with onMissing: 'block', the covered ones too (users missing from the feed are theirs).
  const covered = new Set(resolved.areaIds ?? areas.map((a) => a.id));
  const touched = new Set<string>(resolved.onMissing === 'block' ? covered : []);
  for (const { entry } of feed.valid) touched.add(entry.areaId);
  for (const user of [...byExternalId.values(), ...byUsername.values()]) touched.add(user.areaId);
  const counts = await repository.countUsers(areas.filter((a) => touched.has(a.id)).map((a) => a.id));
  const missing =
    resolved.onMissing === 'block' && someMayBeMissing(counts, byExternalId, covered) ? await missingFromFeed(repository, feed.externalIds, covered) : [];

  const outcome = planDirectoryChanges(feed.valid, { areas, organizations, counts, byExternalId, byUsername, missing }, resolved);
  const invalid = [...feed.invalid, ...outcome.invalid].sort((a, b) => a.index - b.index);
  return {
    plannedAt: context.clock(),
    options: resolved,
    lines: outcome.lines,
    invalid,
    refused: outcome.refused,
    ...countDirectoryLines(outcome.lines, invalid.length, 0),
    waitingForLicense: outcome.lines.filter(isWaitingForLicense),
  };
}

/**
 * Whether a profile of the covered areas may be missing from the feed. Not when
 * the counts show that the look-up by external id found every profile there
 * (active system users aside, which are never directory users): then the scan
 * of every directory profile is skipped. On a site the directory manages
 * entirely, that is every sync that blocks nobody.
 */
function someMayBeMissing(counts: readonly AreaSeatCounts[], byExternalId: ReadonlyMap<string, User>, covered: ReadonlySet<string>): boolean {
  let profiles = 0;
  for (const c of counts) if (covered.has(c.areaId)) profiles += c.users - c.activeSystem;
  let matched = 0;
  for (const user of byExternalId.values()) if (covered.has(user.areaId) && !(user.kind === 'system' && user.state === 'active')) matched++;
  // Unequal either way (a profile created or deleted between the reads), the scan decides.
  return matched !== profiles;
}

/**
 * Directory profiles of the covered areas whose external id the feed does not
 * name and that a sync would block: active ones, and pending ones (they no
 * longer wait for a seat once the directory dropped them). Read page by page.
 */
async function missingFromFeed(repository: SeatRepository, named: ReadonlySet<string>, covered: ReadonlySet<string>): Promise<User[]> {
  const missing: User[] = [];
  let after: string | null = null;
  do {
    const page = await repository.listUsers({ source: 'directory', kind: 'licensed' }, { after, limit: MISSING_PAGE_SIZE });
    for (const user of page.users) {
      if (user.externalId === null || named.has(user.externalId)) continue;
      if (!covered.has(user.areaId)) continue;
      if (user.state === 'active' || user.blockReason === 'license-limit') missing.push(user);
    }
    after = page.next;
  } while (after !== null);
  return missing;
}
