import type { SeatContext } from '../core/seat-policy.js';
import type { Area, User } from '../core/schemas.js';
import { UnknownAreaError, UnknownOrganizationError, UnknownUserError } from '../errors.js';
import type { SeatTransaction } from '../ports/repository.js';
import { countArea } from './reads.js';

/** Reads what a seat decision needs, under the area lock the transaction holds. */
export async function readSeatContext(tx: SeatTransaction, areaId: string): Promise<SeatContext> {
  const area = await tx.getArea(areaId);
  if (area === null) throw new UnknownAreaError(areaId);
  const counts = await countArea(tx, areaId);
  const organizations = await tx.listOrganizations(areaId);
  return { area, counts, organizations };
}

/** Throws unless the organization exists in this area's seat context. */
export function assertOrganizationIn(context: SeatContext, organizationId: string | null | undefined): void {
  if (organizationId == null) return;
  if (!context.organizations.some((o) => o.id === organizationId)) throw new UnknownOrganizationError(organizationId, context.area.id);
}

/** Reads a user inside a transaction, or throws {@link UnknownUserError}. */
export async function requireUser(tx: SeatTransaction, userId: string): Promise<User> {
  const user = await tx.getUser(userId);
  if (user === null) throw new UnknownUserError(userId);
  return user;
}

/** Reads an area inside a transaction, or throws {@link UnknownAreaError}. */
export async function requireArea(tx: SeatTransaction, areaId: string): Promise<Area> {
  const area = await tx.getArea(areaId);
  if (area === null) throw new UnknownAreaError(areaId);
  return area;
}
