import { z } from 'zod';
import { DEFAULT_WARNING_PERCENT } from '../core/status.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { SeatRepository } from '../ports/repository.js';
import { areasApi, type AreasApi } from './areas.js';
import { bulkCreateApi, type BulkCreateApi } from './bulk-create.js';
import type { ServiceContext } from './context.js';
import { quietSeatWatch } from './seat-watch.js';
import { summaryApi, type SummaryApi } from './summary.js';
import { systemUsersApi, type SystemUsersApi } from './system-users.js';
import { usersApi, type UsersApi } from './users.js';
import { parseInput } from './validate.js';

/** Options of {@link createSeatkeeper}. */
export interface SeatkeeperOptions {
  /** Where users, areas and the outbox are stored. */
  readonly repository: SeatRepository;
  /** Sends notifications to the responsible person. Optional: without one, they wait in the outbox. */
  readonly notifier?: Notifier;
  /** The time source. Default `() => new Date()`. */
  readonly clock?: Clock;
  /** Warn when fewer than this share of an area's seats is left. Default 5 (per cent). */
  readonly warningPercent?: number;
  /** The smallest number of seats a purchase request may add. Default 5. */
  readonly minimumPurchase?: number;
  /** Makes ids for new records. Default `crypto.randomUUID()`. */
  readonly newId?: () => string;
}

const optionsSchema = z.object({
  repository: z.custom<SeatRepository>((v) => typeof v === 'object' && v !== null && typeof (v as SeatRepository).transaction === 'function', {
    message: 'must be a SeatRepository (e.g. new InMemorySeatRepository())',
  }),
  notifier: z
    .custom<Notifier>((v) => typeof v === 'object' && v !== null && typeof (v as Notifier).send === 'function', {
      message: 'must have a send(notification) method',
    })
    .optional(),
  clock: z.custom<Clock>((v) => typeof v === 'function', { message: 'must be a function returning a Date' }).optional(),
  warningPercent: z.number().min(0).max(100).optional(),
  minimumPurchase: z.number().int().min(1).optional(),
  newId: z.custom<() => string>((v) => typeof v === 'function', { message: 'must be a function returning a string' }).optional(),
});

/** A seatkeeper instance: every capability, wired to the ports it was created with. */
export interface Seatkeeper extends AreasApi, UsersApi, SystemUsersApi, SummaryApi, BulkCreateApi {}

/**
 * Creates a seatkeeper instance on a repository (and optionally a notifier and
 * a clock). Instances are cheap; several may share one repository, and with a
 * shared database (`PostgresSeatRepository`) several processes stay correct.
 *
 * @param options - the ports and settings
 * @returns the instance
 * @throws InvalidInputError when an option is malformed
 * @example
 * ```ts
 * import { createSeatkeeper, InMemorySeatRepository } from 'seatkeeper';
 *
 * const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
 * await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 100 });
 * const r = await seats.createUser({ username: 'alice', areaId: 'primary' });
 * ```
 */
export function createSeatkeeper(options: SeatkeeperOptions): Seatkeeper {
  const data = parseInput(optionsSchema, options, 'createSeatkeeper options');
  const context: ServiceContext = {
    repository: data.repository,
    notifier: data.notifier,
    clock: data.clock ?? systemClock,
    newId: data.newId ?? (() => globalThis.crypto.randomUUID()),
    options: {
      warningPercent: data.warningPercent ?? DEFAULT_WARNING_PERCENT,
      minimumPurchase: data.minimumPurchase ?? 5,
    },
    watch: quietSeatWatch,
  };
  return {
    ...areasApi(context),
    ...usersApi(context),
    ...systemUsersApi(context),
    ...summaryApi(context),
    ...bulkCreateApi(context),
  };
}
