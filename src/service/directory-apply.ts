import { z } from 'zod';
import { directoryEntrySchema, type IndexedDirectoryEntry } from '../core/directory-entry.js';
import { planDirectoryChanges, type DirectoryChange, type DirectoryTarget } from '../core/directory-plan.js';
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
import { ConflictError } from '../errors.js';
import type { SeatTransaction } from '../ports/repository.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { newUser } from './users.js';
import { parseInput } from './validate.js';

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

/**
 * Plans made by `planDirectorySync` in this process. They are deeply frozen, so
 * nobody can have changed them since: apply trusts them without validating
 * 100,000 lines again. Any other value is validated against {@link planSchema}.
 */
const madeHere = new WeakSet<object>();

/**
 * Freezes a plan made by `planDirectorySync` and marks it as made here.
 *
 * @param plan - a plan fresh from the planner
 * @returns the same plan, frozen
 */
export function sealPlan(plan: DirectorySyncPlan): DirectorySyncPlan {
  for (const line of plan.lines) {
    Object.freeze(line.changes);
    if (line.entry !== null) Object.freeze(line.entry);
    if (line.current !== null) Object.freeze(line.current);
    if (line.refusal !== null) Object.freeze(line.refusal);
    Object.freeze(line);
  }
  for (const entry of plan.invalid) {
    for (const issue of entry.issues) {
      Object.freeze(issue.path);
      Object.freeze(issue);
    }
    Object.freeze(entry.issues);
    Object.freeze(entry);
  }
  if (plan.refused !== null) {
    for (const area of plan.refused.areas) Object.freeze(area);
    Object.freeze(plan.refused.areas);
    Object.freeze(plan.refused);
  }
  for (const area of plan.areas) Object.freeze(area);
  if (plan.options.areaIds !== null) Object.freeze(plan.options.areaIds);
  for (const part of [plan.lines, plan.invalid, plan.areas, plan.totals, plan.waitingForLicense, plan.options, plan]) Object.freeze(part);
  madeHere.add(plan);
  return plan;
}

/** The users of both look-ups, each once. */
export function distinctUsers(...lists: readonly (readonly User[])[]): User[] {
  const seen = new Set<string>();
  const users: User[] = [];
  for (const list of lists) {
    for (const user of list) {
      if (seen.has(user.id)) continue;
      seen.add(user.id);
      users.push(user);
    }
  }
  return users;
}

/** Attempts of an apply that a unique-key race with an unlocked area aborted; each re-reads everything. */
const ATTEMPTS = 3;
/** Users per `insertUsers` / `updateUsers` call, so a SQL repository stays within its parameter limits. */
const WRITE_BATCH = 1000;

/**
 * Applies a directory sync plan under the locks of every area it touches,
 * deciding seats again on the counts read there. Lines whose profile changed
 * since planning are skipped.
 */
export async function applyDirectoryPlan(context: ServiceContext, input: DirectorySyncPlan): Promise<DirectorySyncReport> {
  if (!madeHere.has(input)) parseInput(planSchema, input, 'directory sync plan');
  const plan = input;
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
    };
  }
  const work = plan.lines.filter((line) => line.action !== 'unchanged' || isWaitingForLicense(line));
  if (work.length === 0) return report(plan, context.clock(), new Map(), []);

  const areaIds = new Set<string>();
  for (const line of work) {
    areaIds.add(line.areaId);
    if (line.current !== null) areaIds.add(line.current.areaId);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await inAreaTransaction(context, [...areaIds], (tx) => applyInTransaction(context, tx, plan, work, [...areaIds].sort()));
    } catch (error) {
      // A profile created meanwhile in an area this apply does not lock took a username or
      // external id it writes: nothing was kept; the next attempt sees that profile and skips the line.
      if (!(error instanceof ConflictError) || error.field === 'id' || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function applyInTransaction(
  context: ServiceContext,
  tx: SeatTransaction,
  plan: DirectorySyncPlan,
  work: readonly DirectoryPlanLine[],
  areaIds: readonly string[],
): Promise<DirectorySyncReport> {
  const now = context.clock();
  const byExternalIdList = await tx.findUsersByExternalIds(work.map((line) => line.externalId));
  const byUsernameList = await tx.findUsersByUsernames(work.flatMap((line) => (line.entry === null ? [] : [line.entry.username])));
  const byExternalId = new Map(byExternalIdList.map((u) => [u.externalId as string, u]));
  const byUsername = new Map(byUsernameList.map((u) => [usernameKey(u.username), u]));

  const skipped: DirectorySyncSkip[] = [];
  const accepted = new Map<string, DirectoryPlanLine>();
  const entries: IndexedDirectoryEntry[] = [];
  const missing: User[] = [];
  for (const line of work) {
    const found = currentOf(line, byExternalId, byUsername);
    if (line.current === null ? found !== undefined : found === undefined || !sameUser(found, line.current)) {
      skipped.push(skip(line, 'CHANGED_SINCE_PLAN', changedMessage(line, found)));
      continue;
    }
    // A planned creation whose username a profile without external id took meanwhile would now
    // adopt that profile. It is left out here, before seats are decided again, so the seat the
    // adopted profile might give back is never handed to someone else while it keeps it.
    const holder = line.current === null && line.entry !== null ? byUsername.get(usernameKey(line.entry.username)) : undefined;
    if (holder !== undefined && holder.externalId === null) {
      skipped.push(skip(line, 'CHANGED_SINCE_PLAN', `A profile named "${holder.username}" was created after planning; it was left as it is.`));
      continue;
    }
    accepted.set(lineKey(line), line);
    if (line.entry !== null && line.index !== null) entries.push({ index: line.index, entry: line.entry });
    else if (found !== undefined) missing.push(found);
  }

  const state = await readAreas(tx, areaIds);
  const users = distinctUsers(byExternalIdList, byUsernameList);
  // The guard was the plan's decision; under the lock only seats and changed profiles are decided again.
  const fresh = planDirectoryChanges(entries, { ...state, users, missing }, { ...plan.options, force: true });
  for (const entry of fresh.invalid) {
    const line = accepted.get(String(entry.index)) as DirectoryPlanLine;
    skipped.push(skip(line, 'NO_LONGER_VALID', `Not applied: ${entry.issues.map((i) => i.message).join('; ')}.`));
  }
  // Every change is written: skipping one now could hand on a seat its profile keeps.
  const written = await write(context, tx, fresh.changes, now);
  await observe(context, tx, fresh.changes, areaIds);
  return report(plan, now, written, skipped);
}

/** The profile a line is about, as read now: by external id, or by username for an adoption. */
function currentOf(line: DirectoryPlanLine, byExternalId: ReadonlyMap<string, User>, byUsername: ReadonlyMap<string, User>): User | undefined {
  const found = byExternalId.get(line.externalId);
  if (found !== undefined || line.current === null || line.current.externalId !== null) return found;
  const holder = byUsername.get(usernameKey(line.current.username));
  return holder?.id === line.current.id ? holder : undefined;
}

/** Whether a profile is exactly as it was when planned (every field, so two writes in the same millisecond still differ). */
function sameUser(a: User, b: User): boolean {
  for (const key of Object.keys(b) as (keyof User)[]) {
    const x = a[key];
    const y = b[key];
    if (x instanceof Date && y instanceof Date ? x.getTime() !== y.getTime() : x !== y) return false;
  }
  return true;
}

function changedMessage(line: DirectoryPlanLine, found: User | undefined): string {
  if (line.current === null) return `A profile with external id "${line.externalId}" ("${found?.username}") was created after planning; it was left as it is.`;
  if (found === undefined) return `Profile "${line.current.username}" was deleted or relinked after planning; nothing was written for it.`;
  return `Profile "${found.username}" was changed after planning (by an admin or another sync); it was left as it is and the next sync will look at it again.`;
}

function skip(line: DirectoryPlanLine, code: DirectorySyncSkip['code'], message: string): DirectorySyncSkip {
  return { index: line.index, externalId: line.externalId, username: line.username, areaId: line.areaId, planned: line.action, code, message };
}

/** Feed lines are keyed by position, lines of missing users by external id. */
function lineKey(line: { readonly index: number | null; readonly externalId: string }): string {
  return line.index === null ? `missing:${line.externalId}` : String(line.index);
}

async function readAreas(
  tx: SeatTransaction,
  areaIds: readonly string[],
): Promise<{ areas: Area[]; organizations: Organization[]; counts: AreaSeatCounts[] }> {
  const areas: Area[] = [];
  const organizations: Organization[] = [];
  const counts: AreaSeatCounts[] = [];
  for (const areaId of areaIds) {
    const area = await tx.getArea(areaId);
    if (area === null) continue;
    areas.push(area);
    organizations.push(...(await tx.listOrganizations(areaId)));
    counts.push(await tx.countUsers(areaId));
  }
  return { areas, organizations, counts };
}

/**
 * Writes the changes: updates round by round (a profile taking a username
 * another gives up is written after it), then the new profiles. Returns every
 * changed line's profile as written, by line key.
 */
async function write(context: ServiceContext, tx: SeatTransaction, changes: readonly DirectoryChange[], now: Date): Promise<Map<string, DirectorySyncResultLine>> {
  const written = new Map<string, DirectorySyncResultLine>();
  const rounds: User[][] = [];
  const inserts: User[] = [];
  for (const { line, target, round } of changes) {
    let user: User;
    if (line.current === null) {
      user = createdUser(context, target);
      inserts.push(user);
    } else if (line.action === 'unchanged') {
      user = line.current;
    } else {
      user = changedUser(line.current, target, now);
      (rounds[round] ??= []).push(user);
    }
    written.set(lineKey(line), resultLine(line, user));
  }
  for (const round of rounds) if (round !== undefined) for (const batch of chunks(round)) await tx.updateUsers(batch);
  for (const batch of chunks(inserts)) await tx.insertUsers(batch);
  return written;
}

function createdUser(context: ServiceContext, target: DirectoryTarget): User {
  const fields = {
    username: target.username,
    areaId: target.areaId,
    organizationId: target.organizationId,
    email: target.email ?? undefined,
    displayName: target.displayName ?? undefined,
    externalId: target.externalId,
  };
  if (target.state === 'active') return newUser(context, fields, { source: 'directory', state: 'active' });
  // newUser blocks for want of a seat; a disabled directory account keeps its own reason.
  return { ...newUser(context, fields, { source: 'directory', state: 'blocked', blockedBy: 'directory' }), blockReason: target.blockReason };
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

/**
 * Tells the seat watch, once per area: with the number of users waiting for a
 * seat when some were created or kept blocked for want of one (the limit is
 * exceeded), else after any other seat change.
 */
async function observe(context: ServiceContext, tx: SeatTransaction, changes: readonly DirectoryChange[], areaIds: readonly string[]): Promise<void> {
  const waiting = new Map<string, number>();
  const createdBlocked = new Map<string, number>();
  const seatChanged = new Set<string>();
  const add = (map: Map<string, number>, areaId: string) => map.set(areaId, (map.get(areaId) ?? 0) + 1);
  for (const { line } of changes) {
    if (isWaitingForLicense(line)) add(waiting, line.areaId);
    if (line.action === 'create-blocked' && isWaitingForLicense(line)) add(createdBlocked, line.areaId);
    const moved = line.changes.includes('areaId') || line.changes.includes('organizationId');
    if (line.action === 'create' || line.action === 'activate' || line.action === 'block' || moved) {
      seatChanged.add(line.areaId);
      if (line.current !== null) seatChanged.add(line.current.areaId);
    }
  }
  for (const areaId of areaIds) {
    const count = waiting.get(areaId) ?? 0;
    if (count > 0) {
      const created = createdBlocked.get(areaId) ?? 0;
      const waits = `${count} user${count === 1 ? '' : 's'} wait${count === 1 ? 's' : ''} for a license`;
      const attempted = created === 0 ? `directory sync: ${waits}` : `directory sync created ${created} user${created === 1 ? '' : 's'} blocked; ${waits}`;
      await context.watch.observe(tx, areaId, { attempted, waitingForSeat: count });
    } else if (seatChanged.has(areaId)) {
      await context.watch.observe(tx, areaId, { attempted: 'directory sync' });
    }
  }
}

/** A report line: the plan line's fields (listed, not spread: this runs 100,000 times) and the profile. */
function resultLine(line: DirectorySyncLine, user: User): DirectorySyncResultLine {
  return {
    index: line.index,
    externalId: line.externalId,
    username: line.username,
    areaId: line.areaId,
    organizationId: line.organizationId,
    action: line.action,
    reason: line.reason,
    changes: line.changes,
    refusal: line.refusal,
    user,
  };
}

/** The report: every planned line in plan order, as written, as re-decided, skipped, or unchanged. */
function report(plan: DirectorySyncPlan, appliedAt: Date, written: ReadonlyMap<string, DirectorySyncResultLine>, skipped: readonly DirectorySyncSkip[]): DirectorySyncReport {
  const skippedKeys = new Set(skipped.map(lineKey));
  const lines: DirectorySyncResultLine[] = [];
  for (const line of plan.lines) {
    const key = lineKey(line);
    if (skippedKeys.has(key)) continue;
    const done = written.get(key);
    if (done !== undefined) lines.push(done);
    else if (line.current !== null) lines.push(resultLine(line, line.current));
  }
  const bySkipIndex = [...skipped].sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));
  return {
    plannedAt: plan.plannedAt,
    appliedAt,
    refused: null,
    lines,
    invalid: plan.invalid,
    skipped: bySkipIndex,
    ...countDirectoryLines(lines, plan.invalid.length, skipped.length),
    waitingForLicense: lines.filter(isWaitingForLicense),
  };
}
