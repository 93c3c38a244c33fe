import type { Duration } from 'date-fns';
import { z } from 'zod';
import { durationSchema } from '../core/duration.js';
import { DEFAULT_MINIMUM_PURCHASE } from '../core/license-request.js';
import { DEFAULT_WARNING_PERCENT, warningThresholdsSchema, type WarningThresholds } from '../core/warning-thresholds.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Notifier } from '../ports/notifier.js';
import type { SeatRepository } from '../ports/repository.js';
import { areasApi, type AreasApi } from './areas.js';
import { auditApi, type AuditApi } from './audit-log.js';
import { dormantUsersApi, type DormantUsersApi } from './dormant.js';
import { diagnosticsApi, type DiagnosticsApi } from './diagnostics.js';
import { explainUserApi, type ExplainUserApi } from './explain-user.js';
import { licenseViewApi, type LicenseViewApi } from './license-view.js';
import { organizationsApi, type OrganizationsApi } from './organizations.js';
import { retirementApi, type RetirementApi } from './retire.js';
import { seatCheckApi, type SeatCheckApi } from './seat-check.js';
import { DEFAULT_NOTIFICATION_OPTIONS, type ServiceContext } from './context.js';
import { licensesApi, type LicensesApi } from './licenses.js';
import { notificationsApi, type NotificationsApi } from './notifications.js';
import { createSeatWatch } from './notifications/seat-watch.js';
import { usageHistoryApi, type UsageHistoryApi } from './usage-history.js';
import { bulkCreateApi, type BulkCreateApi } from './bulk-create.js';
import { directorySyncApi, type DirectorySyncApi } from './directory-sync.js';
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
  /**
   * Repeat the license-limit notification this often while an episode lasts,
   * e.g. `{ days: 1 }` (a date-fns `Duration`, timed by `clock`). Default: never.
   */
  readonly reminderEvery?: Duration;
  /** How long one `notifier.send` may take before its `signal` aborts and it counts as failed, in milliseconds (real time). A claim's lease is one minute longer. Default 10 000. */
  readonly notificationTimeout?: number;
  /** Retry delays after a failed send, in milliseconds of `clock` time: the first delay doubles per failure up to the maximum. Default 60 000 and 3 600 000. */
  readonly notificationRetry?: {
    /** The delay before the first retry, in milliseconds. Default 60 000 (one minute). */
    readonly firstDelay?: number;
    /** The longest delay between two retries, in milliseconds. Default 3 600 000 (one hour). */
    readonly maxDelay?: number;
  };
  /** Early warnings. */
  readonly warnings?: {
    /** Tell the responsible person when an area crosses from `ok` into `warning`. Default `false`. */
    readonly notify?: boolean;
    /** When an area counts as `warning`: a percentage or a tier table such as `GITLAB_WARNING_TIERS`. Replaces `warningPercent`. */
    readonly thresholds?: WarningThresholds;
  };
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
  reminderEvery: durationSchema.optional(),
  notificationTimeout: z.number().int().min(1).max(600_000).optional(),
  notificationRetry: z
    .strictObject({ firstDelay: z.number().int().min(0).optional(), maxDelay: z.number().int().min(0).optional() })
    .optional(),
  warnings: z.strictObject({ notify: z.boolean().optional(), thresholds: warningThresholdsSchema.optional() }).optional(),
}).refine((o) => o.warningPercent === undefined || o.warnings?.thresholds === undefined, {
  message: 'set warningPercent or warnings.thresholds, not both',
  path: ['warnings', 'thresholds'],
});

/** A seatkeeper instance: every capability, wired to the ports it was created with. */
export interface Seatkeeper
  extends AreasApi,
    UsersApi,
    SeatCheckApi,
    SystemUsersApi,
    SummaryApi,
    OrganizationsApi,
    LicenseViewApi,
    DiagnosticsApi,
    ExplainUserApi,
    NotificationsApi,
    LicensesApi,
    UsageHistoryApi,
    BulkCreateApi,
    DirectorySyncApi,
    AuditApi,
    DormantUsersApi,
    RetirementApi {}

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
  const warningPercent = data.warningPercent ?? DEFAULT_WARNING_PERCENT;
  const base: Omit<ServiceContext, 'watch'> = {
    repository: data.repository,
    notifier: data.notifier,
    clock: data.clock ?? systemClock,
    newId: data.newId ?? (() => globalThis.crypto.randomUUID()),
    options: {
      warningPercent,
      warningThresholds: data.warnings?.thresholds ?? warningPercent,
      minimumPurchase: data.minimumPurchase ?? DEFAULT_MINIMUM_PURCHASE,
      notifications: {
        reminderEvery: data.reminderEvery ?? DEFAULT_NOTIFICATION_OPTIONS.reminderEvery,
        timeoutMs: data.notificationTimeout ?? DEFAULT_NOTIFICATION_OPTIONS.timeoutMs,
        firstRetryDelayMs: data.notificationRetry?.firstDelay ?? DEFAULT_NOTIFICATION_OPTIONS.firstRetryDelayMs,
        maxRetryDelayMs: data.notificationRetry?.maxDelay ?? DEFAULT_NOTIFICATION_OPTIONS.maxRetryDelayMs,
        warnings: data.warnings?.notify ?? DEFAULT_NOTIFICATION_OPTIONS.warnings,
      },
    },
  };
  const context: ServiceContext = { ...base, watch: createSeatWatch(base) };
  return {
    ...areasApi(context),
    ...usersApi(context),
    ...seatCheckApi(context),
    ...systemUsersApi(context),
    ...summaryApi(context),
    ...organizationsApi(context),
    ...licenseViewApi(context),
    ...diagnosticsApi(context),
    ...explainUserApi(context),
    ...notificationsApi(context),
    ...licensesApi(context),
    ...usageHistoryApi(context),
    ...bulkCreateApi(context),
    ...directorySyncApi(context),
    ...auditApi(context),
    ...dormantUsersApi(context),
    ...retirementApi(context),
  };
}
