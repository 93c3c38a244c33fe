/**
 * seatkeeper: race-free user-license (seat) accounting for intranet and
 * extranet products. Start with {@link createSeatkeeper}.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './core/schemas.js';
export * from './core/status.js';
export * from './core/usage.js';
export * from './core/seat-policy.js';
export * from './core/results.js';
export * from './core/system-users.js';
export * from './core/organization-policy.js';
export * from './core/visibility.js';
export * from './core/diagnostics.js';
export * from './core/explain.js';
export * from './core/warning-thresholds.js';
export * from './core/duration.js';
export * from './core/forecast.js';
export * from './core/license-request.js';
export * from './core/peak-usage.js';
export * from './core/bulk-schemas.js';
export * from './core/bulk-plan.js';
export * from './core/seat-shortage.js';
export * from './ports/clock.js';
export * from './ports/notifier.js';
export * from './ports/repository.js';
export { InMemorySeatRepository } from './adapters/memory/in-memory-seat-repository.js';
export { createSeatkeeper, type Seatkeeper, type SeatkeeperOptions } from './service/seatkeeper.js';
export type { AreasApi } from './service/areas.js';
export type { UsersApi } from './service/users.js';
export type { SeatCheckApi } from './service/seat-check.js';
export type { SystemUsersApi, LegacyGuestMigration } from './service/system-users.js';
export type { SummaryApi } from './service/summary.js';
export type { OrganizationsApi } from './service/organizations.js';
export type { LicenseViewApi } from './service/license-view.js';
export type { DiagnosticsApi } from './service/diagnostics.js';
export type { ExplainUserApi } from './service/explain-user.js';
export { notificationFilterSchema, type NotificationsApi, type NotificationFilter } from './service/notifications.js';
export type { DeliveryReport, DeliveryFailure } from './service/context.js';
export type { LicensesApi, LicenseChangeResult } from './service/licenses.js';
export {
  usageSnapshotFilterSchema,
  peakUsageInputSchema,
  areaForecastInputSchema,
  type UsageHistoryApi,
  type UsageSnapshotFilter,
  type PeakUsage,
  type PeakUsageInput,
  type AreaForecastInput,
} from './service/usage-history.js';
export type { BulkCreateApi, BulkCreateReport } from './service/bulk-create.js';
