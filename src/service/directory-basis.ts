/**
 * What a directory sync plan was made against, kept beside the plans this
 * process made, so that apply can tell under the area locks whether planning
 * again would give the same lines, and skip doing so (at 100,000 entries the
 * second planning was a third of the apply time).
 *
 * Why the same state gives the same lines. Apply plans again only the lines it
 * writes or re-decides (every line but the `unchanged` ones not waiting for a
 * license), on the state read under the lock: the areas, partners and counts of
 * the areas those lines touch, and the profiles found by their external ids and
 * usernames. The planner decides a line from exactly those: matching and
 * validity from the look-ups of the line's own keys and from its area and
 * partner; renames from the holders of its username, whose renaming lines are
 * written lines too; seats from the counts, advanced in one fixed order by the
 * lines that give seats back or ask for one, all of which are written or
 * re-decided lines (an `unchanged` line neither gives nor takes a seat). So when
 * every such input read under the lock equals what the plan read, planning
 * again yields the plan's own lines and write rounds, and apply uses them.
 * Anything different (a profile changed, a username taken, a seat taken or
 * freed, an area or partner edited) and apply plans again, as before.
 *
 * @module
 */
import type { DirectoryPlanLine, DirectorySyncPlan } from '../core/directory-report.js';
import { sameUsername, usernameKey, type Area, type Organization, type User } from '../core/schemas.js';
import type { AreaSeatCounts } from '../core/usage.js';

/** The state a plan was made from, as far as its lines depend on it. */
export interface PlanBasis {
  /** Every area, by id. */
  readonly areas: ReadonlyMap<string, Area>;
  /** Every partner organization. */
  readonly organizations: readonly Organization[];
  /** The counts of the areas the plan touches, by area id. */
  readonly counts: ReadonlyMap<string, AreaSeatCounts>;
  /** What the look-up by username found, by username key (the keys it did not find are absent). */
  readonly holders: ReadonlyMap<string, User>;
  /** The write round of every line after round 0, as the planner returned them. */
  readonly rounds: ReadonlyMap<DirectoryPlanLine, number>;
}

/** The areas, partners and counts apply reads under the lock. */
export interface LockedAreaState {
  /** The areas that still exist. */
  readonly areas: readonly Area[];
  /** Their partner organizations. */
  readonly organizations: readonly Organization[];
  /** Their counts. */
  readonly counts: readonly AreaSeatCounts[];
}

/**
 * Plans made by `planDirectorySync` in this process, with their basis. They are
 * deeply frozen, so nobody can have changed them since: apply trusts them
 * without validating 100,000 lines again.
 */
const bases = new WeakMap<DirectorySyncPlan, PlanBasis>();

/**
 * Freezes a plan made by `planDirectorySync` and remembers what it was made against.
 *
 * @param plan - a plan fresh from the planner
 * @param basis - the state it was planned on
 * @returns the same plan, frozen
 */
export function sealPlan(plan: DirectorySyncPlan, basis: PlanBasis): DirectorySyncPlan {
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
  bases.set(plan, basis);
  return plan;
}

/**
 * The basis of a plan made by `planDirectorySync` in this process, or
 * `undefined` for anything else (a copy of a plan, a hand-made object).
 *
 * @param plan - what was passed to apply
 * @returns its basis, when this process made it
 */
export function basisOf(plan: DirectorySyncPlan): PlanBasis | undefined {
  return bases.get(plan);
}

/**
 * The usernames a line must be looked up by when it is applied: a new
 * profile's, an adopted profile's, or a new name; none when its matched
 * profile keeps its own name (that profile, unchanged, is then the only
 * possible holder).
 *
 * @param line - a plan line
 * @returns the usernames to look up
 */
export function usernamesToLookUp(line: DirectoryPlanLine): readonly string[] {
  const { entry, current } = line;
  if (entry === null) return NONE;
  if (current === null) return [entry.username];
  const same = sameUsername(current.username, entry.username);
  // An adopted profile is found again by its own name (the entry's, unless the plan was altered).
  if (current.externalId === null) return same ? [entry.username] : [entry.username, current.username];
  return same ? NONE : [entry.username];
}

const NONE: readonly string[] = [];

/**
 * Whether the look-up by username under the lock found what the plan's did:
 * for every name looked up, the same profile, unchanged, or nobody in both.
 *
 * @param basis - the plan's basis
 * @param usernames - the usernames looked up under the lock
 * @param found - what that look-up found, by username key
 * @returns `true` when every result is the plan's
 */
export function sameHolders(basis: PlanBasis, usernames: readonly string[], found: ReadonlyMap<string, User>): boolean {
  for (const username of usernames) {
    const key = usernameKey(username);
    const now = found.get(key);
    const then = basis.holders.get(key);
    if (now === undefined ? then !== undefined : then === undefined || !sameRecord(now, then)) return false;
  }
  return true;
}

/**
 * Whether the areas, partners and counts read under the lock are those the plan was made on.
 *
 * @param basis - the plan's basis
 * @param areaIds - the areas apply locked
 * @param state - what it read there
 * @returns `true` when each area, each of its partners and its counts are unchanged
 */
export function sameAreaState(basis: PlanBasis, areaIds: readonly string[], state: LockedAreaState): boolean {
  if (state.areas.length !== areaIds.length) return false;
  for (const area of state.areas) {
    const then = basis.areas.get(area.id);
    if (then === undefined || !sameRecord(area, then)) return false;
  }
  const locked = new Set(areaIds);
  const partnersThen = new Map<string, Organization>();
  for (const organization of basis.organizations) if (locked.has(organization.areaId)) partnersThen.set(organization.id, organization);
  if (state.organizations.length !== partnersThen.size) return false;
  for (const organization of state.organizations) {
    const then = partnersThen.get(organization.id);
    if (then === undefined || !sameRecord(organization, then)) return false;
  }
  if (state.counts.length !== areaIds.length) return false;
  for (const counts of state.counts) {
    const then = basis.counts.get(counts.areaId);
    if (then === undefined || !sameCounts(counts, then)) return false;
  }
  return true;
}

/**
 * Whether two records (a user, an area, a partner) hold the same values: every
 * field, dates by time, so two writes in the same millisecond still differ.
 *
 * @param a - one record
 * @param b - the other
 * @returns `true` when every field of either is equal in the other
 */
export function sameRecord<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const keys = Object.keys(b) as (keyof T)[];
  if (Object.keys(a).length !== keys.length) return false;
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (x instanceof Date && y instanceof Date ? x.getTime() !== y.getTime() : x !== y) return false;
  }
  return true;
}

/** Whether two counts of an area are equal, partners included (a partner with no users may be listed or not). */
function sameCounts(a: AreaSeatCounts, b: AreaSeatCounts): boolean {
  if (a.users !== b.users || a.using !== b.using || a.activeSystem !== b.activeSystem || a.blocked !== b.blocked) return false;
  const partners = new Map(a.organizations.map((o) => [o.organizationId, o]));
  let matched = 0;
  for (const o of b.organizations) {
    const other = partners.get(o.organizationId);
    if (other === undefined ? o.users !== 0 || o.using !== 0 : other.users !== o.users || other.using !== o.using) return false;
    if (other !== undefined) matched++;
  }
  // Partners of `a` not listed in `b` must have no users either.
  if (matched === partners.size) return true;
  const listed = new Set(b.organizations.map((o) => o.organizationId));
  return a.organizations.every((o) => listed.has(o.organizationId) || (o.users === 0 && o.using === 0));
}
