/**
 * The mass-block guard: one run (a directory sync, a dormant-user run) may
 * block at most a set share of an area's active licensed users, so an empty or
 * partial feed, or a policy set too tight, cannot lock a company out.
 *
 * @module
 */

/** One area where a run would block too many users. */
export interface MassBlockArea {
  /** The area. */
  readonly areaId: string;
  /** Active users the run would block there. */
  readonly blocking: number;
  /** Active licensed users there before the run. */
  readonly using: number;
  /** The most it may block: `floor(maxBlockShare * using)`. */
  readonly allowed: number;
}

/** Why a run was refused: it would block more than `maxBlockShare` of an area's users. */
export interface MassBlockRefusal {
  /** Always `MASS_BLOCK_REFUSED`. */
  readonly code: 'MASS_BLOCK_REFUSED';
  /** What would have happened and how to proceed. */
  readonly message: string;
  /** The share that was exceeded. */
  readonly maxBlockShare: number;
  /** Every area over the share. */
  readonly areas: readonly MassBlockArea[];
}

/**
 * The areas where blocking `blocking` users (per area) would exceed
 * `maxBlockShare` of their active licensed users (`using`, per area), sorted by
 * area id. Compared as `blocking > floor(share * using)`, so that at 20 % 2 of
 * 10 is allowed and 3 of 10 is not.
 *
 * @param blocking - per area, the active users the run would block
 * @param using - per area, its active licensed users before the run
 * @param maxBlockShare - the largest share, 0 to 1
 * @returns the areas over the share; empty when the run may go ahead
 */
export function massBlockOverflow(blocking: ReadonlyMap<string, number>, using: ReadonlyMap<string, number>, maxBlockShare: number): MassBlockArea[] {
  const over: MassBlockArea[] = [];
  for (const [areaId, count] of [...blocking].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const active = using.get(areaId) ?? 0;
    const allowed = blocksAllowed(active, maxBlockShare);
    if (count > allowed) over.push({ areaId, blocking: count, using: active, allowed });
  }
  return over;
}

/**
 * The most users one run may block in an area: `floor(maxBlockShare * using)`.
 *
 * @param using - the area's active licensed users before the run
 * @param maxBlockShare - the share, 0 to 1
 * @returns how many may be blocked
 */
export function blocksAllowed(using: number, maxBlockShare: number): number {
  // The epsilon keeps 0.58 * 50 (28.999999999999996 in floating point) at 29.
  return Math.floor(maxBlockShare * using + 1e-9);
}

/** The share as a percentage for messages: `0.2` is `20`. */
export function sharePercent(maxBlockShare: number): number {
  return Math.round(maxBlockShare * 1000) / 10;
}

/** `3 of 10 active users in area "primary" (at most 2); ...` */
export function describeOverflow(over: readonly MassBlockArea[]): string {
  return over.map((a) => `${a.blocking} of ${a.using} active users in area "${a.areaId}" (at most ${a.allowed})`).join('; ');
}
