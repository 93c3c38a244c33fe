/**
 * Planning a directory sync: from the validated feed and the current state
 * (the profiles found by batched look-ups, the areas, their partners and their
 * aggregate counts), what happens to every user. Pure: the service runs it to
 * plan, and again under the area locks to apply, on the state read there.
 *
 * The rules, in the order they are applied:
 * 1. Matching. An entry matches the profile with its `externalId`. When none has
 *    it, a licensed profile with the entry's username and no external id is
 *    adopted (linked to the directory). A username held by any other profile is
 *    an invalid entry, unless this same feed renames that profile away. System
 *    users are never matched.
 * 2. Releases. Active profiles the feed disables (`enabled: false`), active
 *    directory profiles missing from the feed (only with `onMissing: 'block'`)
 *    and active profiles that move to another area or partner give their seat
 *    back first, so the same sync can hand it on.
 * 3. Seats, decided one after another with {@link decideSeat} on counts advanced
 *    by {@link addToCounts} after each decision (the same rules as a manual
 *    creation): moved active profiles first (nobody who can log in loses access
 *    to a reorganisation when a seat is free), then pending profiles
 *    (`license-limit`) oldest `blockedAt` first (they have waited longest), then
 *    profiles the directory re-enables (`directory-disabled` / `directory-removed`)
 *    in feed order, then new profiles in feed order. Whoever gets no seat is, or
 *    stays, blocked with `license-limit` and is activated by a later sync.
 * 4. Profiles blocked by an admin, or as dormant, are never activated; their fields
 *    still follow the feed (a dormant profile is activated when it signs in again).
 * 5. The mass-block guard: if the plan blocks more than `maxBlockShare` of an
 *    area's active licensed users, it is refused unless `force` is set.
 *
 * @module
 */
import type { InputIssue } from '../errors.js';
import type { DirectoryEntry, IndexedDirectoryEntry, InvalidDirectoryEntry, ResolvedDirectorySyncOptions } from './directory-entry.js';
import type { DirectoryPlanLine, DirectorySyncAction, DirectorySyncField, DirectorySyncRefusal } from './directory-report.js';
import { describeOverflow, massBlockOverflow, sharePercent } from './mass-block.js';
import { usernameProblem } from './username.js';
import { usernameKey, type Area, type BlockReason, type Organization, type User, type UserState } from './schemas.js';
import { decideSeat, type SeatRefusal } from './seat-policy.js';
import { reservedFor } from './system-users.js';
import { addToCounts, emptyAreaCounts, type AreaSeatCounts, type CountedProfile } from './usage.js';

/** What the planner reads: everything a service fetched with batched look-ups and aggregate counts. */
export interface DirectoryState {
  /** The areas the feed names, the matched profiles live in, or the sync covers. */
  readonly areas: readonly Area[];
  /** The partner organizations of those areas. */
  readonly organizations: readonly Organization[];
  /** The aggregate counts of those areas. */
  readonly counts: readonly AreaSeatCounts[];
  /** The profiles holding the entries' external ids, by external id. */
  readonly byExternalId: ReadonlyMap<string, User>;
  /** The profiles holding the usernames of {@link usernamesToLookUp}, by username key. */
  readonly byUsername: ReadonlyMap<string, User>;
  /** Directory profiles of the covered areas established to be missing from the feed (empty unless `onMissing: 'block'`). */
  readonly missing: readonly User[];
}

/**
 * The usernames a sync must look up for these entries: each entry's own,
 * unless the profile found by its external id already holds that name (then
 * that profile is the only possible holder). So a feed synced before, whose
 * profiles keep their names, needs no look-up by username.
 *
 * @param entries - the valid feed entries
 * @param byExternalId - the profiles found by their external ids
 * @returns the usernames of new, adopted and renamed profiles
 */
export function usernamesToLookUp(entries: readonly IndexedDirectoryEntry[], byExternalId: ReadonlyMap<string, User>): string[] {
  return entries.filter(({ entry }) => !keepsUsername(entry, byExternalId)).map(({ entry }) => entry.username);
}

/**
 * Whether the profile holding an entry's external id already holds the
 * entry's username (ignoring case): then it is the only possible holder, and
 * storage keeps any other profile from taking that name.
 *
 * @param entry - a valid feed entry
 * @param byExternalId - the profiles found by their external ids
 */
export function keepsUsername(entry: DirectoryEntry, byExternalId: ReadonlyMap<string, User>): boolean {
  const profile = byExternalId.get(entry.externalId);
  return profile !== undefined && usernameKey(profile.username) === usernameKey(entry.username);
}

/** The profile fields and state a line leads to. */
export interface DirectoryTarget {
  /** The username. */
  readonly username: string;
  /** The email, or `null`. */
  readonly email: string | null;
  /** The display name, or `null`. */
  readonly displayName: string | null;
  /** The directory id. */
  readonly externalId: string;
  /** The area. */
  readonly areaId: string;
  /** The partner, or `null`. */
  readonly organizationId: string | null;
  /** Active or blocked. */
  readonly state: UserState;
  /** Why blocked; `null` when active. */
  readonly blockReason: BlockReason | null;
}

/** The planner's answer. */
export interface DirectoryPlanOutcome {
  /** One line per applicable entry in feed order, then the missing users. */
  readonly lines: readonly DirectoryPlanLine[];
  /**
   * The write round of every line that takes a username another profile gives
   * up in this sync: it is written one round after that profile. Lines not
   * listed are round 0.
   */
  readonly rounds: ReadonlyMap<DirectoryPlanLine, number>;
  /** Entries found inapplicable against the state (unknown area, username taken...), in feed order. */
  readonly invalid: readonly InvalidDirectoryEntry[];
  /** Set when the mass-block guard refuses the plan. */
  readonly refused: DirectorySyncRefusal | null;
  /**
   * The counts of the areas in the state once every line is applied: what a
   * later plan of more of the same feed starts from when nothing is written in
   * between (a dry run of a streamed feed, planned batch by batch).
   */
  readonly counts: readonly AreaSeatCounts[];
}

/** An entry that passed the checks against the state. */
interface Candidate {
  readonly index: number;
  readonly entry: DirectoryEntry;
  /** The matched profile: by external id, or adopted by username. */
  readonly current: User | null;
  /** The profile holding the username the entry asks for, if any. */
  readonly holder: User | null;
}

/** A line being decided: a candidate that may take its username, or a user missing from the feed. */
interface Draft {
  readonly index: number | null;
  readonly entry: DirectoryEntry | null;
  readonly current: User | null;
  readonly round: number;
  readonly areaId: string;
  readonly organizationId: string | null;
  /** Settled when the draft is made, or by the seat decision for drafts that ask for a seat. */
  state: UserState;
  blockReason: BlockReason | null;
  refusal: SeatRefusal | null;
}

/**
 * Plans a directory sync. See the module documentation for the rules.
 *
 * @param entries - the valid feed entries, from `parseDirectoryFeed`
 * @param state - the current state, read with batched look-ups
 * @param options - the resolved sync options
 * @returns the lines in feed order with their write rounds, the entries found invalid, and the guard's refusal if any
 */
export function planDirectoryChanges(
  entries: readonly IndexedDirectoryEntry[],
  state: DirectoryState,
  options: ResolvedDirectorySyncOptions,
): DirectoryPlanOutcome {
  const areas = new Map(state.areas.map((a) => [a.id, a]));
  const organizations = new Map(state.organizations.map((o) => [o.id, o]));
  const covered = options.areaIds === null ? null : new Set(options.areaIds);

  const invalid: InvalidDirectoryEntry[] = [];
  const candidates: Candidate[] = [];
  for (const { index, entry } of entries) {
    const issues = stateIssues(entry, areas, organizations, covered);
    const byId = state.byExternalId.get(entry.externalId);
    const holder = byId !== undefined && usernameKey(byId.username) === usernameKey(entry.username) ? byId : state.byUsername.get(usernameKey(entry.username));
    // Adoption: a profile made before the directory was connected is linked, not duplicated.
    const current = byId ?? (holder !== undefined && holder.externalId === null ? holder : undefined);
    if (current?.kind === 'system') {
      issues.push({
        path: byId === undefined ? ['username'] : ['externalId'],
        code: 'system_user',
        message: `"${current.username}" is a system user; a directory sync never manages system users`,
      });
    } else if (reservedFor(entry.username) !== null && (current === undefined || usernameKey(current.username) !== usernameKey(entry.username))) {
      // Reserved even while the site has no such system user, so ensureSystemUsers can always create it.
      issues.push({ path: ['username'], code: 'system_user', message: `"${entry.username}" is reserved for a system user; a directory sync never takes it` });
    }
    // A new name must not pass for another; a profile keeping the name it has is left as it is.
    const problem = current !== undefined && current.username === entry.username ? null : usernameProblem(entry.username);
    if (problem !== null) issues.push({ path: ['username'], code: 'username_not_allowed', message: problem.message });
    if (issues.length > 0) invalid.push({ index, externalId: entry.externalId, username: entry.username, issues });
    else candidates.push({ index, entry, current: current ?? null, holder: holder ?? null });
  }

  const rounds = orderRenames(candidates, invalid);
  const drafts: Draft[] = [];
  for (const candidate of candidates) {
    const round = rounds.get(candidate);
    if (round !== undefined) drafts.push(draftOf(candidate, round));
  }
  if (options.onMissing === 'block') drafts.push(...missingDrafts(state.missing, drafts, covered));
  const counts = decideSeats(drafts, state, areas);

  const lines: DirectoryPlanLine[] = [];
  const lineRounds = new Map<DirectoryPlanLine, number>();
  for (const draft of drafts) {
    const line = toLine(draft);
    lines.push(line);
    if (draft.round > 0) lineRounds.set(line, draft.round);
  }
  invalid.sort((a, b) => a.index - b.index);
  return { lines, rounds: lineRounds, invalid, refused: massBlockGuard(blocksPerArea(lines), state.counts, options), counts };
}

/**
 * The profile fields and state a planned line leads to: the line's own fields,
 * and the email and display name its entry asks for (omitted ones keep the profile's).
 *
 * @param line - a line of a plan
 * @returns what the profile is once the line is applied
 */
export function directoryTarget(line: DirectoryPlanLine): DirectoryTarget {
  return {
    username: line.username,
    email: targetEmail(line.entry, line.current),
    displayName: targetDisplayName(line.entry, line.current),
    externalId: line.externalId,
    areaId: line.areaId,
    organizationId: line.organizationId,
    state: line.reason === null ? 'active' : 'blocked',
    blockReason: line.reason,
  };
}

/** Issues of an entry against the state: its area and organization must exist (and be covered). */
function stateIssues(
  entry: DirectoryEntry,
  areas: ReadonlyMap<string, Area>,
  organizations: ReadonlyMap<string, Organization>,
  covered: ReadonlySet<string> | null,
): InputIssue[] {
  const issues: InputIssue[] = [];
  if (!areas.has(entry.areaId)) {
    issues.push({ path: ['areaId'], code: 'unknown_area', message: `unknown area "${entry.areaId}"; define it with defineArea() first` });
  } else if (covered !== null && !covered.has(entry.areaId)) {
    issues.push({ path: ['areaId'], code: 'area_not_covered', message: `area "${entry.areaId}" is not among the areas this sync covers (options.areaIds)` });
  }
  if (entry.organizationId != null && organizations.get(entry.organizationId)?.areaId !== entry.areaId) {
    issues.push({
      path: ['organizationId'],
      code: 'unknown_organization',
      message: `unknown organization "${entry.organizationId}" in area "${entry.areaId}"; define it with defineOrganization() first`,
    });
  }
  return issues;
}

/**
 * Decides which candidates may take their username, and in which write round.
 * A username held by another profile is free only once that profile's own entry
 * renames it away; chains resolve in rounds, swaps (cycles) and names held by
 * profiles the feed does not rename make the entry invalid (pushed to `invalid`).
 */
function orderRenames(candidates: readonly Candidate[], invalid: InvalidDirectoryEntry[]): Map<Candidate, number> {
  const byCurrentId = new Map<string, Candidate>();
  for (const candidate of candidates) if (candidate.current !== null) byCurrentId.set(candidate.current.id, candidate);
  const rounds = new Map<Candidate, number>();
  const queue: Candidate[] = [];
  // Usernames are unique in the feed, so the holder's own entry, if any, is the one that renames it away.
  const waitingFor = new Map<Candidate, Candidate>();
  for (const candidate of candidates) {
    const { holder } = candidate;
    if (holder === null || holder.id === candidate.current?.id) {
      rounds.set(candidate, 0);
      queue.push(candidate);
    } else {
      const freer = byCurrentId.get(holder.id);
      if (freer !== undefined) waitingFor.set(freer, candidate);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const freer = queue[i] as Candidate;
    const next = waitingFor.get(freer);
    if (next === undefined) continue;
    rounds.set(next, (rounds.get(freer) ?? 0) + 1);
    queue.push(next);
  }
  for (const { index, entry, holder } of candidates.filter((c) => !rounds.has(c))) {
    const held = holder as User;
    invalid.push({
      index,
      externalId: entry.externalId,
      username: entry.username,
      issues: [
        {
          path: ['username'],
          code: 'username_taken',
          message: byCurrentId.has(held.id)
            ? `username "${entry.username}" is held by "${held.username}", whose own rename in this feed cannot be applied first (a swap or a chain through an invalid entry); rename through an unused username over two syncs`
            : `username "${entry.username}" is taken by another profile (${held.externalId === null ? 'no external id' : `external id "${held.externalId}"`}) that this feed does not rename; usernames are unique site-wide, compared ignoring case, width and accent composition`,
        },
      ],
    });
  }
  return rounds;
}

/**
 * A candidate's line before seats are decided: the area and partner it leads
 * to, and the state it keeps or that the directory settles (a disabled account
 * is blocked `directory-disabled`, except one an admin blocked, which keeps its reason).
 */
function draftOf({ index, entry, current }: Candidate, round: number): Draft {
  const sameArea = current !== null && current.areaId === entry.areaId;
  // A partner belongs to one area: moving to another area without naming a partner joins the host company.
  const organizationId = entry.organizationId !== undefined ? entry.organizationId : sameArea ? current.organizationId : null;
  const disabled = !entry.enabled && !isAdminBlocked(current);
  return {
    index,
    entry,
    current,
    round,
    areaId: entry.areaId,
    organizationId,
    state: disabled ? 'blocked' : (current?.state ?? 'active'),
    blockReason: disabled ? 'directory-disabled' : (current?.blockReason ?? null),
    refusal: null,
  };
}

/**
 * A draft per directory profile missing from the feed that the sync blocks
 * (`directory-removed`): active ones, and pending ones, which no longer wait
 * for a seat once the directory dropped them. Profiles matched by an entry,
 * not made by the directory, or outside the covered areas are left alone.
 */
function missingDrafts(missing: readonly User[], drafts: readonly Draft[], covered: ReadonlySet<string> | null): Draft[] {
  const matched = new Set(drafts.map((draft) => draft.current?.id));
  return missing
    .filter((user) => !matched.has(user.id) && user.kind === 'licensed' && user.source === 'directory' && user.externalId !== null)
    .filter((user) => (covered === null || covered.has(user.areaId)) && (user.state === 'active' || user.blockReason === 'license-limit'))
    .map((user) => ({
      index: null,
      entry: null,
      current: user,
      round: 0,
      areaId: user.areaId,
      organizationId: user.organizationId,
      state: 'blocked',
      blockReason: 'directory-removed',
      refusal: null,
    }));
}

/**
 * Hands out seats (see the module documentation for the order). The counts
 * follow every line through {@link addToCounts}: the profile as it was leaves
 * its area first (so a seat it gives back can be handed on in the same sync),
 * then the profile it becomes is counted, once its seat is decided.
 *
 * @returns the counts once every draft is applied
 */
function decideSeats(drafts: readonly Draft[], state: DirectoryState, areas: ReadonlyMap<string, Area>): AreaSeatCounts[] {
  const counts = new Map(state.counts.map((c) => [c.areaId, c]));
  const countsOf = (areaId: string) => counts.get(areaId) ?? emptyAreaCounts(areaId);
  const count = (areaId: string, profile: CountedProfile, times: number) => counts.set(areaId, addToCounts(countsOf(areaId), profile, times));
  const partners = new Map<string, Organization[]>();
  for (const organization of state.organizations) {
    const ofArea = partners.get(organization.areaId);
    if (ofArea === undefined) partners.set(organization.areaId, [organization]);
    else ofArea.push(organization);
  }
  const asking = seatOrder(drafts);
  const waiting = new Set(asking);
  const settled = drafts.filter((draft) => !waiting.has(draft) && movesInCounts(draft));

  for (const draft of [...asking, ...settled]) if (draft.current !== null) count(draft.current.areaId, draft.current, -1);
  for (const draft of settled) count(draft.areaId, countedAs(draft), 1);
  for (const draft of asking) {
    const area = areas.get(draft.areaId) as Area; // an entry's area exists, or the entry is invalid
    const decision = decideSeat({ area, counts: countsOf(draft.areaId), organizations: partners.get(draft.areaId) ?? [] }, draft.organizationId);
    draft.state = decision.ok ? 'active' : 'blocked';
    draft.blockReason = decision.ok ? null : 'license-limit';
    draft.refusal = decision.ok ? null : decision.reason;
    count(draft.areaId, countedAs(draft), 1);
  }
  return [...counts.values()];
}

/** The drafts that ask for a seat, in the order seats are handed out (see the module documentation). */
function seatOrder(drafts: readonly Draft[]): Draft[] {
  const moved: Draft[] = [];
  const pending: Draft[] = [];
  const returning: Draft[] = [];
  const created: Draft[] = [];
  for (const draft of drafts) {
    const { entry, current } = draft;
    if (entry === null || !entry.enabled || isAdminBlocked(current) || isDormant(current)) continue;
    if (current === null) created.push(draft);
    else if (current.state === 'active') {
      if (current.areaId !== draft.areaId || current.organizationId !== draft.organizationId) moved.push(draft);
    } else if (current.blockReason === 'license-limit') pending.push(draft);
    else returning.push(draft);
  }
  pending.sort((a, b) => blockedTime(a) - blockedTime(b) || (a.index ?? 0) - (b.index ?? 0));
  return [...moved, ...pending, ...returning, ...created];
}

/**
 * Whether a draft that asks for no seat still changes what its profile counts
 * for, or where: a profile created blocked (disabled in the directory) is
 * counted too, though it takes no seat.
 */
function movesInCounts(draft: Draft): boolean {
  const { current } = draft;
  return current === null || current.state !== draft.state || current.areaId !== draft.areaId || current.organizationId !== draft.organizationId;
}

function countedAs(draft: Draft): CountedProfile {
  return { kind: draft.current?.kind ?? 'licensed', state: draft.state, organizationId: draft.organizationId };
}

function isAdminBlocked(user: User | null): boolean {
  return user !== null && user.state === 'blocked' && user.blockReason === 'admin';
}

/**
 * Blocked as dormant: enabled in the directory all along, so a sync does not
 * activate it; a sign-in (`recordActivity`) or an admin does. Disabled in the
 * directory, it takes the directory's reason.
 */
function isDormant(user: User | null): boolean {
  return user !== null && user.state === 'blocked' && user.blockReason === 'dormant';
}

function blockedTime(draft: Draft): number {
  return draft.current?.blockedAt?.getTime() ?? 0;
}

/** The email an entry asks for; omitted keeps the profile's. A missing user keeps its own. */
function targetEmail(entry: DirectoryEntry | null, current: User | null): string | null {
  return entry !== null && entry.email !== undefined ? entry.email : (current?.email ?? null);
}

/** The display name an entry asks for; omitted keeps the profile's. A missing user keeps its own. */
function targetDisplayName(entry: DirectoryEntry | null, current: User | null): string | null {
  return entry !== null && entry.displayName !== undefined ? entry.displayName : (current?.displayName ?? null);
}

function toLine(draft: Draft): DirectoryPlanLine {
  const { entry, current } = draft;
  // A missing user (no entry) keeps every field: only its state changes.
  const username = entry === null ? (current as User).username : entry.username;
  const externalId = entry === null ? ((current as User).externalId as string) : entry.externalId;
  const reason = draft.state === 'blocked' ? draft.blockReason : null;
  const changes: DirectorySyncField[] = [];
  if (current !== null) {
    if (current.username !== username) changes.push('username');
    if (current.email !== targetEmail(entry, current)) changes.push('email');
    if (current.displayName !== targetDisplayName(entry, current)) changes.push('displayName');
    if (current.externalId !== externalId) changes.push('externalId');
    if (current.areaId !== draft.areaId) changes.push('areaId');
    if (current.organizationId !== draft.organizationId) changes.push('organizationId');
    if (current.state === 'blocked' && draft.state === 'blocked' && current.blockReason !== reason) changes.push('blockReason');
  }
  return {
    index: draft.index,
    externalId,
    username,
    areaId: draft.areaId,
    organizationId: draft.organizationId,
    action: actionOf(current, draft.state, changes),
    reason,
    changes,
    refusal: draft.refusal,
    entry,
    current,
  };
}

function actionOf(current: User | null, state: UserState, changes: readonly DirectorySyncField[]): DirectorySyncAction {
  if (current === null) return state === 'active' ? 'create' : 'create-blocked';
  if (current.state === 'active' && state === 'blocked') return 'block';
  if (current.state === 'blocked' && state === 'active') return 'activate';
  return changes.length > 0 ? 'update' : 'unchanged';
}

/**
 * How many active users lines block, per area they are blocked from: what the
 * mass-block guard weighs.
 *
 * @param lines - planned lines
 * @returns the number of `block` lines per area of the profile before the sync
 */
export function blocksPerArea(lines: readonly DirectoryPlanLine[]): Map<string, number> {
  const blocking = new Map<string, number>();
  for (const line of lines) {
    if (line.action !== 'block' || line.current === null) continue;
    blocking.set(line.current.areaId, (blocking.get(line.current.areaId) ?? 0) + 1);
  }
  return blocking;
}

/**
 * The mass-block guard of a sync: refuses a sync that blocks more than
 * `maxBlockShare` of an area's active licensed users (counted in the area they
 * are blocked from, before the sync), unless forced. The rule is
 * {@link massBlockOverflow}'s, which dormant-user plans share.
 *
 * @param blocking - active users the sync blocks, per area (see {@link blocksPerArea})
 * @param counts - the counts of those areas before the sync
 * @param options - the resolved sync options (`maxBlockShare`, `force`)
 * @param consequence - what the refusal meant for the sync, ending its message
 * @returns the refusal, or `null` when the sync may block them
 */
export function massBlockGuard(
  blocking: ReadonlyMap<string, number>,
  counts: readonly AreaSeatCounts[],
  options: Pick<ResolvedDirectorySyncOptions, 'maxBlockShare' | 'force'>,
  consequence = 'Nothing was written.',
): DirectorySyncRefusal | null {
  const over = massBlockOverflow(blocking, new Map(counts.map((c) => [c.areaId, c.using])), options.maxBlockShare);
  if (over.length === 0 || options.force) return null;
  return {
    code: 'MASS_BLOCK_REFUSED',
    message: `This feed would block ${describeOverflow(over)}, more than ${sharePercent(options.maxBlockShare)} % of an area's users. An empty or partial feed must not lock a company out: check that the feed is complete, or pass force: true to apply it anyway. ${consequence}`,
    maxBlockShare: options.maxBlockShare,
    areas: over,
  };
}

export { blocksAllowed } from './mass-block.js';
