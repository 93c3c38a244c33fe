/**
 * May a partner organization be created or changed this way, and if not, why.
 * Pure: the service calls it under the area lock with what it read there.
 *
 * @module
 */
import type { Area, Organization } from './schemas.js';
import type { AreaSeatCounts } from './usage.js';

/**
 * Which rule refused an organization change:
 * - `OVER_ALLOCATED`: the set quotas of the area would add up to more than its seats;
 * - `BELOW_USE`: the partner's quota would be lower than the seats its users already hold;
 * - `MOVE_WITH_USERS`: the organization would move to another area while it still has users there.
 */
export type OrganizationChangeRule = 'OVER_ALLOCATED' | 'BELOW_USE' | 'MOVE_WITH_USERS';

/** The outcome of {@link decideOrganizationChange}. */
export type OrganizationChangeDecision =
  | {
      /** The change is allowed. */
      readonly ok: true;
    }
  | {
      /** The change is refused. */
      readonly ok: false;
      /** The rule that refused the change. */
      readonly rule: OrganizationChangeRule;
      /** What the change would break and how to proceed, in words an admin understands. */
      readonly message: string;
    };

/** What an organization change is decided on, read under the lock of the areas concerned. */
export interface OrganizationChangeContext {
  /** The area the organization is to belong to. */
  readonly area: Area;
  /** That area's aggregate counts. */
  readonly counts: AreaSeatCounts;
  /** That area's partner organizations as they are now (the changed one included when it is already there). */
  readonly organizations: readonly Organization[];
  /** The organization as it is now, or `null` when it is new. */
  readonly before: Organization | null;
  /** When the organization moves to another area: its profiles in the area it leaves. `0` otherwise. */
  readonly usersLeftBehind: number;
}

/**
 * Decides whether `after` may replace `context.before`.
 *
 * A change that makes things no worse is always allowed: an area that is
 * already over-allocated (its seats were lowered) may still have its quotas
 * lowered, and a partner already below its use may still be renamed or have
 * its quota raised. `allowOverLimit` lifts the two quota rules, never the move
 * rule (users left in an area their organization no longer belongs to would be
 * counted nowhere).
 *
 * @param context - the target area, its counts and partners, and the organization before
 * @param after - the organization as it is to be stored
 * @param allowOverLimit - make a quota change even if it over-allocates the area or puts the partner below its use
 * @returns `{ ok: true }` or the rule that refuses the change, with a message
 * @example
 * ```ts
 * const decision = decideOrganizationChange({ area, counts, organizations, before: null, usersLeftBehind: 0 }, acme, false);
 * if (!decision.ok) throw new ConfigurationRefusedError(decision.rule, decision.message);
 * ```
 */
export function decideOrganizationChange(
  context: OrganizationChangeContext,
  after: Organization,
  allowOverLimit: boolean,
): OrganizationChangeDecision {
  const { area, counts, organizations, before } = context;
  const moving = before !== null && before.areaId !== after.areaId;
  if (moving && context.usersLeftBehind > 0) {
    return {
      ok: false,
      rule: 'MOVE_WITH_USERS',
      message:
        `${after.name} still has ${context.usersLeftBehind} user profile(s) in area "${before.areaId}", so it cannot move to ${area.name}. ` +
        'Delete those profiles first, or define a new organization with another id in the other area.',
    };
  }
  if (allowOverLimit) return { ok: true };

  const otherAllocated = organizations.reduce((sum, o) => (o.id === after.id ? sum : sum + (o.maxUsers ?? 0)), 0);
  const quotaBefore = moving ? null : (before?.maxUsers ?? null);
  const allocatedBefore = otherAllocated + (quotaBefore ?? 0);
  const allocatedAfter = otherAllocated + (after.maxUsers ?? 0);
  if (allocatedAfter > area.maxUsers && allocatedAfter > allocatedBefore) {
    return {
      ok: false,
      rule: 'OVER_ALLOCATED',
      message:
        `A Maximum Users of ${after.maxUsers} for ${after.name} would allocate ${allocatedAfter} of ${area.name}'s ${area.maxUsers} seats ` +
        `(other partner quotas already hold ${otherAllocated}). Lower the quota to at most ${Math.max(0, area.maxUsers - otherAllocated)}, ` +
        'raise the area\'s seats, or pass allowOverLimit: true.',
    };
  }

  const using = counts.organizations.find((c) => c.organizationId === after.id)?.using ?? 0;
  const quota = after.maxUsers;
  if (quota !== null && quota < using && (quotaBefore === null || quota < quotaBefore)) {
    return {
      ok: false,
      rule: 'BELOW_USE',
      message:
        `${after.name} already uses ${using} seat(s); a Maximum Users of ${quota} would put it ${using - quota} below its use. ` +
        `Block ${using - quota} of its users first, or pass allowOverLimit: true (its users keep their seats, and it gets no new one until it is below its quota).`,
    };
  }
  return { ok: true };
}
