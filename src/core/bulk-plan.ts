/**
 * Planning the creation of many users at once (a CSV upload): which entries
 * may be created, in order, and why the others may not. Pure: the service
 * runs it inside one transaction over every area involved, with counts and
 * taken keys read under the lock, then writes what it accepted.
 *
 * @module
 */
import { UnknownAreaError } from '../errors.js';
import { externalIdRepeatedMessage, externalIdTakenMessage, usernameNotAllowedMessage, usernameRepeatedMessage, usernameTakenMessage } from './key-messages.js';
import { usernameKey, type User } from './schemas.js';
import { usernameProblem } from './username.js';
import { decideSeat, type SeatContext, type SeatDecision } from './seat-policy.js';
import { seatShortage, type SeatShortage } from './seat-shortage.js';
import { addToCounts, type AreaSeatCounts } from './usage.js';

/** One user a batch wants to create. */
export interface BulkCandidate {
  /** The username; unique site-wide ignoring case. */
  readonly username: string;
  /** The directory id, or `null`; unique when set. */
  readonly externalId: string | null;
  /** The area whose seat it would take. */
  readonly areaId: string;
  /** The partner organization, or `null` for the host company. */
  readonly organizationId: string | null;
  /** `true` to create it active (it takes a seat), `false` to create it blocked (it takes none). */
  readonly active: boolean;
}

/** What {@link planBulkCreate} decides from. */
export interface BulkPlanInput {
  /** The users to create, in the order they are decided. */
  readonly candidates: readonly BulkCandidate[];
  /** The seat context of every area a candidate names, read under the lock. */
  readonly contexts: ReadonlyMap<string, SeatContext>;
  /**
   * The users already holding a username in storage, by `usernameKey`: a
   * refusal names the holder only to a requester of the holder's organization.
   */
  readonly takenUsernames: ReadonlyMap<string, Pick<User, 'username' | 'organizationId'>>;
  /** External ids already taken in storage. */
  readonly takenExternalIds: ReadonlySet<string>;
  /** The smallest number of seats a purchase may add, for the shortage report. */
  readonly minimumPurchase: number;
}

/** The plan: one decision per candidate, and what each area lacks. */
export interface BulkPlan {
  /** One decision per candidate, in the same order: `ok`, or the refusal. */
  readonly decisions: readonly SeatDecision[];
  /** Areas (and partner quotas) too small for every wanted seat; empty when all fit. */
  readonly shortages: readonly SeatShortage[];
}

/**
 * Decides each candidate in order, as if each accepted one had been created
 * before the next is decided:
 * 1. a username that could pass for another (`usernameProblem`) is `USERNAME_NOT_ALLOWED`;
 * 2. a username taken in storage, or by an earlier candidate, is `USERNAME_TAKEN`;
 * 3. an external id taken likewise is `EXTERNAL_ID_TAKEN`;
 * 4. a candidate created blocked takes no seat and is accepted;
 * 5. an active one gets a seat by {@link decideSeat}, against counts advanced by
 *    every candidate accepted before it.
 *
 * Refusals of the first three carry no seat figures, and name no user of
 * another organization (see `usernameTakenMessage`).
 *
 * A refused candidate takes nothing, so a later one may still fit (a partner
 * with quota left, another area). The first candidate with a key claims it even
 * if it is refused for a seat: a key appears at most once in a batch's result.
 *
 * @param input - candidates, seat contexts and taken keys
 * @returns one decision per candidate and the shortages
 * @throws UnknownAreaError when a candidate names an area missing from `contexts`
 * @example
 * ```ts
 * const plan = planBulkCreate({ candidates, contexts, takenUsernames, takenExternalIds, minimumPurchase: 5 });
 * const refused = plan.decisions.filter((d) => !d.ok).length;
 * ```
 */
export function planBulkCreate(input: BulkPlanInput): BulkPlan {
  const counts = new Map<string, AreaSeatCounts>();
  const demand = new Map<string, { unallocated: number; partners: Map<string, number> }>();
  const claimedUsernames = new Set<string>();
  const claimedExternalIds = new Set<string>();

  const decisions = input.candidates.map((candidate): SeatDecision => {
    const context = input.contexts.get(candidate.areaId);
    if (context === undefined) throw new UnknownAreaError(candidate.areaId);
    const current = counts.get(candidate.areaId) ?? context.counts;
    // A refusal about the name or id: it carries no seat figures.
    const keyTaken = (code: 'USERNAME_NOT_ALLOWED' | 'USERNAME_TAKEN' | 'EXTERNAL_ID_TAKEN', message: string): SeatDecision => ({
      ok: false,
      reason: { code, message, areaId: candidate.areaId },
    });

    const problem = usernameProblem(candidate.username);
    if (problem !== null) return keyTaken('USERNAME_NOT_ALLOWED', usernameNotAllowedMessage(candidate.username, problem));
    const key = usernameKey(candidate.username);
    const holder = input.takenUsernames.get(key);
    if (holder !== undefined) return keyTaken('USERNAME_TAKEN', usernameTakenMessage(candidate.username, holder, candidate.organizationId));
    if (claimedUsernames.has(key)) return keyTaken('USERNAME_TAKEN', usernameRepeatedMessage(candidate.username));
    claimedUsernames.add(key);
    const { externalId } = candidate;
    if (externalId !== null) {
      if (input.takenExternalIds.has(externalId)) return keyTaken('EXTERNAL_ID_TAKEN', externalIdTakenMessage(externalId));
      if (claimedExternalIds.has(externalId)) return keyTaken('EXTERNAL_ID_TAKEN', externalIdRepeatedMessage(externalId));
      claimedExternalIds.add(externalId);
    }

    // A blocked profile takes no seat, but it is counted all the same.
    if (!candidate.active) {
      counts.set(candidate.areaId, addToCounts(current, { kind: 'licensed', state: 'blocked', organizationId: candidate.organizationId }));
      return { ok: true };
    }
    addDemand(demand, context, candidate.organizationId);
    const decision = decideSeat({ area: context.area, counts: current, organizations: context.organizations }, candidate.organizationId);
    if (decision.ok) counts.set(candidate.areaId, addToCounts(current, { kind: 'licensed', state: 'active', organizationId: candidate.organizationId }));
    return decision;
  });

  const shortages: SeatShortage[] = [];
  for (const [areaId, wanted] of demand) {
    const shortage = seatShortage(input.contexts.get(areaId) as SeatContext, wanted, input.minimumPurchase);
    if (shortage !== null) shortages.push(shortage);
  }
  return { decisions, shortages };
}

/** Counts a wanted seat under who would take it; a denied partner's users want none that seats could fix. */
function addDemand(
  demand: Map<string, { unallocated: number; partners: Map<string, number> }>,
  context: SeatContext,
  organizationId: string | null,
): void {
  const organization = organizationId === null ? undefined : context.organizations.find((o) => o.id === organizationId);
  if (organization?.access === 'denied') return;
  let wanted = demand.get(context.area.id);
  if (wanted === undefined) {
    wanted = { unallocated: 0, partners: new Map() };
    demand.set(context.area.id, wanted);
  }
  if (organization !== undefined && organization.maxUsers !== null) {
    wanted.partners.set(organization.id, (wanted.partners.get(organization.id) ?? 0) + 1);
  } else {
    wanted.unallocated += 1;
  }
}
