import { z } from 'zod';
import { directoryEntrySchema, type IndexedDirectoryEntry } from '../core/directory-entry.js';
import { directoryTarget, planDirectoryChanges, type DirectoryTarget } from '../core/directory-plan.js';
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
import { basisOf, sameAreaState, sameHolders, sameRecord, usernamesToLookUp, type LockedAreaState, type PlanBasis } from './directory-basis.js';
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

/** Attempts of an apply that a unique-key race with an unlocked area aborted; each re-reads everything. */
const ATTEMPTS = 3;
/** Users per `insertUsers` / `updateUsers` call, so a SQL repository stays within its parameter limits. */
const WRITE_BATCH = 1000;

/**
 * Applies a directory sync plan under the locks of every area it touches,
 * deciding seats again on the counts read there (or, when nothing the plan's
 * lines depend on changed, keeping the plan's decisions: see `directory-basis.ts`).
 * Lines whose profile changed since planning are skipped.
 */
export async function applyDirectoryPlan(context: ServiceContext, input: DirectorySyncPlan): Promise<DirectorySyncReport> {
  const basis = basisOf(input);
  if (basis === undefined) parseInput(planSchema, input, 'directory sync plan');
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
  // The positions of the lines to write or decide again: all but those with nothing to do.
  const work: number[] = [];
  const areaIds = new Set<string>();
  plan.lines.forEach((line, position) => {
    if (line.action === 'unchanged' && !isWaitingForLicense(line)) return;
    work.push(position);
    areaIds.add(line.areaId);
    if (line.current !== null) areaIds.add(line.current.areaId);
  });
  if (work.length === 0) return report(plan, context.clock(), [], [], new Set());

  const locked = [...areaIds].sort();
  for (let attempt = 1; ; attempt++) {
    try {
      return await inAreaTransaction(context, locked, (tx) => applyInTransaction(context, tx, plan, basis, work, locked));
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
  basis: PlanBasis | undefined,
  work: readonly number[],
  areaIds: readonly string[],
): Promise<DirectorySyncReport> {
  const now = context.clock();
  const lines = plan.lines;
  const usernames: string[] = [];
  for (const position of work) usernames.push(...usernamesToLookUp(lines[position] as DirectoryPlanLine));
  const byExternalIdList = await tx.findUsersByExternalIds(work.map((position) => (lines[position] as DirectoryPlanLine).externalId));
  const byUsernameList = usernames.length === 0 ? [] : await tx.findUsersByUsernames(usernames);
  const byExternalId = new Map<string, User>();
  for (const user of byExternalIdList) byExternalId.set(user.externalId as string, user);
  const byUsername = new Map<string, User>();
  for (const user of byUsernameList) byUsername.set(usernameKey(user.username), user);

  const skipped: DirectorySyncSkip[] = [];
  const skippedAt = new Set<number>();
  const accepted: number[] = [];
  for (const position of work) {
    const line = lines[position] as DirectoryPlanLine;
    const found = currentOf(line, byExternalId, byUsername);
    let message: string | null = null;
    if (line.current === null ? found !== undefined : found === undefined || !sameRecord(found, line.current)) {
      message = changedMessage(line, found);
    } else {
      // A planned creation whose username a profile without external id took meanwhile would now
      // adopt that profile. It is left out here, before seats are decided again, so the seat the
      // adopted profile might give back is never handed to someone else while it keeps it.
      const holder = line.current === null && line.entry !== null ? byUsername.get(usernameKey(line.entry.username)) : undefined;
      if (holder !== undefined && holder.externalId === null) message = `A profile named "${holder.username}" was created after planning; it was left as it is.`;
    }
    if (message === null) accepted.push(position);
    else {
      skipped.push(skip(line, 'CHANGED_SINCE_PLAN', message));
      skippedAt.add(position);
    }
  }

  const state = await readAreas(tx, areaIds);
  const results: DirectorySyncResultLine[] = [];
  let toWrite: readonly DirectoryPlanLine[];
  let positions: readonly number[];
  let rounds: ReadonlyMap<DirectoryPlanLine, number>;
  if (basis !== undefined && skipped.length === 0 && sameHolders(basis, usernames, byUsername) && sameAreaState(basis, areaIds, state)) {
    // Nothing the lines depend on changed since planning: planning again would give the same lines.
    toWrite = accepted.map((position) => lines[position] as DirectoryPlanLine);
    positions = accepted;
    rounds = basis.rounds;
  } else {
    const entries: IndexedDirectoryEntry[] = [];
    const missing: User[] = [];
    // Feed lines are found again by their position in the feed, lines of missing users by external id.
    const positionOf = new Map<number | string, number>();
    for (const position of accepted) {
      const line = lines[position] as DirectoryPlanLine;
      if (line.entry !== null && line.index !== null) {
        entries.push({ index: line.index, entry: line.entry });
        positionOf.set(line.index, position);
      } else {
        missing.push(currentOf(line, byExternalId, byUsername) as User);
        positionOf.set(line.externalId, position);
      }
    }
    // The guard was the plan's decision; under the lock only seats and changed profiles are decided again.
    const matched = entries.map(({ entry }) => byExternalId.get(entry.externalId) ?? null);
    const fresh = planDirectoryChanges(entries, { ...state, matched, byUsername, missing }, { ...plan.options, force: true });
    for (const entry of fresh.invalid) {
      const position = positionOf.get(entry.index) as number;
      skipped.push(skip(lines[position] as DirectoryPlanLine, 'NO_LONGER_VALID', `Not applied: ${entry.issues.map((i) => i.message).join('; ')}.`));
      skippedAt.add(position);
    }
    toWrite = fresh.lines;
    positions = fresh.lines.map((line) => positionOf.get(line.index ?? line.externalId) as number);
    rounds = fresh.rounds;
  }
  // Every change is written: skipping one now could hand on a seat its profile keeps.
  await write(context, tx, toWrite, positions, rounds, now, results);
  await observe(context, tx, toWrite, areaIds);
  return report(plan, now, results, skipped, skippedAt);
}

/** The profile a line is about, as read now: by external id, or by username for an adoption. */
function currentOf(line: DirectoryPlanLine, byExternalId: ReadonlyMap<string, User>, byUsername: ReadonlyMap<string, User>): User | undefined {
  const found = byExternalId.get(line.externalId);
  if (found !== undefined || line.current === null || line.current.externalId !== null) return found;
  const holder = byUsername.get(usernameKey(line.current.username));
  return holder?.id === line.current.id ? holder : undefined;
}

function changedMessage(line: DirectoryPlanLine, found: User | undefined): string {
  if (line.current === null) return `A profile with external id "${line.externalId}" ("${found?.username}") was created after planning; it was left as it is.`;
  if (found === undefined) return `Profile "${line.current.username}" was deleted or relinked after planning; nothing was written for it.`;
  return `Profile "${found.username}" was changed after planning (by an admin or another sync); it was left as it is and the next sync will look at it again.`;
}

function skip(line: DirectoryPlanLine, code: DirectorySyncSkip['code'], message: string): DirectorySyncSkip {
  return { index: line.index, externalId: line.externalId, username: line.username, areaId: line.areaId, planned: line.action, code, message };
}

async function readAreas(tx: SeatTransaction, areaIds: readonly string[]): Promise<LockedAreaState> {
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
 * Writes the lines: updates round by round (a profile taking a username
 * another gives up is written after it), then the new profiles. Puts each
 * line's profile as written into `results`, at the line's position in the plan.
 */
async function write(
  context: ServiceContext,
  tx: SeatTransaction,
  lines: readonly DirectoryPlanLine[],
  positions: readonly number[],
  rounds: ReadonlyMap<DirectoryPlanLine, number>,
  now: Date,
  results: DirectorySyncResultLine[],
): Promise<void> {
  const updates: User[][] = [];
  const inserts: User[] = [];
  lines.forEach((line, i) => {
    let user: User;
    if (line.current === null) {
      user = createdUser(context, directoryTarget(line), now);
      inserts.push(user);
    } else if (line.action === 'unchanged') {
      user = line.current;
    } else {
      user = changedUser(line.current, directoryTarget(line), now);
      (updates[rounds.get(line) ?? 0] ??= []).push(user);
    }
    results[positions[i] as number] = resultLine(line, user);
  });
  for (const round of updates) if (round !== undefined) for (const batch of chunks(round)) await tx.updateUsers(batch);
  for (const batch of chunks(inserts)) await tx.insertUsers(batch);
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
  return target.blockReason === user.blockReason ? user : { ...user, blockReason: target.blockReason };
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
async function observe(context: ServiceContext, tx: SeatTransaction, lines: readonly DirectoryPlanLine[], areaIds: readonly string[]): Promise<void> {
  const waiting = new Map<string, number>();
  const createdBlocked = new Map<string, number>();
  const seatChanged = new Set<string>();
  const add = (map: Map<string, number>, areaId: string) => map.set(areaId, (map.get(areaId) ?? 0) + 1);
  for (const line of lines) {
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

/**
 * The report: every planned line in plan order, as written or decided again
 * (`results`, by position in the plan), or unchanged; skipped lines left out.
 */
function report(
  plan: DirectorySyncPlan,
  appliedAt: Date,
  results: readonly (DirectorySyncResultLine | undefined)[],
  skipped: readonly DirectorySyncSkip[],
  skippedAt: ReadonlySet<number>,
): DirectorySyncReport {
  const lines: DirectorySyncResultLine[] = [];
  plan.lines.forEach((line, position) => {
    if (skippedAt.has(position)) return;
    const done = results[position];
    if (done !== undefined) lines.push(done);
    else if (line.current !== null) lines.push(resultLine(line, line.current));
  });
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
