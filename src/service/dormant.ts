import { formatDuration } from 'date-fns';
import { z } from 'zod';
import { SYSTEM_ACTORS, type TimeCursor } from '../core/audit.js';
import {
  dormantCutoff,
  dormantSkip,
  dormantUsersOptionsSchema,
  dormantUsersPlanSchema,
  planDormantUsers,
  type DormantUser,
  type DormantUserSkip,
  type DormantUsersOptions,
  type DormantUsersPlan,
  type DormantUsersReport,
} from '../core/dormant.js';
import { idSchema, type User, type WriteOptions } from '../core/schemas.js';
import { decideSeat, type SeatRefusal } from '../core/seat-policy.js';
import { UnknownAreaError, UnknownUserError } from '../errors.js';
import { MAX_KEYS_PER_LOOKUP, type SeatTransaction } from '../ports/repository.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { composeDormantUsersBlocked } from './notifications/compose.js';
import { countArea } from './reads.js';
import { inUserArea, readSeatContext } from './seat-context.js';
import { parseInput, writeContext } from './validate.js';

/** What `recordActivity` did. */
export interface ActivityResult {
  /** Always `true`: the activity was recorded (the user's `lastActivityAt` is at least the time given). */
  readonly recorded: true;
  /** Whether the user was blocked as dormant and is active again now. */
  readonly reinstated: boolean;
  /** The user as it is now. */
  readonly user: User;
  /** Set when the user is blocked as dormant and no seat was free for it: it stays blocked, and is reinstated at a later sign-in once a seat is free. */
  readonly refusal?: SeatRefusal;
}

/** Giving back seats nobody uses: activity, and the dormant-user policy. */
export interface DormantUsersApi {
  /**
   * Records that a user was active (signed in), cheap enough for every
   * sign-in: one write without an area lock (one statement on PostgreSQL),
   * last write wins and the time never moves back. A user blocked as dormant
   * (`applyDormantUsers`) is reinstated at once when a seat is free, under its
   * area's lock, recorded in the audit trail (`user.activated`); when none is
   * free it stays blocked, the refusal is reported (and the responsible person
   * told, as for any refused seat), and a later sign-in tries again. Users
   * blocked for any other reason stay blocked.
   *
   * @param userId - the user
   * @param at - when it was active; default now (the clock). An earlier time than the one recorded changes nothing.
   * @param options - `actor`: who reinstates a dormant user, recorded in the audit trail (default `dormant-policy`)
   * @returns `{ recorded: true, reinstated, user }`, with `refusal` when a dormant user found no seat
   * @throws UnknownUserError when there is no such user
   * @throws InvalidInputError when `at` is not a valid Date
   * @example
   * ```ts
   * // In the sign-in handler:
   * const { reinstated, refusal } = await seats.recordActivity(user.id);
   * if (refusal) return showPage('No license is free for you right now; your administrator has been told.');
   * ```
   */
  recordActivity(userId: string, at?: Date, options?: WriteOptions): Promise<ActivityResult>;
  /**
   * Plans a dormant-user run, a dry run that writes nothing: the active
   * licensed users whose last activity (or, without any, their creation) is
   * older than `inactiveFor`, counted back from now in UTC (a day is 24
   * hours). Never system users, never users created within the period, never
   * those in `exclude`. Read by an index of the store (least recently seen
   * first), never by loading every user. If the plan would block more than
   * `maxBlockShare` (default 20 %) of an area's active licensed users it is
   * `refused` unless `force: true`, as a directory sync is.
   *
   * @param options - `inactiveFor` (a date-fns `Duration`, e.g. `{ days: 90 }`), `areaIds`, `exclude` (user ids or usernames), `maxBlockShare`, `force`
   * @returns the plan: who would be blocked, per area, and the guard's refusal if any
   * @throws InvalidInputError when an option is malformed
   * @throws UnknownAreaError when `areaIds` names an area that is not defined
   * @example
   * ```ts
   * const plan = await seats.planDormantUsers({ inactiveFor: { days: 90 }, exclude: ['ceo'] });
   * for (const u of plan.users) console.log(u.username, u.lastActivityAt ?? 'never signed in');
   * ```
   */
  planDormantUsers(options: DormantUsersOptions): Promise<DormantUsersPlan>;
  /**
   * Applies a dormant-user plan: blocks its users with block reason
   * `dormant`, area by area, each under its area's lock, after checking each
   * again there (still in the area, active, licensed, and not active since the
   * plan's cutoff: otherwise it is `skipped`). Recorded in the audit trail
   * (`user.blocked`, actor `dormant-policy` unless given). The responsible
   * person gets one summary per area in which users were blocked (how many,
   * never who). A refused plan writes nothing. A directory sync never
   * reactivates a dormant user; a sign-in (`recordActivity`) or
   * `reinstateUser` does.
   *
   * @param plan - a plan from `planDormantUsers`, or a copy of one (its dates as `Date` objects)
   * @param options - `actor`: who applies it, recorded in the audit trail (default `dormant-policy`)
   * @returns who was blocked and who was left alone, and why
   * @throws InvalidInputError when `plan` is not a plan
   * @example
   * ```ts
   * const report = await seats.applyDormantUsers(plan);
   * if (report.refused) console.log(report.refused.message);
   * else console.log(`${report.blocked.length} blocked, ${report.skipped.length} active again since planning`);
   * ```
   */
  applyDormantUsers(plan: DormantUsersPlan, options?: WriteOptions): Promise<DormantUsersReport>;
}

/** Inactive users read per look-up while planning. */
const PLAN_PAGE = 1_000;
/** Users per `updateUsers` call, so a SQL repository stays within its parameter limits. */
const WRITE_BATCH = 1_000;

const activityTimeSchema = z.date({ error: 'must be a valid Date' });

/** Builds the {@link DormantUsersApi}. */
export function dormantUsersApi(context: ServiceContext): DormantUsersApi {
  return {
    async recordActivity(userId, at, options) {
      const id = parseInput(idSchema, userId, 'user id');
      const when = at === undefined ? context.clock() : parseInput(activityTimeSchema, at, 'activity time');
      const writer = writeContext(context, options, 'recordActivity options', SYSTEM_ACTORS.dormantPolicy);
      const user = await context.repository.recordActivity(id, when);
      if (user === null) throw new UnknownUserError(id);
      if (!isDormantBlocked(user)) return { recorded: true, reinstated: false, user };
      return reinstateDormant(writer, user);
    },

    async planDormantUsers(options) {
      const data = parseInput(dormantUsersOptionsSchema, options, 'planDormantUsers options');
      const { repository } = context;
      const defined = new Set((await repository.listAreas()).map((a) => a.id));
      for (const areaId of data.areaIds ?? []) if (!defined.has(areaId)) throw new UnknownAreaError(areaId);
      const now = context.clock();
      const filter = { before: dormantCutoff(now, data.inactiveFor), areaIds: data.areaIds ?? null };
      const candidates: User[] = [];
      let after: TimeCursor | null = null;
      do {
        const page = await repository.listInactiveUsers(filter, { after, limit: PLAN_PAGE });
        candidates.push(...page.users);
        after = page.next;
      } while (after !== null);
      const areaIds = [...new Set(candidates.map((u) => u.areaId))].sort();
      const counts = areaIds.length === 0 ? [] : await repository.countUsers(areaIds);
      return planDormantUsers({ now, options: data, candidates, using: new Map(counts.map((c) => [c.areaId, c.using])) });
    },

    async applyDormantUsers(plan, options) {
      const data = parseInput(dormantUsersPlanSchema, plan, 'dormant users plan');
      const writer = writeContext(context, options, 'applyDormantUsers options', SYSTEM_ACTORS.dormantPolicy);
      const appliedAt = context.clock();
      const report = { plannedAt: data.plannedAt, appliedAt, refused: data.refused as DormantUsersReport['refused'] };
      if (data.refused !== null) return { ...report, blocked: [], skipped: [], areas: [] };
      const byArea = new Map<string, DormantUser[]>();
      for (const user of data.users) byArea.set(user.areaId, [...(byArea.get(user.areaId) ?? []), user]);
      const blocked: User[] = [];
      const skipped: DormantUserSkip[] = [];
      const areas: { areaId: string; blocked: number }[] = [];
      const inactiveFor = formatDuration(data.inactiveFor);
      for (const areaId of [...byArea.keys()].sort()) {
        const done = await inAreaTransaction(writer, [areaId], (tx) => blockInArea(writer, tx, areaId, byArea.get(areaId) ?? [], data.cutoff, inactiveFor));
        blocked.push(...done.blocked);
        skipped.push(...done.skipped);
        areas.push({ areaId, blocked: done.blocked.length });
      }
      return { ...report, blocked, skipped, areas };
    },
  };
}

function isDormantBlocked(user: User): boolean {
  return user.state === 'blocked' && user.blockReason === 'dormant';
}

/** Reinstates a dormant user who was active again, under its area's lock, if a seat is free. */
async function reinstateDormant(context: ServiceContext, seen: User): Promise<ActivityResult> {
  return inUserArea(context, seen, async (tx, user): Promise<ActivityResult> => {
    // Reinstated by a parallel sign-in, or blocked for another reason meanwhile: nothing to do.
    if (!isDormantBlocked(user)) return { recorded: true, reinstated: false, user };
    const attempted = 'reinstate a dormant user who was active again';
    if (user.kind === 'licensed') {
      const seat = decideSeat(await readSeatContext(tx, user.areaId), user.organizationId);
      if (!seat.ok) {
        await context.watch.observe(tx, user.areaId, { attempted, refusal: seat.reason });
        return { recorded: true, reinstated: false, user, refusal: seat.reason };
      }
    }
    const active: User = { ...user, state: 'active', blockReason: null, blockedAt: null, blockedBy: null, updatedAt: context.clock() };
    await tx.updateUsers([active]);
    await context.watch.observe(tx, user.areaId, { attempted });
    return { recorded: true, reinstated: true, user: active };
  });
}

/**
 * Blocks the planned users of one area that are still dormant there, under
 * the area's lock, and tells the responsible person how many.
 */
async function blockInArea(
  context: ServiceContext,
  tx: SeatTransaction,
  areaId: string,
  planned: readonly DormantUser[],
  cutoff: Date,
  inactiveFor: string,
): Promise<{ blocked: User[]; skipped: DormantUserSkip[] }> {
  const current = await readPlanned(tx, planned);
  const now = context.clock();
  const blockedBy = context.actor?.id ?? SYSTEM_ACTORS.dormantPolicy.id;
  const blocked: User[] = [];
  const skipped: DormantUserSkip[] = [];
  for (const user of planned) {
    const found = current.get(user.userId) ?? null;
    const skip = dormantSkip(user, found, cutoff);
    if (skip !== null || found === null) skipped.push(skip as DormantUserSkip);
    else blocked.push({ ...found, state: 'blocked', blockReason: 'dormant', blockedAt: now, blockedBy, updatedAt: now });
  }
  if (blocked.length === 0) return { blocked, skipped };
  for (let start = 0; start < blocked.length; start += WRITE_BATCH) await tx.updateUsers(blocked.slice(start, start + WRITE_BATCH));
  const attempted = `block ${blocked.length} dormant user${blocked.length === 1 ? '' : 's'} (no activity for ${inactiveFor})`;
  await context.watch.observe(tx, areaId, { attempted });
  const area = await tx.getArea(areaId);
  if (area !== null && context.watch.notify !== undefined) {
    const { using } = await countArea(tx, areaId);
    await context.watch.notify(tx, (to) =>
      composeDormantUsersBlocked(
        { id: context.newId(), to, area, using, attempted, occurredAt: now, minimumPurchase: context.options.minimumPurchase },
        { blocked: blocked.length, inactiveFor, cutoff },
      ),
    );
  }
  return { blocked, skipped };
}

/**
 * The planned users as they are now, by id: looked up by username in batches
 * (one statement per {@link MAX_KEYS_PER_LOOKUP}), and by id for those renamed since.
 */
async function readPlanned(tx: SeatTransaction, planned: readonly DormantUser[]): Promise<Map<string, User>> {
  const wanted = new Set(planned.map((u) => u.userId));
  const found = new Map<string, User>();
  for (let start = 0; start < planned.length; start += MAX_KEYS_PER_LOOKUP) {
    const users = await tx.findUsersByUsernames(planned.slice(start, start + MAX_KEYS_PER_LOOKUP).map((u) => u.username));
    for (const user of users) if (wanted.has(user.id)) found.set(user.id, user);
  }
  for (const id of wanted) {
    if (found.has(id)) continue;
    const user = await tx.getUser(id);
    if (user !== null) found.set(id, user);
  }
  return found;
}
