import { areaInputSchema, type Area, type AreaInput, type WriteOptions } from '../core/schemas.js';
import type { SeatRepository } from '../ports/repository.js';
import { ConfigurationRefusedError } from '../errors.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { parseInput, writeContext } from './validate.js';

/** Defining license pools. */
export interface AreasApi {
  /**
   * Creates an area when its id is new; for an existing area, changes only its
   * name and grace seats. Safe to call on every start-up: it **never changes
   * an existing area's licenses**. The `maxUsers` given is the limit a new
   * area starts with; for an existing area it is ignored and the stored limit
   * stays (the returned area carries it). Licenses change only through license
   * changes: `applyLicenseChange` (purchases and moves) or `setAreaLicenses`
   * (an explicit override), each kept in the license history.
   *
   * There is exactly one `primary` area: defining a second is refused, and an
   * existing area's kind never changes (a primary area stays primary, an
   * extranet area stays extranet, even when no primary area exists: define a
   * new area instead).
   *
   * @param input - id, kind, name, maxUsers (for a new area) and optional graceSeats (omitted: unchanged, 0 for a new area)
   * @param options - `actor`: who defines it, recorded in the audit trail (`area.created`, `area.updated`)
   * @returns the area as stored
   * @throws InvalidInputError when the input is malformed
   * @throws ConfigurationRefusedError with rule `SECOND_PRIMARY_AREA` when another primary area exists,
   *   and `KIND_CHANGE` when the area exists with the other kind
   * @example
   * ```ts
   * // At every start: creates the area the first time, then leaves its licenses alone.
   * const primary = await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 100 });
   * primary.maxUsers; // 105 after a purchase of 5, even though 100 was given again
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

  /** Creates the area, or changes an existing one's name and grace seats, under its lock. */
  async function store(context: ServiceContext, data: AreaInput): Promise<Area> {
    return inAreaTransaction(context, [data.id], async (tx) => {
      const before = await tx.getArea(data.id);
      const now = context.clock();
      if (before === null) {
        const area: Area = { id: data.id, kind: data.kind, name: data.name, maxUsers: data.maxUsers, graceSeats: data.graceSeats ?? 0, createdAt: now, updatedAt: now };
        await tx.putArea(area);
        await context.watch.observe(tx, area.id, { attempted: `define area "${area.name}"` });
        return area;
      }
      if (before.kind !== data.kind) {
        throw new ConfigurationRefusedError(
          'KIND_CHANGE',
          `Area "${before.id}" is ${before.kind === 'primary' ? 'the primary area' : 'an extranet area'}; an area's kind never changes. ` +
            `Define "${before.id}" with kind "${before.kind}", or define a new area with another id.`,
        );
      }
      const graceSeats = data.graceSeats ?? before.graceSeats;
      // Licenses are left alone: a start-up script must not undo a purchase (see setAreaLicenses).
      if (before.name === data.name && before.graceSeats === graceSeats) return before;
      const area: Area = { ...before, name: data.name, graceSeats, updatedAt: now };
      await tx.putArea(area);
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
