import { areaInputSchema, type Area, type AreaInput, type WriteOptions } from '../core/schemas.js';
import type { SeatRepository } from '../ports/repository.js';
import { ConfigurationRefusedError } from '../errors.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { parseInput, writeContext } from './validate.js';

/** Defining license pools. */
export interface AreasApi {
  /**
   * Creates an area, or updates it when the id exists. There is exactly one
   * `primary` area; defining a second is refused. Lowering `maxUsers` below the
   * seats in use is allowed (the area then reports `exceeded` and the
   * responsible person is told); nobody loses a seat. A changed `maxUsers` is
   * kept in the license change history.
   *
   * @param input - id, kind, name, maxUsers and optional graceSeats
   * @param options - `actor`: who defines it, recorded in the audit trail (`area.created`,
   *   `area.updated`, and `license.changed` for a changed limit)
   * @returns the stored area
   * @throws InvalidInputError when the input is malformed
   * @throws ConfigurationRefusedError when a second primary area is defined
   * @example
   * ```ts
   * await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 100 });
   * ```
   */
  defineArea(input: AreaInput, options?: WriteOptions): Promise<Area>;
}

/** Builds the {@link AreasApi}. */
export function areasApi(base: ServiceContext): AreasApi {
  return {
    async defineArea(input, options) {
      const data = parseInput(areaInputSchema, input, 'defineArea input');
      const context = writeContext(base, options, 'defineArea options');
      if (data.kind !== 'primary') return store(context, data);
      // The check and the write of a primary area run one at a time per repository: two instances
      // of one process defining different primary areas at once cannot both pass the check. Across
      // processes the store itself keeps one primary area (PostgreSQL: a partial unique index).
      return oneAtATime(context.repository, async () => {
        const primary = (await context.repository.listAreas()).find((a) => a.kind === 'primary' && a.id !== data.id);
        if (primary !== undefined) {
          throw new ConfigurationRefusedError(
            'SECOND_PRIMARY_AREA',
            `There is already a primary area ("${primary.id}"); a site has exactly one. Define "${data.id}" as an extranet area.`,
          );
        }
        return store(context, data);
      });
    },
  };

  /** Creates or updates the area under its lock, keeping a changed limit in the history. */
  async function store(context: ServiceContext, data: AreaInput): Promise<Area> {
    return inAreaTransaction(context, [data.id], async (tx) => {
      const before = await tx.getArea(data.id);
      const now = context.clock();
      const area: Area = {
        id: data.id,
        kind: data.kind,
        name: data.name,
        maxUsers: data.maxUsers,
        graceSeats: data.graceSeats ?? before?.graceSeats ?? 0,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      };
      await tx.putArea(area);
      if (before !== null && before.maxUsers !== area.maxUsers) {
        await tx.appendLicenseChange({
          id: context.newId(),
          requestId: null,
          type: 'set',
          areaId: area.id,
          maxUsersBefore: before.maxUsers,
          maxUsersAfter: area.maxUsers,
          appliedAt: now,
          note: 'defineArea',
        });
      }
      await context.watch.observe(tx, area.id, { attempted: before === null ? `define area "${area.name}"` : `change area "${area.name}" to ${area.maxUsers} seats` });
      return area;
    });
  }
}

/** The tail of the queue of primary-area definitions, per repository. */
const primaryQueues = new WeakMap<SeatRepository, Promise<unknown>>();

/**
 * Runs `work` after every earlier call for the same repository has settled:
 * the site-level lock of the one-primary rule. The port locks areas, not the
 * site, so this lock lives in the process; it covers every repository whose
 * store lives in the process (the in-memory one), and stores shared between
 * processes enforce the rule themselves.
 */
async function oneAtATime<T>(repository: SeatRepository, work: () => Promise<T>): Promise<T> {
  const previous = primaryQueues.get(repository) ?? Promise.resolve();
  const current = previous.then(work, work);
  primaryQueues.set(repository, current.catch(() => undefined));
  return current;
}
