import type { SeatContext } from '../core/seat-policy.js';
import type { Area, User } from '../core/schemas.js';
import { SerializationFailureError, UnknownAreaError, UnknownOrganizationError, UnknownUserError } from '../errors.js';
import type { SeatTransaction } from '../ports/repository.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
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

/** How many times an operation on a user follows it to the area it moved to before giving up. */
export const AREA_CHANGE_ATTEMPTS = 4;

/**
 * Runs `work` on a user under the lock of the area the user is in. The area is
 * only known by reading the user first, and a directory sync may move the user
 * before the lock is had: so the user is read again under the lock, and when it
 * is no longer in the locked area the transaction is left (nothing written) and
 * the next attempt locks the area it is in now. Every decision about the user is
 * thus taken under its current area's lock.
 *
 * @param context - the service context
 * @param user - the user's id, or the user as just read (saves the first read)
 * @param work - what to do under the lock, given the user as it is now
 * @param alsoLock - areas locked too, in the same transaction (e.g. the area a user moves to)
 * @throws UnknownUserError when the user does not exist (any more)
 * @throws SerializationFailureError (retryable) when the user moved at every one of {@link AREA_CHANGE_ATTEMPTS} attempts
 */
export async function inUserArea<T>(
  context: ServiceContext,
  user: string | User,
  work: (tx: SeatTransaction, user: User) => Promise<T>,
  alsoLock: readonly string[] = [],
): Promise<T> {
  const userId = typeof user === 'string' ? user : user.id;
  const seen = typeof user === 'string' ? await context.repository.getUser(userId) : user;
  if (seen === null) throw new UnknownUserError(userId);
  let areaId = seen.areaId;
  for (let attempt = 1; attempt <= AREA_CHANGE_ATTEMPTS; attempt++) {
    const outcome = await inAreaTransaction(context, [areaId, ...alsoLock], async (tx): Promise<{ readonly movedTo: string } | { readonly done: T }> => {
      const current = await requireUser(tx, userId);
      if (current.areaId !== areaId) return { movedTo: current.areaId };
      return { done: await work(tx, current) };
    });
    if ('done' in outcome) return outcome.done;
    areaId = outcome.movedTo;
  }
  throw new SerializationFailureError(`User "${userId}" moved to another area at each of ${AREA_CHANGE_ATTEMPTS} attempts to lock its area.`);
}
