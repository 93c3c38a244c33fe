import type { SeatContext } from '../core/seat-policy.js';
import { emptyAreaCounts } from '../core/usage.js';
import { UnknownAreaError } from '../errors.js';
import type { SeatRepository } from '../ports/repository.js';

/**
 * Reads an area, its aggregate counts and its partner organizations outside
 * any transaction: for read-only answers (views, explanations) that need no lock.
 *
 * @throws UnknownAreaError when the area is not defined
 */
export async function readAreaFigures(repository: SeatRepository, areaId: string): Promise<SeatContext> {
  const [area, counts, organizations] = await Promise.all([
    repository.getArea(areaId),
    repository.countUsers([areaId]),
    repository.listOrganizations(areaId),
  ]);
  if (area === null) throw new UnknownAreaError(areaId);
  return { area, counts: counts[0] ?? emptyAreaCounts(areaId), organizations };
}
