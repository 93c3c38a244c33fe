/**
 * May this user take a seat, and if not, why. Pure: the service calls it
 * inside the area's transaction with counts read under the same lock.
 *
 * @module
 */
import type { Area, Organization } from './schemas.js';
import { unallocatedRemaining, type AreaSeatCounts } from './usage.js';

/** Why a seat was refused. Stable; switch on these. */
export type SeatRefusalCode =
  | 'LICENSE_LIMIT_REACHED'
  | 'PARTNER_QUOTA_REACHED'
  | 'PARTNER_ACCESS_DENIED'
  | 'USERNAME_TAKEN'
  | 'EXTERNAL_ID_TAKEN';

/** A refusal: an expected outcome, returned as a value, never thrown. */
export interface SeatRefusal {
  /** The stable code. */
  readonly code: SeatRefusalCode;
  /** What happened and what to do, in words an admin understands. */
  readonly message: string;
  /** The area the seat was asked in. */
  readonly areaId: string;
  /** The partner organization, when one decided the refusal. */
  readonly organizationId?: string;
  /** The limit that decided: the area's seats, or the partner's quota for `PARTNER_QUOTA_REACHED`. */
  readonly maxUsers: number;
  /** Seats in use against that limit when the decision was made. */
  readonly using: number;
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
 * In order: a denied partner gets no seat; the area must have a seat left
 * (counting its grace seats); a partner with a quota must have quota left; the
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

  if (organization?.access === 'denied') {
    return refuse({
      ...areaFigures(area, counts),
      code: 'PARTNER_ACCESS_DENIED',
      organizationId: organization.id,
      message: `${organization.name} has been denied access, so its users cannot take a seat. Grant access to the organization first.`,
    });
  }
  if (counts.using >= area.maxUsers + area.graceSeats) {
    return refuse({
      ...areaFigures(area, counts),
      code: 'LICENSE_LIMIT_REACHED',
      ...(organization ? { organizationId: organization.id } : {}),
      message: `${area.name} has no user license left (${counts.using} of ${area.maxUsers} in use). Purchase more licenses, or block or delete profiles that are no longer needed.`,
    });
  }
  if (organization && organization.maxUsers !== null) {
    const partnerUsing = counts.organizations.find((c) => c.organizationId === organization.id)?.using ?? 0;
    if (partnerUsing >= organization.maxUsers) {
      return refuse({
        code: 'PARTNER_QUOTA_REACHED',
        areaId: area.id,
        organizationId: organization.id,
        maxUsers: organization.maxUsers,
        using: partnerUsing,
        message: `${organization.name} has used its whole quota (${partnerUsing} of ${organization.maxUsers}). Raise its Maximum Users, or block one of its users.`,
      });
    }
    return { ok: true };
  }
  if (unallocatedRemaining(area, counts, organizations, area.graceSeats) < 1) {
    return refuse({
      ...areaFigures(area, counts),
      code: 'LICENSE_LIMIT_REACHED',
      ...(organization ? { organizationId: organization.id } : {}),
      message: `${area.name} has no unallocated license left: the remaining seats are set aside by partner quotas. Purchase more licenses or lower a partner's Maximum Users.`,
    });
  }
  return { ok: true };
}

/** The figures of a refusal for the area's limit; built only when refusing, as most seats are granted. */
function areaFigures(area: Area, counts: AreaSeatCounts): Pick<SeatRefusal, 'areaId' | 'maxUsers' | 'using'> {
  return { areaId: area.id, maxUsers: area.maxUsers, using: counts.using };
}

function refuse(reason: SeatRefusal): SeatDecision {
  return { ok: false, reason };
}
