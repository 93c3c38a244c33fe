/**
 * Planning a directory sync: from the validated feed and the current state
 * (the profiles found by batched look-ups, the areas, their partners and their
 * aggregate counts), what happens to every user. Pure: the service runs it to
 * plan, and again under the area locks when the state changed since (see
 * `directory-apply.ts`).
 *
 * The rules (DESIGN.md section 5), in the order they are applied:
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
 *    after each grant (the same rule as a manual creation): moved active profiles first (nobody who can log in loses
 *    access to a reorganisation when a seat is free), then pending profiles
 *    (`license-limit`) oldest `blockedAt` first (they have waited longest), then
 *    profiles the directory re-enables (`directory-disabled` / `directory-removed`)
 *    in feed order, then new profiles in feed order. Whoever gets no seat is, or
 *    stays, blocked with `license-limit` and is activated by a later sync.
 * 4. Profiles blocked by an admin are never activated; their fields still follow the feed.
 * 5. The mass-block guard: if the plan blocks more than `maxBlockShare` of an
 *    area's active licensed users, it is refused unless `force` is set.
 *
 * @module
 */
import type { InputIssue } from '../errors.js';
import type { DirectoryEntry, IndexedDirectoryEntry, InvalidDirectoryEntry, ResolvedDirectorySyncOptions } from './directory-entry.js';
import type { DirectoryPlanLine, DirectorySyncAction, DirectorySyncField, DirectorySyncRefusal, MassBlockArea } from './directory-report.js';
import { sameUsername, usernameKey, type Area, type BlockReason, type Organization, type User, type UserState } from './schemas.js';
import { decideSeat, type SeatDecision, type SeatRefusal } from './seat-policy.js';
import { emptyAreaCounts, type AreaSeatCounts, type OrganizationSeatCounts } from './usage.js';

/** What the planner reads: everything a service fetched with batched look-ups and aggregate counts. */
export interface DirectoryState {
  /** The areas the feed names, the matched profiles live in, or the sync covers. */
  readonly areas: readonly Area[];
  /** The partner organizations of those areas. */
  readonly organizations: readonly Organization[];
  /** The aggregate counts of those areas. */
  readonly counts: readonly AreaSeatCounts[];
  /** The profile holding each entry's external id, in the order of the entries; `null` for none (see {@link matchByExternalId}). */
  readonly matched: readonly (User | null)[];
  /**
   * The profiles holding the feed's usernames, by username key. A profile found
   * by external id holds its own username, so only the other names need to be
   * here: those of new, adopted and renamed profiles.
   */
  readonly byUsername: ReadonlyMap<string, User>;
  /** Directory profiles of the covered areas established to be missing from the feed (empty unless `onMissing: 'block'`). */
  readonly missing: readonly User[];
}

/**
 * Pairs each entry with the profile found by its external id. A repository
 * usually returns the profiles in the order their ids were asked for (the
 * in-memory one does): then one pass pairs them, without a map of 100,000
 * entries. In any other order a map does. External ids are unique among valid
 * entries, so a pass that uses up every profile has paired each with its entry.
 *
 * @param entries - the entries, in the order their external ids were looked up
 * @param found - what the look-up by those external ids returned, in any order
 * @returns the profile of each entry, or `null`, in the order of the entries
 */
export function matchByExternalId(entries: readonly IndexedDirectoryEntry[], found: readonly User[]): (User | null)[] {
  const matched: (User | null)[] = [];
  let next = 0;
  for (const { entry } of entries) {
    const user = found[next];
    if (user !== undefined && user.externalId === entry.externalId) {
      matched.push(user);
      next++;
    } else {
      matched.push(null);
    }
  }
  if (next === found.length) return matched;
  const byExternalId = new Map<string, User>();
  for (const user of found) if (user.externalId !== null) byExternalId.set(user.externalId, user);
  return entries.map(({ entry }) => byExternalId.get(entry.externalId) ?? null);
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
}

/**
 * One line being decided: an entry that passed the checks against the state,
 * or a user missing from the feed. A class, so that the 100,000 drafts of a
 * large feed share one shape; `round`, the target and the state change while
 * renames are ordered and seats are handed out.
 */
class Draft {
  /** Its write round once its username is known to be free; -1 until then (and for good if it never is). */
  round = -1;
  /** The area and partner the line leads to (set by `draftLines`). */
  areaId = '';
  organizationId: string | null = null;
  state: UserState;
  blockReason: BlockReason | null;
  refusal: SeatRefusal | null = null;

  constructor(
    readonly index: number | null,
    readonly entry: DirectoryEntry | null,
    readonly current: User | null,
    /** The profile holding the username the entry asks for, if any. */
    readonly holder: User | null,
  ) {
    this.state = current?.state ?? 'active';
    this.blockReason = current?.blockReason ?? null;
  }
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
  const candidates: Draft[] = [];
  entries.forEach(({ index, entry }, position) => {
    let issues = stateIssues(entry, areas, organizations, covered);
    const byId = state.matched[position] ?? undefined;
    // A profile found by external id holds its own username: only another name is looked up.
    const holder = byId !== undefined && sameUsername(byId.username, entry.username) ? byId : state.byUsername.get(usernameKey(entry.username));
    // Adoption: a profile made before the directory was connected is linked, not duplicated.
    const current = byId ?? (holder !== undefined && holder.externalId === null ? holder : undefined);
    if (current?.kind === 'system') {
      (issues ??= []).push({
        path: byId === undefined ? ['username'] : ['externalId'],
        code: 'system_user',
        message: `"${current.username}" is a system user; a directory sync never manages system users`,
      });
    }
    if (issues !== null) invalid.push({ index, externalId: entry.externalId, username: entry.username, issues });
    else candidates.push(new Draft(index, entry, current ?? null, holder ?? null));
  });

  orderRenames(candidates, invalid);
  const { drafts, releases } = draftLines(candidates, state.missing, options, covered);

  const counts = new Map(state.counts.map((c) => [c.areaId, c]));
  const organizationsOf = groupBy(state.organizations, (o) => o.areaId);
  const tallies = new Map<string, SeatTally>();
  const tallyOf = (areaId: string) => {
    let tally = tallies.get(areaId);
    if (tally === undefined) {
      tally = new SeatTally(counts.get(areaId) ?? emptyAreaCounts(areaId), areas.get(areaId), organizationsOf.get(areaId) ?? []);
      tallies.set(areaId, tally);
    }
    return tally;
  };
  for (const user of releases) tallyOf(user.areaId).add(user.organizationId, -1);
  for (const draft of seatOrder(drafts)) {
    const tally = tallyOf(draft.areaId);
    const decision = tally.decide(draft.organizationId);
    if (decision.ok) tally.add(draft.organizationId, 1);
    draft.refusal = decision.ok ? null : decision.reason;
    draft.state = decision.ok ? 'active' : 'blocked';
    draft.blockReason = decision.ok ? null : 'license-limit';
  }

  const lines: DirectoryPlanLine[] = [];
  const rounds = new Map<DirectoryPlanLine, number>();
  for (const draft of drafts) {
    const line = toLine(draft);
    lines.push(line);
    if (draft.round > 0) rounds.set(line, draft.round);
  }
  const byIndex = (a: InvalidDirectoryEntry, b: InvalidDirectoryEntry) => a.index - b.index;
  return { lines, rounds, invalid: invalid.sort(byIndex), refused: massBlockGuard(lines, state.counts, options) };
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

/** Issues of an entry against the state: its area and organization must exist (and be covered). `null` when there are none. */
function stateIssues(
  entry: DirectoryEntry,
  areas: ReadonlyMap<string, Area>,
  organizations: ReadonlyMap<string, Organization>,
  covered: ReadonlySet<string> | null,
): InputIssue[] | null {
  let issues: InputIssue[] | null = null;
  if (!areas.has(entry.areaId)) {
    issues = [{ path: ['areaId'], code: 'unknown_area', message: `unknown area "${entry.areaId}"; define it with defineArea() first` }];
  } else if (covered !== null && !covered.has(entry.areaId)) {
    issues = [{ path: ['areaId'], code: 'area_not_covered', message: `area "${entry.areaId}" is not among the areas this sync covers (options.areaIds)` }];
  }
  if (entry.organizationId != null && organizations.get(entry.organizationId)?.areaId !== entry.areaId) {
    (issues ??= []).push({
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
function orderRenames(candidates: readonly Draft[], invalid: InvalidDirectoryEntry[]): void {
  const waiting: Draft[] = [];
  for (const candidate of candidates) {
    const { holder } = candidate;
    if (holder === null || holder.id === candidate.current?.id) candidate.round = 0;
    else waiting.push(candidate);
  }
  if (waiting.length === 0) return;
  const queue = candidates.filter((candidate) => candidate.round === 0);

  const byCurrentId = new Map<string, Draft>();
  for (const candidate of candidates) if (candidate.current !== null) byCurrentId.set(candidate.current.id, candidate);
  // Usernames are unique in the feed, so the holder's own entry, if any, renames it away.
  const waitingFor = new Map<Draft, Draft>();
  for (const candidate of waiting) {
    const freer = byCurrentId.get((candidate.holder as User).id);
    if (freer !== undefined) waitingFor.set(freer, candidate);
  }
  for (let i = 0; i < queue.length; i++) {
    const freer = queue[i] as Draft;
    const next = waitingFor.get(freer);
    if (next === undefined) continue;
    next.round = freer.round + 1;
    queue.push(next);
  }
  for (const candidate of waiting) {
    if (candidate.round >= 0) continue;
    const entry = candidate.entry as DirectoryEntry;
    const holder = candidate.holder as User;
    const renamed = byCurrentId.has(holder.id);
    invalid.push({
      index: candidate.index as number,
      externalId: entry.externalId,
      username: entry.username,
      issues: [
        {
          path: ['username'],
          code: 'username_taken',
          message: renamed
            ? `username "${entry.username}" is held by "${holder.username}", whose own rename in this feed cannot be applied first (a swap or a chain through an invalid entry); rename through an unused username over two syncs`
            : `username "${entry.username}" is taken by another profile (${holder.externalId === null ? 'no external id' : `external id "${holder.externalId}"`}) that this feed does not rename; usernames are unique site-wide, ignoring case`,
        },
      ],
    });
  }
}

/**
 * Settles the target and state of each applicable candidate, adds a draft per
 * missing user, and lists the seats they give back. Returns the drafts in line
 * order: applicable candidates in feed order, then the missing users.
 */
function draftLines(
  candidates: readonly Draft[],
  missing: readonly User[],
  options: ResolvedDirectorySyncOptions,
  covered: ReadonlySet<string> | null,
): { drafts: Draft[]; releases: User[] } {
  const drafts: Draft[] = [];
  const releases: User[] = [];
  for (const draft of candidates) {
    if (draft.round < 0) continue;
    drafts.push(draft);
    const entry = draft.entry as DirectoryEntry;
    const { current } = draft;
    const sameArea = current !== null && current.areaId === entry.areaId;
    draft.areaId = entry.areaId;
    // A partner belongs to one area: moving to another area without naming a partner joins the host company.
    draft.organizationId = entry.organizationId !== undefined ? entry.organizationId : sameArea ? current.organizationId : null;
    if (current === null && !entry.enabled) {
      // The directory lists the account but has it disabled: the profile mirrors it, blocked, taking no seat.
      draft.state = 'blocked';
      draft.blockReason = 'directory-disabled';
    }
    if (current === null || (current.state === 'blocked' && current.blockReason === 'admin')) continue;
    const seatMoves = current.areaId !== draft.areaId || current.organizationId !== draft.organizationId;
    if (!entry.enabled) {
      if (current.state === 'active') releases.push(current);
      if (current.state === 'active' || current.blockReason !== 'directory-disabled') {
        draft.state = 'blocked';
        draft.blockReason = 'directory-disabled';
      }
    } else if (current.state === 'active' && seatMoves) {
      releases.push(current);
    }
  }
  if (options.onMissing === 'block' && missing.length > 0) {
    const matched = new Set<string>();
    for (const draft of drafts) if (draft.current !== null) matched.add(draft.current.id);
    for (const user of missing) {
      if (matched.has(user.id) || user.kind !== 'licensed' || user.source !== 'directory' || user.externalId === null) continue;
      if (covered !== null && !covered.has(user.areaId)) continue;
      if (user.state === 'active') releases.push(user);
      else if (user.blockReason !== 'license-limit') continue;
      const draft = new Draft(null, null, user, user);
      draft.round = 0;
      draft.areaId = user.areaId;
      draft.organizationId = user.organizationId;
      draft.state = 'blocked';
      draft.blockReason = 'directory-removed';
      drafts.push(draft);
    }
  }
  return { drafts, releases };
}

/** The drafts that ask for a seat, in the order seats are handed out (see the module documentation). */
function seatOrder(drafts: readonly Draft[]): Draft[] {
  const moved: Draft[] = [];
  const pending: Draft[] = [];
  const returning: Draft[] = [];
  const created: Draft[] = [];
  for (const draft of drafts) {
    const { entry, current } = draft;
    if (entry === null || !entry.enabled) continue;
    if (current === null) created.push(draft);
    else if (current.state === 'active') {
      if (current.areaId !== draft.areaId || current.organizationId !== draft.organizationId) moved.push(draft);
    } else if (current.blockReason === 'license-limit') pending.push(draft);
    else if (current.blockReason !== 'admin') returning.push(draft);
  }
  pending.sort((a, b) => blockedTime(a) - blockedTime(b) || (a.index ?? 0) - (b.index ?? 0));
  return moved.concat(pending, returning, created);
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

/** Shared by every line that changes no field (most of them): lines are frozen, so one empty list serves all. */
const NO_CHANGES: readonly DirectorySyncField[] = Object.freeze([]);

function toLine(draft: Draft): DirectoryPlanLine {
  const { entry, current } = draft;
  // A missing user (no entry) keeps every field: only its state changes.
  const username = entry === null ? (current as User).username : entry.username;
  const externalId = entry === null ? ((current as User).externalId as string) : entry.externalId;
  const reason = draft.state === 'blocked' ? draft.blockReason : null;
  let changes = NO_CHANGES;
  if (current !== null) {
    const changed: DirectorySyncField[] = [];
    if (current.username !== username) changed.push('username');
    if (current.email !== targetEmail(entry, current)) changed.push('email');
    if (current.displayName !== targetDisplayName(entry, current)) changed.push('displayName');
    if (current.externalId !== externalId) changed.push('externalId');
    if (current.areaId !== draft.areaId) changed.push('areaId');
    if (current.organizationId !== draft.organizationId) changed.push('organizationId');
    if (current.state === 'blocked' && draft.state === 'blocked' && current.blockReason !== reason) changed.push('blockReason');
    if (changed.length > 0) changes = changed;
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
 * Refuses the plan when it blocks more than `maxBlockShare` of an area's active
 * licensed users (counted in the area they are blocked from), unless forced.
 * Compared as `blocking > floor(share * using)` so that 2 of 10 at 20 % is allowed, 3 of 10 is not.
 */
function massBlockGuard(
  lines: readonly DirectoryPlanLine[],
  counts: readonly AreaSeatCounts[],
  options: ResolvedDirectorySyncOptions,
): DirectorySyncRefusal | null {
  const blocking = new Map<string, number>();
  for (const line of lines) {
    if (line.action !== 'block' || line.current === null) continue;
    blocking.set(line.current.areaId, (blocking.get(line.current.areaId) ?? 0) + 1);
  }
  const using = new Map(counts.map((c) => [c.areaId, c.using]));
  const over: MassBlockArea[] = [];
  for (const [areaId, count] of [...blocking].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const active = using.get(areaId) ?? 0;
    // The epsilon keeps 0.58 * 50 (28.999999999999996 in floating point) at 29.
    const allowed = Math.floor(options.maxBlockShare * active + 1e-9);
    if (count > allowed) over.push({ areaId, blocking: count, using: active, allowed });
  }
  if (over.length === 0 || options.force) return null;
  const percent = Math.round(options.maxBlockShare * 1000) / 10;
  const detail = over.map((a) => `${a.blocking} of ${a.using} active users in area "${a.areaId}" (at most ${a.allowed})`).join('; ');
  return {
    code: 'MASS_BLOCK_REFUSED',
    message: `This feed would block ${detail}, more than ${percent} % of an area's users. An empty or partial feed must not lock a company out: check that the feed is complete, or pass force: true to apply it anyway. Nothing was written.`,
    maxBlockShare: options.maxBlockShare,
    areas: over,
  };
}

/**
 * An area's counts, advanced in place as seats are handed out and given back,
 * and the seat decisions made on them. Only the seat figures {@link decideSeat}
 * reads (`using`, per partner `using`) are kept current. In place rather than a
 * copy per seat (as `countNewUser` does): at 100,000 entries the copies were
 * most of the planning time.
 */
class SeatTally {
  readonly counts: { -readonly [K in keyof AreaSeatCounts]: K extends 'organizations' ? OrganizationSeatCounts[] : AreaSeatCounts[K] };
  readonly #partners = new Map<string, { -readonly [K in keyof OrganizationSeatCounts]: OrganizationSeatCounts[K] }>();
  readonly #area: Area | undefined;
  readonly #organizations: readonly Organization[];

  constructor(counts: AreaSeatCounts, area: Area | undefined, organizations: readonly Organization[]) {
    const partners = counts.organizations.map((c) => ({ ...c }));
    for (const partner of partners) this.#partners.set(partner.organizationId, partner);
    this.counts = { ...counts, organizations: partners };
    this.#area = area;
    this.#organizations = organizations;
  }

  /** Takes (`delta` 1) or gives back (-1) a seat of a profile of `organizationId`. */
  add(organizationId: string | null, delta: number): void {
    this.counts.using += delta;
    if (organizationId === null) return;
    let partner = this.#partners.get(organizationId);
    if (partner === undefined) {
      partner = { organizationId, users: 0, using: 0 };
      this.#partners.set(organizationId, partner);
      this.counts.organizations.push(partner);
    }
    partner.using += delta;
  }

  /** Whether a profile of `organizationId` gets a seat now. Only drafts of a known area ask. */
  decide(organizationId: string | null): SeatDecision {
    return decideSeat({ area: this.#area as Area, counts: this.counts, organizations: this.#organizations }, organizationId);
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
