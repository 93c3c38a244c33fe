/**
 * Why a user does or does not hold a seat: the question admins keep asking.
 * Pure: the service reads the user, its area and counts; this explains.
 *
 * @module
 */
import { decideSeat, type SeatDecision } from './seat-policy.js';
import type { Access, Area, BlockReason, Organization, SystemRole, User, UserKind, UserState } from './schemas.js';
import { isLegacyGuest } from './system-users.js';
import { areaUsage, type AreaSeatCounts } from './usage.js';

/**
 * Why a user holds a seat or not. Stable; switch on these.
 *
 * - `SYSTEM_ACCOUNT`: SuperUser or Guest; never needs a seat.
 * - `LEGACY_GUEST`: the system guest renamed by the site; holds no seat until `migrateLegacyGuest()` makes it licensed.
 * - `HOLDS_SEAT`: an active licensed user.
 * - `HOLDS_SEAT_PARTNER_DENIED`: an active licensed user of a partner that has been denied access: it keeps its seat, the partner gets no new one.
 * - `BLOCKED_BY_ADMIN`: blocked by an admin; only `reinstateUser` brings it back.
 * - `WAITING_FOR_SEAT`: blocked because no seat was free (a directory user created or kept blocked).
 * - `DISABLED_IN_DIRECTORY`: blocked because the directory disabled it.
 * - `REMOVED_FROM_DIRECTORY`: blocked because it was missing from the directory feed.
 */
export type UserExplanationCode =
  | 'SYSTEM_ACCOUNT'
  | 'LEGACY_GUEST'
  | 'HOLDS_SEAT'
  | 'HOLDS_SEAT_PARTNER_DENIED'
  | 'BLOCKED_BY_ADMIN'
  | 'WAITING_FOR_SEAT'
  | 'DISABLED_IN_DIRECTORY'
  | 'REMOVED_FROM_DIRECTORY'
  | 'DORMANT';

/** The area a user's seat belongs to, as figures. */
export interface ExplainedArea {
  /** The area. */
  readonly areaId: string;
  /** Its name. */
  readonly name: string;
  /** Seats bought. */
  readonly maxUsers: number;
  /** Seats taken. */
  readonly using: number;
  /** Seats left. */
  readonly remaining: number;
  /** Seats left for the host company and partners without a quota. */
  readonly unallocatedRemaining: number;
}

/** The partner organization a user belongs to, as figures. */
export interface ExplainedOrganization {
  /** The organization. */
  readonly organizationId: string;
  /** Its name. */
  readonly name: string;
  /** Whether it may take seats. */
  readonly access: Access;
  /** Its quota, or `null` when none is set. */
  readonly maxUsers: number | null;
  /** Seats its users hold. */
  readonly using: number;
  /** Seats left in its quota; `null` when none is set. */
  readonly remaining: number | null;
}

/** The facts behind an explanation, as data. */
export interface UserExplanationFacts {
  /** The username. */
  readonly username: string;
  /** `licensed` or `system`. */
  readonly kind: UserKind;
  /** `superuser` or `guest` for system users. */
  readonly systemRole: SystemRole | null;
  /** `active` or `blocked`. */
  readonly state: UserState;
  /** Why it is blocked; `null` when active. */
  readonly blockReason: BlockReason | null;
  /** Who blocked it, when known. */
  readonly blockedBy: string | null;
  /** When it was blocked; `null` when active. */
  readonly blockedAt: Date | null;
  /** The area whose seat it takes (or would take). */
  readonly area: ExplainedArea;
  /** Its partner organization; `null` for a host company user. */
  readonly organization: ExplainedOrganization | null;
  /**
   * For a blocked licensed user: whether a seat would be given now (a
   * reinstatement or a directory activation would succeed), and if not, the
   * refusal. `null` for everyone else.
   */
  readonly seatNow: SeatDecision | null;
}

/** Why this user does or does not hold a seat, in words and as data. */
export interface UserExplanation {
  /** The user. */
  readonly userId: string;
  /** Whether it holds a seat now. */
  readonly holdsSeat: boolean;
  /** The stable reason code. */
  readonly code: UserExplanationCode;
  /** The reason in plain words, with what can be done. */
  readonly explanation: string;
  /** The facts the explanation rests on. */
  readonly facts: UserExplanationFacts;
}

/** What {@link explainSeat} needs: the user and its area as read now. */
export interface ExplainSeatInput {
  /** The user. */
  readonly user: User;
  /** Its area. */
  readonly area: Area;
  /** The area's aggregate counts. */
  readonly counts: AreaSeatCounts;
  /** The area's partner organizations. */
  readonly organizations: readonly Organization[];
}

/**
 * Explains why a user does or does not hold a seat.
 *
 * @param input - the user, its area, the area's counts and partners
 * @returns the explanation
 * @example
 * ```ts
 * const e = explainSeat({ user, area, counts, organizations });
 * console.log(e.code, e.explanation);
 * ```
 */
export function explainSeat(input: ExplainSeatInput): UserExplanation {
  const { user, area, counts, organizations } = input;
  const usage = areaUsage(area, counts, organizations);
  const org = user.organizationId === null ? undefined : organizations.find((o) => o.id === user.organizationId);
  const orgUsage = org === undefined ? null : (usage.organizations.find((o) => o.organizationId === org.id) ?? null);
  const blockedLicensed = user.kind === 'licensed' && user.state === 'blocked';
  const facts: UserExplanationFacts = {
    username: user.username,
    kind: user.kind,
    systemRole: user.systemRole,
    state: user.state,
    blockReason: user.blockReason,
    blockedBy: user.blockedBy,
    blockedAt: user.blockedAt,
    area: {
      areaId: usage.areaId,
      name: usage.name,
      maxUsers: usage.maxUsers,
      using: usage.using,
      remaining: usage.remaining,
      unallocatedRemaining: usage.unallocatedRemaining,
    },
    organization:
      orgUsage === null
        ? null
        : {
            organizationId: orgUsage.organizationId,
            name: orgUsage.name,
            access: orgUsage.access,
            maxUsers: orgUsage.maxUsers,
            using: orgUsage.using,
            remaining: orgUsage.remaining,
          },
    seatNow: blockedLicensed ? decideSeat({ area, counts, organizations }, user.organizationId) : null,
  };
  const { code, holdsSeat, explanation } = reason(user, facts);
  return { userId: user.id, holdsSeat, code, explanation, facts };
}

function reason(user: User, facts: UserExplanationFacts): { code: UserExplanationCode; holdsSeat: boolean; explanation: string } {
  const name = `"${user.username}"`;
  const area = facts.area;
  if (isLegacyGuest(user)) {
    return {
      code: 'LEGACY_GUEST',
      holdsSeat: false,
      explanation:
        `${name} is the system guest, renamed by the site (a legacy guest); it holds no seat yet. ` +
        `Run migrateLegacyGuest(): it becomes an active licensed user taking a seat in ${area.name} (even over the limit, since it already exists), and a new inactive guest is created.`,
    };
  }
  if (user.kind === 'system') {
    const role = user.systemRole === 'superuser' ? 'SuperUser' : 'Guest';
    return {
      code: 'SYSTEM_ACCOUNT',
      holdsSeat: false,
      explanation:
        user.state === 'active'
          ? `${name} is a system account (${role}): it never needs a seat. It counts in ${area.name}'s total active users, not in Using.`
          : `${name} is a system account (${role}), currently inactive: it never needs a seat.`,
    };
  }
  if (user.state === 'active') {
    const org = facts.organization;
    const where = `${name} holds a seat in ${area.name} (${area.using} of ${area.maxUsers} in use)`;
    if (org === null) return { code: 'HOLDS_SEAT', holdsSeat: true, explanation: `${where} as a host company user.` };
    const quota =
      org.maxUsers === null
        ? `${org.name} has no quota: it takes seats from the area's unallocated seats`
        : `partner quota: ${org.using} of ${org.maxUsers} used`;
    if (org.access === 'denied') {
      return {
        code: 'HOLDS_SEAT_PARTNER_DENIED',
        holdsSeat: true,
        explanation:
          `${where} as a user of ${org.name} (${quota}). ${org.name} has been denied access: its users keep their seats, but it gets no new or reinstated seat. ` +
          `Block ${name} to free the seat.`,
      };
    }
    return { code: 'HOLDS_SEAT', holdsSeat: true, explanation: `${where} as a user of ${org.name} (${quota}).` };
  }
  return blockedReason(user, facts);
}

function blockedReason(user: User, facts: UserExplanationFacts): { code: UserExplanationCode; holdsSeat: false; explanation: string } {
  const name = `"${user.username}"`;
  const since = user.blockedAt === null ? '' : ` since ${user.blockedAt.toISOString()}`;
  const by = user.blockedBy === null ? 'an admin' : `an admin (${user.blockedBy})`;
  const seat = facts.seatNow;
  const seatText =
    seat === null || seat.ok ? 'A seat is free for it now.' : `No seat is free for it now: ${seat.reason.message}`;
  switch (user.blockReason) {
    case 'license-limit':
      return {
        code: 'WAITING_FOR_SEAT',
        holdsSeat: false,
        explanation:
          `${name} is blocked waiting for a license${since} and holds no seat. ` +
          (seat === null || seat.ok
            ? 'A seat is free now: the next directory sync activates it (oldest waiting first), or reinstate it.'
            : `It stays blocked until a seat is free. ${seat.reason.message}`),
      };
    case 'directory-disabled':
      return {
        code: 'DISABLED_IN_DIRECTORY',
        holdsSeat: false,
        explanation: `${name} was disabled in the directory${since} and holds no seat. Enable it there, or reinstate it here. ${seatText}`,
      };
    case 'directory-removed':
      return {
        code: 'REMOVED_FROM_DIRECTORY',
        holdsSeat: false,
        explanation: `${name} was missing from the directory feed and was blocked${since}; it holds no seat. Add it back to the feed, or reinstate it here. ${seatText}`,
      };
    case 'dormant': {
      const last = user.lastActivityAt === null ? 'no activity was ever recorded' : `its last activity was at ${user.lastActivityAt.toISOString()}`;
      return {
        code: 'DORMANT',
        holdsSeat: false,
        explanation:
          `${name} was blocked as dormant${since} (${last}) and holds no seat. ` +
          `It is reactivated when it signs in again (recordActivity) and a seat is free, or by reinstateUser(). ${seatText}`,
      };
    }
    default:
      return {
        code: 'BLOCKED_BY_ADMIN',
        holdsSeat: false,
        explanation:
          `${name} was blocked by ${by}${since} and holds no seat. A directory sync never re-activates it; reinstateUser() does. ${seatText}`,
      };
  }
}
