import { decideSeat, type SeatDecision } from '../core/seat-policy.js';
import { idSchema } from '../core/schemas.js';
import { emptyAreaCounts } from '../core/usage.js';
import { UnknownAreaError, UnknownOrganizationError } from '../errors.js';
import type { ServiceContext } from './context.js';
import { parseInput } from './validate.js';

/** Asking, without taking, whether a seat is free. */
export interface SeatCheckApi {
  /**
   * Would a new user of this area (and partner) get a seat right now? For
   * showing or hiding a "New user" button and for explaining why. It takes
   * nothing: `createUser` checks again under the lock, so the answer can be
   * stale by the time a user is created, never wrong about what is stored.
   * Reads aggregate counts: constant cost however many users there are.
   *
   * @param areaId - the area
   * @param organizationId - the partner organization, or `null` / omitted for the host company
   * @returns `{ ok: true }` or the refusal a `createUser` would get
   * @throws UnknownAreaError, UnknownOrganizationError
   * @example
   * ```ts
   * const seat = await seats.checkSeat('primary');
   * if (!seat.ok) showBanner(seat.reason.message);
   * ```
   */
  checkSeat(areaId: string, organizationId?: string | null): Promise<SeatDecision>;
}

/** Builds the {@link SeatCheckApi}. */
export function seatCheckApi(context: ServiceContext): SeatCheckApi {
  return {
    async checkSeat(areaId, organizationId = null) {
      const id = parseInput(idSchema, areaId, 'area id');
      const partnerId = organizationId === null ? null : parseInput(idSchema, organizationId, 'organization id');
      const { repository } = context;
      const [area, counts, organizations] = await Promise.all([
        repository.getArea(id),
        repository.countUsers([id]),
        repository.listOrganizations(id),
      ]);
      if (area === null) throw new UnknownAreaError(id);
      if (partnerId !== null && !organizations.some((o) => o.id === partnerId)) throw new UnknownOrganizationError(partnerId, id);
      return decideSeat({ area, counts: counts[0] ?? emptyAreaCounts(id), organizations }, partnerId);
    },
  };
}
