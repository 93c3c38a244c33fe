/**
 * Retiring a partner organization or an area whose users move elsewhere:
 * whether every user that holds a seat gets one where it moves. Pure: the
 * service reads the target's figures under the locks of both areas, decides
 * here, and moves everyone or no one.
 *
 * @module
 */
import type { Refused, SeatContext, SeatDecision } from './seat-policy.js';
import { decideSeat } from './seat-policy.js';
import { seatShortage, type SeatDemand, type SeatShortage } from './seat-shortage.js';
import type { User } from './schemas.js';
import { addToCounts } from './usage.js';

/** What {@link decideRetirementSeats} decides from. */
export interface RetirementSeatInput {
  /** The area the users move to: its area record, counts and partners, read under its lock. */
  readonly target: SeatContext;
  /** The organization the users move to in that area, or `null` for the host company. */
  readonly organizationId: string | null;
  /** The partner organization being retired, or `null` when an area is: its quota no longer sets seats aside. */
  readonly retiredOrganizationId: string | null;
  /** Every profile that moves, blocked ones included. */
  readonly movers: readonly User[];
  /** The smallest purchase, for the shortage report. */
  readonly minimumPurchase: number;
}

/** A retirement whose users do not all fit where they move: nothing was written. */
export interface RetirementRefused extends Refused {
  /** How many seats the target lacks and the smallest purchase that covers them; `null` when seats would not help (a denied partner). */
  readonly shortage: SeatShortage | null;
}

/**
 * Decides whether every mover that holds a seat (an active licensed user)
 * gets one in the target, by the seat rules of a new user there, one after
 * another as if each had moved before the next is decided. Movers that leave
 * the target area itself (a partner's users moving to the host company of the
 * same area) free their seats first, and a retired partner's quota no longer
 * counts. Blocked profiles and system users take no seat and always fit.
 *
 * @param input - the target's figures, the movers and the retired organization
 * @returns `{ ok: true }`, or the first refusal with the shortage of the whole move
 * @example
 * ```ts
 * const decision = decideRetirementSeats({ target, organizationId: null, retiredOrganizationId: 'acme', movers, minimumPurchase: 5 });
 * if (!decision.ok) console.log(decision.reason.code, decision.shortage?.smallestPurchase);
 * ```
 */
export function decideRetirementSeats(input: RetirementSeatInput): SeatDecision | RetirementRefused {
  const { target, organizationId, retiredOrganizationId, movers } = input;
  const organizations = target.organizations.filter((o) => o.id !== retiredOrganizationId);
  let counts = target.counts;
  for (const mover of movers) if (mover.areaId === target.area.id) counts = addToCounts(counts, mover, -1);
  const before = { area: target.area, counts, organizations };

  const seated = movers.filter((m) => m.kind === 'licensed' && m.state === 'active').length;
  const seat = { kind: 'licensed', state: 'active', organizationId } as const;
  for (let i = 0; i < seated; i++) {
    const decision = decideSeat({ ...before, counts }, organizationId);
    if (!decision.ok) return { ...decision, shortage: seatShortage(before, demandOf(before, organizationId, seated), input.minimumPurchase) };
    counts = addToCounts(counts, seat, 1);
  }
  return { ok: true };
}

/** The seats the movers want, under who would take them. */
function demandOf(context: SeatContext, organizationId: string | null, seats: number): SeatDemand {
  const organization = context.organizations.find((o) => o.id === organizationId);
  if (organization?.access === 'denied') return { unallocated: 0, partners: new Map() };
  if (organization !== undefined && organization.maxUsers !== null) return { unallocated: 0, partners: new Map([[organization.id, seats]]) };
  return { unallocated: seats, partners: new Map() };
}
