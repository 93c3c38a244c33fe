/**
 * Applying a directory sync plan: under the locks of every area it touches,
 * the profiles of its lines are read again, lines whose profile changed since
 * planning are skipped, and the rest is planned again on the state read there,
 * so seats are always decided on the counts under the lock.
 *
 * @module
 */
import { z } from 'zod';
import { directoryEntrySchema, type DirectoryEntry, type IndexedDirectoryEntry, type ResolvedDirectorySyncOptions } from '../core/directory-entry.js';
import { directoryTarget, planDirectoryChanges, usernamesToLookUp, type DirectoryTarget } from '../core/directory-plan.js';
import {
  countDirectoryLines,
  isWaitingForLicense,
  type DirectoryPlanLine,
  type DirectorySyncLine,
  type DirectorySyncPlan,
  type DirectorySyncReport,
  type DirectorySyncResultLine,
  type DirectorySyncSkip,
} from '../core/directory-report.js';
import { blockReasonSchema, idSchema, usernameKey, usernameSchema, type Area, type Organization, type User } from '../core/schemas.js';
import type { AreaSeatCounts } from '../core/usage.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import type { SeatTransaction } from '../ports/repository.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { newUser } from './users.js';
import { parseInput } from './validate.js';
import { countArea, findUsersByExternalIds, findUsersByUsernames } from './reads.js';

/**
 * What apply reads from a plan, checked before anything is read or written.
 * Loose objects: a plan carries more (changes, refusals, totals) that apply
 * passes through or recomputes.
 */
const planSchema = z.looseObject({
  plannedAt: z.date(),
  options: z.strictObject({
    onMissing: z.enum(['keep', 'block']),
    maxBlockShare: z.number().min(0).max(1),
    force: z.boolean(),
    areaIds: z.array(idSchema).nullable(),
  }),
  lines: z.array(
    z.looseObject({
      index: z.number().int().min(0).nullable(),
      externalId: idSchema,
      username: usernameSchema,
      areaId: idSchema,
      action: z.enum(['create', 'create-blocked', 'activate', 'block', 'update', 'unchanged']),
      reason: blockReasonSchema.nullable(),
      entry: directoryEntrySchema.nullable(),
      current: z.looseObject({ id: idSchema, username: usernameSchema, areaId: idSchema, updatedAt: z.date() }).nullable(),
    }),
  ),
  invalid: z.array(z.looseObject({ index: z.number().int().min(0) })),
  refused: z.looseObject({ code: z.literal('MASS_BLOCK_REFUSED') }).nullable(),
});

/** Pending users read by the first look-up of an area's queue; a later look-up reads at least twice as many. */
const PENDING_BATCH = 1_000;

/**
 * Activating pending users is a sync of their own profiles, entry for entry:
 * nothing is missing, nothing is blocked, so the guard has nothing to refuse.
 */
const PENDING_OPTIONS: ResolvedDirectorySyncOptions = { onMissing: 'keep', maxBlockShare: 1, force: true, areaIds: null };

/** Attempts of an apply that a unique-key race with an unlocked area aborted; each re-reads everything. */
export const ATTEMPTS = 3;
/** Users per `insertUsers` / `updateUsers` call, so a SQL repository stays within its parameter limits. */
const WRITE_BATCH = 1_000;
/**
 * Applies a directory sync plan under the locks of every area it touches,
 * deciding seats again on the counts read there. Lines whose profile changed
 * since planning are skipped.
 */
export async function applyDirectoryPlan(context: ServiceContext, input: DirectorySyncPlan): Promise<DirectorySyncReport> {
  const sampled = typeof input === 'object' && input !== null ? (input as { sampled?: unknown }).sampled : undefined;
  if (sampled !== undefined && sampled !== null) {
    // A streamed plan holds the first lines only, and its feed cannot be read a second time.
    throw new InvalidInputError('directory sync plan', [
      {
        path: ['sampled'],
        code: 'custom',
        message: 'this plan is a dry run of a streamed feed (an async iterable): it counts every user but lists only the first lines, so it cannot be applied; sync the feed with syncDirectory(feed, options) instead',
      },
    ]);
  }
  // The validated copy: its entries are as the schema returns them (trimmed), whatever the caller kept or edited.
  const plan = parseInput(planSchema, input, 'directory sync plan') as unknown as DirectorySyncPlan;
  if (plan.refused !== null) {
    return {
      plannedAt: plan.plannedAt,
      appliedAt: context.clock(),
      refused: plan.refused,
      lines: [],
      invalid: plan.invalid,
      skipped: [],
      ...countDirectoryLines([], plan.invalid.length, 0),
      waitingForLicense: [],
      sampled: null,
    };
  }
  // The lines to write or decide again: all but those with nothing to do.
  const work = plan.lines.filter((line) => line.action !== 'unchanged' || isWaitingForLicense(line));
  if (work.length === 0) return report(plan, context.clock(), new Map(), []);

  const areaIds = new Set<string>();
  for (const line of work) {
    areaIds.add(line.areaId);
    if (line.current !== null) areaIds.add(line.current.areaId);
  }
  const locked = [...areaIds].sort();
  for (let attempt = 1; ; attempt++) {
    try {
      return await inAreaTransaction(context, locked, (tx) => applyInTransaction(context, tx, plan, work, locked));
    } catch (error) {
      // A profile created meanwhile in an area this apply does not lock took a username or
      // external id it writes: nothing was kept; the next attempt sees that profile and skips the line.
      if (!(error instanceof ConflictError) || error.field === 'id' || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** How a streamed sync has {@link activatePendingInArea} hand on the seats its last blocks freed. */
export interface PendingForSync {
  /** Only these pending users: the ones the sync left waiting. */
  readonly only: (user: User) => boolean;
  /** A user's position in the sync's feed: among users blocked at the same time, the first in the feed gets a seat first. */
  readonly position: (user: User) => number;
  /**
   * What the seat watch is told once they are activated: the sync's own
   * figures (who it left waiting in the whole area), not only the part of the
   * queue that was read.
   */
  readonly event: (activated: readonly User[]) => AreaSeatEvents;
}

/** What activating the pending users of one area did. */
export interface AreaPendingActivation {
  /** The users activated, in the order they got their seats: oldest `blockedAt` first. */
  readonly activated: readonly User[];
  /** The pending users read that still wait, oldest first. */
  readonly waiting: readonly User[];
  /** `true` when the area had no seat left before its whole queue was read: more pending users wait behind `waiting`. */
  readonly moreWaiting: boolean;
}

/**
 * Activates the pending directory users of one area while seats are free,
 * under the area's lock. Their profiles are planned as a feed of themselves
 * (every field as it is, enabled) by the planner of every sync, so the seats
 * are handed out by the same rule and in the same order: oldest `blockedAt`
 * first, each decided on the counts the previous decisions left.
 *
 * The queue is read from its head ({@link PENDING_BATCH} users, then at least
 * twice as many each time) until it ends or the area has no seat left, so a long
 * queue in a full area costs one look-up. Pending profiles without an external
 * id are not linked to a directory: they are left to `reinstateUser`.
 *
 * @param context - the service context
 * @param areaId - the area
 * @param forSync - set by a streamed sync handing the seats its last blocks free to the users it left waiting
 * @returns who was activated and who still waits
 */
export async function activatePendingInArea(context: ServiceContext, areaId: string, forSync?: PendingForSync): Promise<AreaPendingActivation> {
  const only = forSync?.only;
  return inAreaTransaction(context, [areaId], async (tx) => {
    const now = context.clock();
    const activated: DirectoryPlanLine[] = [];
    const activatedUsers: User[] = [];
    let waiting: DirectoryPlanLine[] = [];
    let moreWaiting = false;
    for (let limit = PENDING_BATCH; ; ) {
      const state = await readAreas(tx, [areaId]);
      const area = state.areas[0];
      if (area === undefined) break;
      const queue = await tx.listBlockedUsers(areaId, 'license-limit', limit);
      const linked = queue.filter((user) => user.kind === 'licensed' && user.externalId !== null && (only === undefined || only(user)));
      // The queue's order (blockedAt, then id) is the feed order, which the planner uses to break blockedAt ties;
      // for a sync, its own feed's order (users created blocked by one batch share their blockedAt).
      const entries = linked.map((user, index) => ({ index: forSync?.position(user) ?? index, entry: pendingEntry(user) }));
      const byExternalId = new Map(linked.map((user) => [user.externalId as string, user]));
      const fresh = planDirectoryChanges(entries, { ...state, byExternalId, byUsername: new Map(), missing: [] }, PENDING_OPTIONS);
      const written = await write(context, tx, fresh.lines, fresh.rounds, now);
      waiting = [];
      fresh.lines.forEach((line, i) => {
        if (line.action === 'activate') {
          activated.push(line);
          activatedUsers.push(written[i] as User);
        } else if (isWaitingForLicense(line)) waiting.push(line);
      });
      if (queue.length < limit) break;
      // Every seat decision needs a seat left in the area, whoever asks: with none, the rest of the queue would all wait.
      const counts = await countArea(tx, areaId);
      if (counts.using >= area.maxUsers + area.graceSeats) {
        moreWaiting = true;
        break;
      }
      limit = Math.max(limit * 2, waiting.length + PENDING_BATCH);
    }
    if (forSync === undefined) await observe(context, tx, [...activated, ...waiting], [areaId], 'activating pending directory users');
    else await tellSeatWatch(context, tx, areaId, forSync.event(activatedUsers), 'directory sync');
    return { activated: activatedUsers, waiting: waiting.map((line) => line.current as User), moreWaiting };
  });
}

/** A pending profile as a feed entry that asks for nothing but a seat: every field as it is. */
function pendingEntry(user: User): DirectoryEntry {
  return {
    externalId: user.externalId as string,
    username: user.username,
    email: user.email,
    displayName: user.displayName,
    areaId: user.areaId,
    organizationId: user.organizationId,
    enabled: true,
  };
}

async function applyInTransaction(
  context: ServiceContext,
  tx: SeatTransaction,
  plan: DirectorySyncPlan,
  work: readonly DirectoryPlanLine[],
  areaIds: readonly string[],
): Promise<DirectorySyncReport> {
  const now = context.clock();
  const byExternalId = await findUsersByExternalIds(tx, work.map((line) => line.externalId));
  const feedLines: IndexedDirectoryEntry[] = [];
  for (const { index, entry } of work) if (index !== null && entry !== null) feedLines.push({ index, entry });
  const byUsername = await findUsersByUsernames(tx, usernamesToLookUp(feedLines, byExternalId));

  const skipped: Skipped[] = [];
  const entries: IndexedDirectoryEntry[] = [];
  const missing: User[] = [];
  // Feed lines are found again by their position in the feed, lines of missing users by external id.
  const planLineOf = new Map<number | string, DirectoryPlanLine>();
  for (const line of work) {
    const found = currentOf(line, byExternalId, byUsername);
    const message = changedSincePlan(line, found, byUsername);
    if (message !== null) skipped.push({ line, skip: skip(line, 'CHANGED_SINCE_PLAN', message) });
    else if (line.entry !== null && line.index !== null) {
      entries.push({ index: line.index, entry: line.entry });
      planLineOf.set(line.index, line);
    } else {
      missing.push(found as User);
      planLineOf.set(line.externalId, line);
    }
  }

  // The guard was the plan's decision; under the lock only seats and changed profiles are decided again.
  const state = await readAreas(tx, areaIds);
  const fresh = planDirectoryChanges(entries, { ...state, byExternalId, byUsername, missing }, { ...plan.options, force: true });
  for (const entry of fresh.invalid) {
    const line = planLineOf.get(entry.index) as DirectoryPlanLine;
    skipped.push({ line, skip: skip(line, 'NO_LONGER_VALID', `Not applied: ${entry.issues.map((i) => i.message).join('; ')}.`) });
  }
  // Every change is written: skipping one now could hand on a seat its profile keeps.
  const results = new Map<DirectoryPlanLine, DirectorySyncResultLine>();
  const written = await write(context, tx, fresh.lines, fresh.rounds, now);
  fresh.lines.forEach((line, i) => results.set(planLineOf.get(line.index ?? line.externalId) as DirectoryPlanLine, resultLine(line, written[i] as User)));
  await observe(context, tx, fresh.lines, areaIds, 'directory sync');
  return report(plan, now, results, skipped);
}

/** A planned line apply left alone, and why. */
interface Skipped {
  readonly line: DirectoryPlanLine;
  readonly skip: DirectorySyncSkip;
}

/** The profile a line is about, as read now: by external id, or by username for an adoption. */
function currentOf(line: DirectoryPlanLine, byExternalId: ReadonlyMap<string, User>, byUsername: ReadonlyMap<string, User>): User | undefined {
  const found = byExternalId.get(line.externalId);
  if (found !== undefined || line.current === null || line.current.externalId !== null) return found;
  const holder = byUsername.get(usernameKey(line.current.username));
  return holder?.id === line.current.id ? holder : undefined;
}

/** Why a line must be left alone, or `null` when its profile is as planned. */
function changedSincePlan(line: DirectoryPlanLine, found: User | undefined, byUsername: ReadonlyMap<string, User>): string | null {
  if (line.current === null) {
    if (found !== undefined) return `A profile with external id "${line.externalId}" ("${found.username}") was created after planning; it was left as it is.`;
    // A planned creation whose username a profile without external id took meanwhile would now
    // adopt that profile. It is left out before seats are decided again, so the seat the adopted
    // profile might give back is never handed to someone else while it keeps it.
    const holder = line.entry === null ? undefined : byUsername.get(usernameKey(line.entry.username));
    if (holder !== undefined && holder.externalId === null) return `A profile named "${holder.username}" was created after planning; it was left as it is.`;
    return null;
  }
  if (found === undefined) return `Profile "${line.current.username}" was deleted or relinked after planning; nothing was written for it.`;
  if (!sameProfile(found, line.current)) {
    return `Profile "${found.username}" was changed after planning (by an admin or another sync); it was left as it is and the next sync will look at it again.`;
  }
  return null;
}

/** Whether two records of a profile hold the same values: every field, dates by time (two writes in the same millisecond still differ in a field). */
function sameProfile(a: User, b: User): boolean {
  const keys = Object.keys(b) as (keyof User)[];
  if (Object.keys(a).length !== keys.length) return false;
  return keys.every((key) => {
    const x = a[key];
    const y = b[key];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}

function skip(line: DirectoryPlanLine, code: DirectorySyncSkip['code'], message: string): DirectorySyncSkip {
  return { index: line.index, externalId: line.externalId, username: line.username, areaId: line.areaId, planned: line.action, code, message };
}

/** The locked areas as read under their locks: the areas, their partners and their counts. */
export async function readAreas(tx: SeatTransaction, areaIds: readonly string[]): Promise<{ areas: Area[]; organizations: Organization[]; counts: AreaSeatCounts[] }> {
  const areas: Area[] = [];
  const organizations: Organization[] = [];
  const counts: AreaSeatCounts[] = [];
  for (const areaId of areaIds) {
    const area = await tx.getArea(areaId);
    if (area === null) continue;
    areas.push(area);
    organizations.push(...(await tx.listOrganizations(areaId)));
    counts.push(await countArea(tx, areaId));
  }
  return { areas, organizations, counts };
}

/**
 * Writes the lines: updates round by round (a profile taking a username
 * another gives up is written after it), then the new profiles.
 *
 * @returns each line's profile as written (or as it is, for an unchanged line), in line order
 */
export async function write(
  context: ServiceContext,
  tx: SeatTransaction,
  lines: readonly DirectoryPlanLine[],
  rounds: ReadonlyMap<DirectoryPlanLine, number>,
  now: Date,
): Promise<User[]> {
  const updates: User[][] = [];
  const inserts: User[] = [];
  const users = lines.map((line) => {
    if (line.current === null) {
      const user = createdUser(context, directoryTarget(line), now);
      inserts.push(user);
      return user;
    }
    if (line.action === 'unchanged') return line.current;
    const user = changedUser(line.current, directoryTarget(line), now);
    (updates[rounds.get(line) ?? 0] ??= []).push(user);
    return user;
  });
  for (const round of updates) if (round !== undefined) for (const batch of chunks(round)) await tx.updateUsers(batch);
  for (const batch of chunks(inserts)) await tx.insertUsers(batch);
  return users;
}

function createdUser(context: ServiceContext, target: DirectoryTarget, now: Date): User {
  const fields = {
    username: target.username,
    areaId: target.areaId,
    organizationId: target.organizationId,
    email: target.email ?? undefined,
    displayName: target.displayName ?? undefined,
    externalId: target.externalId,
  };
  if (target.state === 'active') return newUser(context, fields, { source: 'directory', state: 'active' }, now);
  const user = newUser(context, fields, { source: 'directory', state: 'blocked', blockedBy: 'directory' }, now);
  // newUser blocks for want of a seat; a disabled directory account keeps its own reason.
  return { ...user, blockReason: target.blockReason };
}

function changedUser(user: User, target: DirectoryTarget, now: Date): User {
  const active = target.state === 'active';
  // A new block reason restarts the wait: pending users are activated oldest blockedAt first.
  const reblocked = !active && (user.state !== 'blocked' || user.blockReason !== target.blockReason);
  return {
    ...user,
    username: target.username,
    email: target.email,
    displayName: target.displayName,
    externalId: target.externalId,
    areaId: target.areaId,
    organizationId: target.organizationId,
    state: target.state,
    blockReason: target.blockReason,
    blockedAt: active ? null : reblocked ? now : user.blockedAt,
    blockedBy: active ? null : reblocked ? 'directory' : user.blockedBy,
    updatedAt: now,
  };
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += WRITE_BATCH) yield items.slice(i, i + WRITE_BATCH);
}

/** What a sync's lines did to one area's seats, as the seat watch is told. */
export interface AreaSeatEvents {
  /** Feed users left waiting for a license because the area has no seat left (`LICENSE_LIMIT_REACHED`). */
  readonly waiting: number;
  /** Of those, the profiles created blocked. */
  readonly createdBlocked: number;
  /** Whether a seat was taken or given back (a creation, an activation, a block, a move). */
  readonly seatChanged: boolean;
}

/**
 * What lines do to each area's seats. Users left blocked because their
 * partner's quota is full or their partner is denied access wait for the
 * host's admin, not for a license: they are no license-limit event, so they
 * are not counted as waiting and notify nobody.
 *
 * @param lines - planned (or decided again) lines
 * @returns the events per area
 */
export function seatEventsOf(lines: readonly DirectoryPlanLine[]): Map<string, AreaSeatEvents> {
  const events = new Map<string, { waiting: number; createdBlocked: number; seatChanged: boolean }>();
  const of = (areaId: string) => {
    let event = events.get(areaId);
    if (event === undefined) events.set(areaId, (event = { waiting: 0, createdBlocked: 0, seatChanged: false }));
    return event;
  };
  for (const line of lines) {
    if (isWaitingForLicense(line) && line.refusal?.code === 'LICENSE_LIMIT_REACHED') {
      of(line.areaId).waiting++;
      if (line.action === 'create-blocked') of(line.areaId).createdBlocked++;
    }
    const moved = line.changes.includes('areaId') || line.changes.includes('organizationId');
    if (line.action === 'create' || line.action === 'activate' || line.action === 'block' || moved) {
      of(line.areaId).seatChanged = true;
      if (line.current !== null) of(line.current.areaId).seatChanged = true;
    }
  }
  return events;
}

/**
 * Tells the seat watch what a sync did in one area: with the number of users
 * waiting for a license when some were created or kept blocked because the
 * area has no seat left (the limit is exceeded), else after any other seat change.
 *
 * @param context - the service context
 * @param tx - the transaction holding the area's lock
 * @param areaId - the area
 * @param event - what the sync did there (nothing when `undefined`)
 * @param what - what ran, in words (`directory sync`)
 */
export async function tellSeatWatch(context: ServiceContext, tx: SeatTransaction, areaId: string, event: AreaSeatEvents | undefined, what: string): Promise<void> {
  if (event === undefined) return;
  const count = event.waiting;
  if (count > 0) {
    const created = event.createdBlocked;
    const waits = `${count} user${count === 1 ? '' : 's'} wait${count === 1 ? 's' : ''} for a license`;
    const attempted = created === 0 ? `${what}: ${waits}` : `${what} created ${created} user${created === 1 ? '' : 's'} blocked; ${waits}`;
    await context.watch.observe(tx, areaId, { attempted, waitingForSeat: count });
  } else if (event.seatChanged) {
    await context.watch.observe(tx, areaId, { attempted: what });
  }
}

/**
 * Tells the seat watch, once per area, what the lines did there (see
 * {@link seatEventsOf} and {@link tellSeatWatch}).
 *
 * @param waiting - `false` to leave the users waiting for a license out (a
 *   streamed sync tells the watch about them once, when the whole feed is synced)
 * @returns the events per area
 */
export async function observe(
  context: ServiceContext,
  tx: SeatTransaction,
  lines: readonly DirectoryPlanLine[],
  areaIds: readonly string[],
  what: string,
  waiting = true,
): Promise<Map<string, AreaSeatEvents>> {
  const events = seatEventsOf(lines);
  for (const areaId of areaIds) {
    const event = events.get(areaId);
    await tellSeatWatch(context, tx, areaId, event === undefined || waiting ? event : { ...event, waiting: 0, createdBlocked: 0 }, what);
  }
  return events;
}

/** A report line: the line's own fields (a plan line also carries its entry and matched profile) and the profile. */
export function resultLine(line: DirectorySyncLine, user: User): DirectorySyncResultLine {
  const { index, externalId, username, areaId, organizationId, action, reason, changes, refusal } = line;
  return { index, externalId, username, areaId, organizationId, action, reason, changes, refusal, user };
}

/**
 * The report: every planned line in plan order, as written or decided again
 * (`results`), or unchanged; skipped lines left out.
 */
function report(
  plan: DirectorySyncPlan,
  appliedAt: Date,
  results: ReadonlyMap<DirectoryPlanLine, DirectorySyncResultLine>,
  skipped: readonly Skipped[],
): DirectorySyncReport {
  const left = new Set(skipped.map((s) => s.line));
  const lines: DirectorySyncResultLine[] = [];
  for (const line of plan.lines) {
    if (left.has(line)) continue;
    const done = results.get(line);
    if (done !== undefined) lines.push(done);
    else if (line.current !== null) lines.push(resultLine(line, line.current));
  }
  const skips = skipped.map((s) => s.skip).sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));
  return {
    plannedAt: plan.plannedAt,
    appliedAt,
    refused: null,
    lines,
    invalid: plan.invalid,
    skipped: skips,
    ...countDirectoryLines(lines, plan.invalid.length, skipped.length),
    waitingForLicense: lines.filter(isWaitingForLicense),
    sampled: null,
  };
}
