/**
 * Counting: per area, per partner organization and over the site, from
 * aggregate counts (never from a list of users).
 *
 * @module
 */
import type { Access, Area, AreaKind, Organization, UserKind, UserState } from './schemas.js';
import { poolStatus, seatStatus, type SeatStatus } from './status.js';
import { DEFAULT_WARNING_PERCENT, type WarningThresholds } from './warning-thresholds.js';

/** Aggregate counts of one partner organization's profiles, as a repository reports them. */
export interface OrganizationSeatCounts {
  /** The organization. */
  readonly organizationId: string;
  /** Every profile of the organization, active or blocked. */
  readonly users: number;
  /** Active licensed profiles: the seats it takes. */
  readonly using: number;
}

/** Aggregate counts of one area's profiles, as a repository reports them. */
export interface AreaSeatCounts {
  /** The area. */
  readonly areaId: string;
  /** Every profile in the area, of any kind and state. */
  readonly users: number;
  /** Active licensed profiles: the seats taken. */
  readonly using: number;
  /** Active system profiles (SuperUser, Guest): counted in total active users, never in `using`. */
  readonly activeSystem: number;
  /** Blocked profiles of any kind. */
  readonly blocked: number;
  /** Per partner organization with at least one profile; host-company users are the rest. */
  readonly organizations: readonly OrganizationSeatCounts[];
}

/** Counts of an area with no profiles. */
export function emptyAreaCounts(areaId: string): AreaSeatCounts {
  return { areaId, users: 0, using: 0, activeSystem: 0, blocked: 0, organizations: [] };
}

/** One partner organization's figures inside an {@link AreaUsage}. */
export interface OrganizationUsage {
  /** The organization. */
  readonly organizationId: string;
  /** Its name. */
  readonly name: string;
  /** Whether it may take seats. */
  readonly access: Access;
  /** Its quota, or `null` when none is set. */
  readonly maxUsers: number | null;
  /** Every profile, active or blocked. */
  readonly users: number;
  /** Seats taken (active licensed profiles). */
  readonly using: number;
  /**
   * Seats it can really still get: `min(quota left, seats left in the area)`;
   * 0 when its access is denied; `null` when no quota is set and access is
   * granted (it then draws on the host's unallocated seats, see
   * {@link AreaUsage.unallocatedRemaining}).
   */
  readonly remaining: number | null;
  /** `using / maxUsers`; `null` when no quota is set or the quota is 0. */
  readonly usingRatio: number | null;
  /**
   * Its status, decided on `remaining` against its quota: `exhausted` (stop)
   * when it can get no seat (also when denied), `warning` below the warning
   * share; `null` when no quota is set and access is granted.
   */
  readonly status: SeatStatus | null;
}

/** One area's figures: what the License admin page shows. */
export interface AreaUsage {
  /** The area. */
  readonly areaId: string;
  /** `primary` or `extranet`. */
  readonly kind: AreaKind;
  /** The area's name. */
  readonly name: string;
  /** Seats bought. */
  readonly maxUsers: number;
  /** Seats allowed over `maxUsers` before refusing. */
  readonly graceSeats: number;
  /** Seats taken: active licensed users. */
  readonly using: number;
  /** `max(0, maxUsers - using)`. */
  readonly remaining: number;
  /** `max(0, using - maxUsers)`. */
  readonly overBy: number;
  /** `using / maxUsers`, or `null` when `maxUsers` is 0. */
  readonly usingRatio: number | null;
  /** `using` plus active system users (SuperUser, Guest). */
  readonly totalActiveUsers: number;
  /** Blocked profiles of any kind; they take no seat. */
  readonly blocked: number;
  /** Every profile in the area. */
  readonly users: number;
  /** ok / warning / exhausted / exceeded. */
  readonly status: SeatStatus;
  /** The sum of every set partner quota, denied partners included. */
  readonly allocated: number;
  /**
   * The host's own Remaining: seats left for the host company and partners
   * without a quota. Seats set aside by partner quotas are not among them, so
   * this can be 0 while `remaining` is not.
   */
  readonly unallocatedRemaining: number;
  /**
   * The status of the host's own seats, decided on `unallocatedRemaining`
   * against the seats not set aside by quotas: the stop sign a host admin needs
   * when every host creation would be refused.
   */
  readonly hostStatus: SeatStatus;
  /** Per partner organization of the area. */
  readonly organizations: readonly OrganizationUsage[];
}

/**
 * The figures of the areas of one kind. Seats of separate pools cannot be
 * given to each other, so intranet and extranet are never added into one
 * Remaining.
 */
export interface PoolTotals {
  /** How many areas of this kind. */
  readonly areas: number;
  /** Seats bought. */
  readonly maxUsers: number;
  /** Seats taken. */
  readonly using: number;
  /** The sum of each area's remaining seats (each area's seats stay in that area). */
  readonly remaining: number;
  /** The sum of each area's seats over its limit. */
  readonly overBy: number;
}

/** The whole site's totals. */
export interface SiteTotals {
  /** The intranet: the primary area. */
  readonly intranet: PoolTotals;
  /** Every extranet area (all zeros when there is none). */
  readonly extranet: PoolTotals;
  /** Seats taken over every area: the current total of licensed users. */
  readonly using: number;
  /** The current total of active users, system users included. */
  readonly totalActiveUsers: number;
  /** Total intranet users: seats taken in the primary area. */
  readonly intranetUsers: number;
  /** Blocked profiles over every area. */
  readonly blocked: number;
  /** Every profile on the site. */
  readonly users: number;
}

/** The site summary: per-area figures plus totals. */
export interface SiteSummary {
  /** Per area, primary first. */
  readonly areas: readonly AreaUsage[];
  /** Totals over every area. */
  readonly totals: SiteTotals;
}

/** Options for counting. */
export interface UsageOptions {
  /** Warn when fewer than this share of seats is left. Default 5. Ignored when `warningThresholds` is set. */
  readonly warningPercent?: number;
  /** When to warn: a percentage or a tier table. Takes precedence over `warningPercent`. */
  readonly warningThresholds?: WarningThresholds;
}

/** The thresholds counting uses: `warningThresholds`, else `warningPercent`, else 5 %. */
export function resolveThresholds(options: UsageOptions): WarningThresholds {
  return options.warningThresholds ?? options.warningPercent ?? DEFAULT_WARNING_PERCENT;
}

/** `using / max`, or `null` when `max` is 0. */
export function ratio(using: number, max: number): number | null {
  return max === 0 ? null : using / max;
}

/** How an area's seats are split between partner quotas and the rest. */
export interface Allocation {
  /** The sum of set partner quotas, denied partners included. */
  readonly allocated: number;
  /** Seats used by the host company and by partners without a quota. */
  readonly unquotedUsing: number;
}

/**
 * The partner allocation of an area: the sum of set quotas (denied partners
 * included: a denied partner that keeps its quota still holds those seats), and
 * the seats drawn from the unallocated pool: those of the host company, of
 * partners without a quota, and of partners beyond their quota (possible after
 * a quota was lowered with `allowOverLimit`). Counting a partner's excess
 * against the pool keeps `unallocatedRemaining` at or below the area's `remaining`.
 *
 * @param counts - the area's aggregate counts
 * @param organizations - the partner organizations of the area
 * @returns `allocated` and `unquotedUsing`, the seats drawn from the unallocated pool
 */
export function allocation(counts: AreaSeatCounts, organizations: readonly Organization[]): Allocation {
  // An area without partners is decided once per row of a bulk import: nothing to look up.
  if (organizations.length === 0) return { allocated: 0, unquotedUsing: counts.using };
  const usingById = new Map(counts.organizations.map((c) => [c.organizationId, c.using]));
  const partners = organizations.map((o) => ({ maxUsers: o.maxUsers, using: usingById.get(o.id) ?? 0 }));
  const allocated = partners.reduce((sum, p) => sum + (p.maxUsers ?? 0), 0);
  return { allocated, unquotedUsing: counts.using - seatsWithinQuotas(partners) };
}

/**
 * Seats partners hold within their quotas: the sum of `min(quota, using)` over
 * partners with a quota set. The rest of an area's `using` is drawn from its
 * unallocated seats.
 *
 * @param partners - each partner's quota (`null` when not set) and seats used
 * @returns the seats covered by quotas
 */
export function seatsWithinQuotas(partners: Iterable<{ readonly maxUsers: number | null; readonly using: number }>): number {
  let total = 0;
  for (const p of partners) if (p.maxUsers !== null) total += Math.min(p.maxUsers, p.using);
  return total;
}

/**
 * Seats left for the host company and partners without a quota:
 * `max(0, maxUsers + extraSeats - allocated - unquotedUsing)` (see {@link allocation}).
 *
 * @param area - the area
 * @param counts - its aggregate counts
 * @param organizations - its partner organizations
 * @param extraSeats - seats beyond `maxUsers` to count as available (the seat policy passes the grace seats)
 * @returns the seats the host company and partners without a quota may still take
 */
export function unallocatedRemaining(
  area: Area,
  counts: AreaSeatCounts,
  organizations: readonly Organization[],
  extraSeats = 0,
): number {
  const { allocated, unquotedUsing } = allocation(counts, organizations);
  return Math.max(0, area.maxUsers + extraSeats - allocated - unquotedUsing);
}

/**
 * One partner organization's figures: what it can really still get, not just
 * what its quota says (a quota is capped by the seats left in its area).
 *
 * @param organization - the organization
 * @param counts - its aggregate counts, if it has any profile
 * @param areaRemaining - the seats left in its area
 * @param options - the warning thresholds
 */
function organizationUsage(
  organization: Organization,
  counts: OrganizationSeatCounts | undefined,
  areaRemaining: number,
  options: UsageOptions,
): OrganizationUsage {
  const using = counts?.using ?? 0;
  const quota = organization.maxUsers;
  const denied = organization.access === 'denied';
  const remaining = denied ? 0 : quota === null ? null : Math.max(0, Math.min(quota - using, areaRemaining));
  const status =
    remaining === null ? null : poolStatus(quota ?? 0, using, remaining, resolveThresholds(options));
  return {
    organizationId: organization.id,
    name: organization.name,
    access: organization.access,
    maxUsers: quota,
    users: counts?.users ?? 0,
    using,
    remaining,
    usingRatio: quota === null ? null : ratio(using, quota),
    status,
  };
}

/**
 * One area's figures from its aggregate counts and its partner organizations.
 *
 * @param area - the area
 * @param counts - its aggregate counts
 * @param organizations - the partner organizations of this area
 * @param options - the warning thresholds
 * @returns the figures the License admin page shows
 */
export function areaUsage(
  area: Area,
  counts: AreaSeatCounts,
  organizations: readonly Organization[],
  options: UsageOptions = {},
): AreaUsage {
  const warningThresholds = resolveThresholds(options);
  const { using } = counts;
  const remaining = Math.max(0, area.maxUsers - using);
  const countsById = new Map(counts.organizations.map((c) => [c.organizationId, c]));
  const { allocated, unquotedUsing } = allocation(counts, organizations);
  const hostRemaining = unallocatedRemaining(area, counts, organizations);
  return {
    areaId: area.id,
    kind: area.kind,
    name: area.name,
    maxUsers: area.maxUsers,
    graceSeats: area.graceSeats,
    using,
    remaining,
    overBy: Math.max(0, using - area.maxUsers),
    usingRatio: ratio(using, area.maxUsers),
    totalActiveUsers: using + counts.activeSystem,
    blocked: counts.blocked,
    users: counts.users,
    status: seatStatus(area.maxUsers, using, warningThresholds),
    allocated,
    unallocatedRemaining: hostRemaining,
    hostStatus: poolStatus(Math.max(0, area.maxUsers - allocated), unquotedUsing, hostRemaining, warningThresholds),
    organizations: organizations.map((o) => organizationUsage(o, countsById.get(o.id), remaining, { warningThresholds })),
  };
}

/**
 * The site summary: each area's figures (primary first, then by name) and the totals.
 *
 * @param areas - every area's figures
 * @returns the summary
 */
export function siteSummary(areas: readonly AreaUsage[]): SiteSummary {
  const sorted = [...areas].sort(
    (a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) || a.areaId.localeCompare(b.areaId) : a.kind === 'primary' ? -1 : 1),
  );
  const sum = (pick: (a: AreaUsage) => number) => sorted.reduce((total, a) => total + pick(a), 0);
  const pool = (kind: AreaKind): PoolTotals => {
    const ofKind = sorted.filter((a) => a.kind === kind);
    const add = (pick: (a: AreaUsage) => number) => ofKind.reduce((total, a) => total + pick(a), 0);
    return { areas: ofKind.length, maxUsers: add((a) => a.maxUsers), using: add((a) => a.using), remaining: add((a) => a.remaining), overBy: add((a) => a.overBy) };
  };
  return {
    areas: sorted,
    totals: {
      intranet: pool('primary'),
      extranet: pool('extranet'),
      using: sum((a) => a.using),
      totalActiveUsers: sum((a) => a.totalActiveUsers),
      intranetUsers: sum((a) => (a.kind === 'primary' ? a.using : 0)),
      blocked: sum((a) => a.blocked),
      users: sum((a) => a.users),
    },
  };
}

/** The fields of a profile that decide what it counts for: the input of {@link addToCounts}. */
export interface CountedProfile {
  /** `licensed` or `system`. */
  readonly kind: UserKind;
  /** `active` or `blocked`. */
  readonly state: UserState;
  /** Its partner organization, or `null` for the host company. */
  readonly organizationId: string | null;
}

/**
 * The counting rule, the one copy of it: every profile counts in `users`; an
 * active licensed one takes a seat (`using`, and its partner's `using`); an
 * active system one counts in `activeSystem`; a blocked one of any kind in
 * `blocked`. The in-memory counters, the PostgreSQL count rows and the batch
 * planners all add profiles through this function (the PostgreSQL triggers
 * mirror it in SQL, and a test holds the two equal).
 *
 * @param counts - the counts before
 * @param profile - the profile added (or removed, with a negative `times`)
 * @param times - how many such profiles: 1 adds one, -1 removes one, n adds a group
 * @returns new counts; the input is not changed
 */
export function addToCounts(counts: AreaSeatCounts, profile: CountedProfile, times = 1): AreaSeatCounts {
  const active = profile.state === 'active';
  const seats = active && profile.kind === 'licensed' ? times : 0;
  let organizations = counts.organizations;
  if (profile.organizationId !== null) {
    const id = profile.organizationId;
    const before = organizations.find((c) => c.organizationId === id);
    const after = { organizationId: id, users: (before?.users ?? 0) + times, using: (before?.using ?? 0) + seats };
    organizations = before === undefined ? [...organizations, after] : organizations.map((c) => (c === before ? after : c));
  }
  return {
    areaId: counts.areaId,
    users: counts.users + times,
    using: counts.using + seats,
    activeSystem: counts.activeSystem + (active && profile.kind === 'system' ? times : 0),
    blocked: counts.blocked + (active ? 0 : times),
    organizations,
  };
}
