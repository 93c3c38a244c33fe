/**
 * May this user take a seat, and if not, why. Pure: the service calls it
 * inside the area's transaction with counts read under the same lock.
 *
 * @module
 */
import type { Area, Organization } from './schemas.js';
import { unallocatedRemaining, type AreaSeatCounts } from './usage.js';

/**
 * Why a user was refused. Stable; switch on these. `USERNAME_NOT_ALLOWED`: the
 * name could pass for another (invisible characters, bidi controls, mixed
 * scripts); `USERNAME_TAKEN`: another user has the same name by the username
 * comparison rules; the rest are about seats.
 */
export type SeatRefusalCode =
  | 'LICENSE_LIMIT_REACHED'
  | 'PARTNER_QUOTA_REACHED'
  | 'PARTNER_ACCESS_DENIED'
  | 'USERNAME_TAKEN'
  | 'USERNAME_NOT_ALLOWED'
  | 'EXTERNAL_ID_TAKEN';

/**
 * A refusal: an expected outcome, returned as a value, never thrown. It
 * carries only what the person who caused it may see, so it is safe to show
 * them: a refusal for a partner's user has that partner's figures as its
 * admin's license view shows them (its `using`; its quota only when every
 * partner of the area has one), never the area's; a `USERNAME_NOT_ALLOWED`,
 * `USERNAME_TAKEN` or `EXTERNAL_ID_TAKEN` refusal has no figures at all, and
 * names the user holding a username only when that user belongs to the same
 * organization as the one being created or renamed.
 */
export interface SeatRefusal {
  /** The stable code. */
  readonly code: SeatRefusalCode;
  /** What happened and what to do, in words an admin understands. */
  readonly message: string;
  /** The area the seat was asked in. */
  readonly areaId: string;
  /** The partner organization, when the user belongs to one. */
  readonly organizationId?: string;
  /**
   * The limit that decided, when the person may see it: the area's seats for a
   * host-company user, the partner's quota for a partner's user whose admin
   * sees its remaining seats.
   */
  readonly maxUsers?: number;
  /** Seats in use against that limit (for a partner's user: the partner's own), when the person may see it. */
  readonly using?: number;
}

/** A seat check that found a seat. */
export interface SeatGranted {
  /** Always `true`. */
  readonly ok: true;
}

/** An operation refused for an expected business reason; nothing was written. */
export interface Refused {
  /** Always `false`. */
  readonly ok: false;
  /** Why, with the figures that decided. */
  readonly reason: SeatRefusal;
}

/** The outcome of a seat check. */
export type SeatDecision = SeatGranted | Refused;

/** What the seat policy needs to decide, all read under the area lock. */
export interface SeatContext {
  /** The area asked for a seat. */
  readonly area: Area;
  /** Its aggregate counts. */
  readonly counts: AreaSeatCounts;
  /** Every partner organization of the area (their quotas are allocations). */
  readonly organizations: readonly Organization[];
}

/**
 * Decides whether one more seat may be taken in `context.area` for a user of
 * `organizationId` (`null` for the host company).
 *
 * In order: a denied partner gets no seat; a partner with a quota must have
 * quota left; the area must have a seat left (counting its grace seats); the
 * host company and partners without a quota need an unallocated seat (seats
 * set aside by partner quotas are not theirs to take).
 *
 * @param context - the area, its counts and partners
 * @param organizationId - the partner the user belongs to, or `null`
 * @returns `{ ok: true }` or the refusal with its reason
 * @example
 * ```ts
 * const decision = decideSeat({ area, counts, organizations }, null);
 * if (!decision.ok) console.log(decision.reason.code); // 'LICENSE_LIMIT_REACHED'
 * ```
 */
export function decideSeat(context: SeatContext, organizationId: string | null): SeatDecision {
  const { area, counts, organizations } = context;
  const organization = organizationId === null ? undefined : organizations.find((o) => o.id === organizationId);
  if (organization === undefined) {
    if (counts.using >= area.maxUsers + area.graceSeats) {
      return refuse({
        ...areaFigures(area, counts),
        code: 'LICENSE_LIMIT_REACHED',
        message: `${area.name} has no user license left (${counts.using} of ${area.maxUsers} in use). Purchase more licenses, or block or delete profiles that are no longer needed.`,
      });
    }
    if (unallocatedRemaining(area, counts, organizations, area.graceSeats) < 1) {
      return refuse({
        ...areaFigures(area, counts),
        code: 'LICENSE_LIMIT_REACHED',
        message: `${area.name} has no unallocated license left: the remaining seats are set aside by partner quotas. Purchase more licenses or lower a partner's Maximum Users.`,
      });
    }
    return { ok: true };
  }

  // A partner's user: the refusal carries what its admin's license view shows, never the area's figures.
  const partnerUsing = counts.organizations.find((c) => c.organizationId === organization.id)?.using ?? 0;
  const quota = organization.maxUsers;
  const figures = {
    areaId: area.id,
    organizationId: organization.id,
    using: partnerUsing,
    ...(quota !== null && allPartnerQuotasSet(organizations) ? { maxUsers: quota } : {}),
  };
  if (organization.access === 'denied') {
    return refuse({
      ...figures,
      code: 'PARTNER_ACCESS_DENIED',
      message: `${organization.name} has been denied access, so its users cannot take a seat. Grant access to the organization first.`,
    });
  }
  if (quota !== null && partnerUsing >= quota) {
    return refuse({
      ...figures,
      code: 'PARTNER_QUOTA_REACHED',
      message: `${organization.name} has used its whole quota (${partnerUsing} of ${quota}). Raise its Maximum Users, or block one of its users.`,
    });
  }
  const areaFull = counts.using >= area.maxUsers + area.graceSeats;
  if (areaFull || (quota === null && unallocatedRemaining(area, counts, organizations, area.graceSeats) < 1)) {
    return refuse({
      ...figures,
      code: 'LICENSE_LIMIT_REACHED',
      message: `No user license is free for ${organization.name}'s users. The site's administrator can purchase more licenses, or ${organization.name} can block profiles that are no longer needed.`,
    });
  }
  return { ok: true };
}

/** Whether every partner organization of an area has a quota set (denied ones too): only then do partner admins see their remaining seats. */
export function allPartnerQuotasSet(organizations: readonly { readonly maxUsers: number | null }[]): boolean {
  return organizations.every((o) => o.maxUsers !== null);
}

/** The figures of a refusal for a host-company user: the area's limit and use. */
function areaFigures(area: Area, counts: AreaSeatCounts): Pick<SeatRefusal, 'areaId' | 'maxUsers' | 'using'> {
  return { areaId: area.id, maxUsers: area.maxUsers, using: counts.using };
}

function refuse(reason: SeatRefusal): SeatDecision {
  return { ok: false, reason };
}
