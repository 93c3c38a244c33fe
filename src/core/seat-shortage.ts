/**
 * How many seats an area lacks for a batch of new users, and the smallest
 * purchase that covers them. Pure: bulk creation (CSV import) computes it
 * from counts read under the area lock, before anything is written.
 *
 * @module
 */
import type { SeatContext } from './seat-policy.js';
import { allocation } from './usage.js';

/** The new seats a batch wants in one area, split by who would take them. */
export interface SeatDemand {
  /** Seats wanted by the host company and by partners without a quota: they need unallocated seats. */
  readonly unallocated: number;
  /** Seats wanted per partner organization with a quota, by organization id. */
  readonly partners: ReadonlyMap<string, number>;
}

/** A partner whose quota is too small for a batch: raise its Maximum Users by `short`. */
export interface PartnerQuotaShortage {
  /** The partner organization. */
  readonly organizationId: string;
  /** Its quota before the batch. */
  readonly maxUsers: number;
  /** Seats it used before the batch. */
  readonly using: number;
  /** New seats the batch wants for it. */
  readonly needed: number;
  /** How far the quota falls short: `using + needed - maxUsers`. */
  readonly short: number;
}

/** What one area lacks for a batch of new users, and what fixes it. */
export interface SeatShortage {
  /** The area. */
  readonly areaId: string;
  /** Its seats before the batch. */
  readonly maxUsers: number;
  /** Seats in use before the batch. */
  readonly using: number;
  /** New seats the batch wants in the area (rows that would be active and passed every other check). */
  readonly needed: number;
  /**
   * Seats the area must gain so that every wanted seat fits, partner quotas
   * raised as `partnerQuotas` says included. 0 when only partner quotas are short.
   */
  readonly short: number;
  /** The smallest valid purchase covering `short`: `max(short, minimumPurchase)`, or 0 when nothing is short. */
  readonly smallestPurchase: number;
  /** Partners whose quota is too small; buying area seats alone does not help them. */
  readonly partnerQuotas: readonly PartnerQuotaShortage[];
  /** What is short and what to do, in words an admin understands. */
  readonly message: string;
}

/**
 * The shortage of one area for a batch, or `null` when every wanted seat fits.
 *
 * Three limits apply (the seat rules of a manual creation), each checked for the whole
 * batch, so the answer does not depend on row order:
 * - the area: `using + needed <= maxUsers + graceSeats`;
 * - each partner with a quota: `partnerUsing + partnerNeeded <= quota`;
 * - the host company and partners without a quota take only unallocated seats:
 *   `unquotedUsing + unallocatedNeeded + allocated <= maxUsers + graceSeats`,
 *   where raising a short partner quota adds to `allocated`.
 *
 * @param context - the area, its counts and partners, read before the batch
 * @param demand - the new seats the batch wants in the area
 * @param minimumPurchase - the smallest number of seats a purchase may add
 * @returns the shortage, or `null` when nothing is short
 * @example
 * ```ts
 * // 10 seats, 8 used, 5 wanted: 3 short, and the smallest purchase is 5.
 * seatShortage(context, { unallocated: 5, partners: new Map() }, 5); // { short: 3, smallestPurchase: 5, ... }
 * ```
 */
export function seatShortage(context: SeatContext, demand: SeatDemand, minimumPurchase: number): SeatShortage | null {
  const { area, counts, organizations } = context;
  const capacity = area.maxUsers + area.graceSeats;
  const usingById = new Map(counts.organizations.map((c) => [c.organizationId, c.using]));

  const partnerQuotas: PartnerQuotaShortage[] = [];
  let partnerNeeded = 0;
  for (const [organizationId, needed] of demand.partners) {
    partnerNeeded += needed;
    const quota = organizations.find((o) => o.id === organizationId)?.maxUsers;
    if (quota == null) continue;
    const using = usingById.get(organizationId) ?? 0;
    const short = using + needed - quota;
    if (short > 0) partnerQuotas.push({ organizationId, maxUsers: quota, using, needed, short });
  }
  const quotaRaise = partnerQuotas.reduce((total, p) => total + p.short, 0);
  const needed = demand.unallocated + partnerNeeded;

  const areaShort = counts.using + needed - capacity;
  let unallocatedShort = 0;
  if (demand.unallocated + quotaRaise > 0) {
    const { allocated, unquotedUsing } = allocation(counts, organizations);
    unallocatedShort = unquotedUsing + demand.unallocated + allocated + quotaRaise - capacity;
  }
  const short = Math.max(0, areaShort, unallocatedShort);
  if (short === 0 && partnerQuotas.length === 0) return null;

  const smallestPurchase = short === 0 ? 0 : Math.max(short, minimumPurchase);
  return {
    areaId: area.id,
    maxUsers: area.maxUsers,
    using: counts.using,
    needed,
    short,
    smallestPurchase,
    partnerQuotas,
    message: shortageMessage(area.name, needed, short, smallestPurchase, partnerQuotas, organizations),
  };
}

function shortageMessage(
  areaName: string,
  needed: number,
  short: number,
  smallestPurchase: number,
  partnerQuotas: readonly PartnerQuotaShortage[],
  organizations: SeatContext['organizations'],
): string {
  const parts: string[] = [];
  if (short > 0) {
    parts.push(
      `${areaName} is ${plural(short, 'seat')} short for ${plural(needed, 'new active user')}. ` +
        `The smallest purchase that covers it is ${plural(smallestPurchase, 'seat')}` +
        (smallestPurchase > short ? ` (the minimum purchase)` : '') +
        '; or block or delete profiles that are no longer needed.',
    );
  }
  for (const p of partnerQuotas) {
    const name = organizations.find((o) => o.id === p.organizationId)?.name ?? p.organizationId;
    parts.push(`${name} needs its Maximum Users raised by ${p.short} (from ${p.maxUsers} to ${p.maxUsers + p.short}).`);
  }
  return parts.join(' ');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
