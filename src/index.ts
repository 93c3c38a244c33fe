/**
 * seatkeeper: race-free user-license (seat) accounting for intranet and
 * extranet products. Start with {@link createSeatkeeper}.
 *
 * The surface is deliberate: the facade and its input and output types, the
 * schemas hosts validate forms with, the errors, the ports a host implements
 * and the in-memory repository. Pure helpers behind the facade stay internal.
 *
 * @packageDocumentation
 * @module seatkeeper
 */

// The facade.
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
export {
  notificationFilterSchema,
  purgeNotificationsInputSchema,
  type NotificationsApi,
  type NotificationFilter,
  type PurgeNotificationsInput,
} from './service/notifications.js';
export type { DeliveryReport, DeliveryFailure } from './service/context.js';
export { setAreaLicensesOptionsSchema, type LicensesApi, type LicenseChangeResult, type SetAreaLicensesOptions } from './service/licenses.js';
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
export type { AuditApi, AuditLogPage } from './service/audit-log.js';
export type { DormantUsersApi, ActivityResult } from './service/dormant.js';
export type { RetirementApi, Retirement, RetirementResult } from './service/retire.js';
export {
  activatePendingOptionsSchema,
  syncDirectoryOptionsSchema,
  type SyncDirectoryOptions,
  type DirectorySyncApi,
  type ActivatePendingOptions,
  type PendingActivationReport,
  type PendingActivationArea,
} from './service/directory-sync.js';

// Errors.
export {
  SeatkeeperError,
  InvalidInputError,
  UnknownAreaError,
  UnknownUserError,
  UnknownOrganizationError,
  ConflictError,
  ConfigurationRefusedError,
  StorageUnavailableError,
  SerializationFailureError,
  StorageError,
  NoPrimaryAreaError,
  StreamFailedError,
  InternalError,
  type SeatkeeperErrorCode,
  type SeatkeeperErrorOptions,
  type InputIssue,
  type InputIssueCode,
  type ConfigurationRule,
} from './errors.js';

// Records, inputs and the schemas that validate them.
export {
  usernameSchema,
  emailSchema,
  areaInputSchema,
  organizationInputSchema,
  createUserInputSchema,
  updateUserInputSchema,
  blockUserOptionsSchema,
  userFilterSchema,
  listUsersOptionsSchema,
  actorSchema,
  writeOptionsSchema,
  type Actor,
  type WriteOptions,
  listUsersPageOptionsSchema,
  type AreaKind,
  type Access,
  type UserKind,
  type SystemRole,
  type UserState,
  type BlockReason,
  type UserSource,
  type AreaInput,
  type Area,
  type OrganizationInput,
  type Organization,
  type CreateUserInput,
  type UpdateUserInput,
  type User,
  type BlockUserOptions,
  type UserFilter,
  type ListUsersOptions,
  type ListUsersPageOptions,
} from './core/schemas.js';
export {
  searchKey,
  userSearchKey,
  searchGrams,
  searchKeyGrams,
  searchLikePattern,
  SEARCH_FIELD_SEPARATOR,
  SEARCH_GRAM_LENGTH,
} from './core/search.js';
export { SYSTEM_USERNAMES } from './core/system-users.js';
export {
  SYSTEM_ACTORS,
  type SystemActors,
  auditLogOptionsSchema,
  purgeAuditLogOptionsSchema,
  type AuditActor,
  type AuditAction,
  type AuditEvent,
  type AuditFields,
  type AuditValue,
  type AuditSubject,
  type AuditSubjectType,
  type AuditLogOptions,
  type PurgeAuditLogOptions,
  type TimeCursor,
} from './core/audit.js';
export {
  dormantUsersOptionsSchema,
  type DormantUsersOptions,
  type DormantUser,
  type DormantUsersArea,
  type DormantUsersPlan,
  type DormantUsersReport,
  type DormantUsersAreaReport,
  type DormantUserSkip,
  type DormantSkipCode,
} from './core/dormant.js';
export type { MassBlockRefusal } from './core/mass-block.js';
export { bulkUserInputSchema, bulkCreateOptionsSchema, type BulkUserInput, type BulkMode, type BulkCreateOptions } from './core/bulk-schemas.js';
export {
  moveUserTargetSchema,
  retireOrganizationOptionsSchema,
  retireAreaOptionsSchema,
  type MoveUserTarget,
  type RetireOrganizationOptions,
  type RetireAreaOptions,
} from './core/lifecycle-schemas.js';
export {
  DEFAULT_MINIMUM_PURCHASE,
  licenseRequestInputSchema,
  type LicenseRequestInput,
  type LicenseRequest,
  type AddLicenseRequest,
  type MoveLicenseRequest,
} from './core/license-request.js';

// Figures and outcomes.
export { seatStatus, type SeatStatus } from './core/status.js';
export type { AreaSeatCounts, OrganizationSeatCounts, AreaUsage, OrganizationUsage, PoolTotals, SiteTotals, SiteSummary } from './core/usage.js';
export type { SeatRefusal, SeatRefusalCode, SeatDecision, SeatGranted, Refused } from './core/seat-policy.js';
export type { UserResult, UserDone } from './core/results.js';
export {
  DEFAULT_WARNING_PERCENT,
  GITLAB_WARNING_TIERS,
  warningThresholdsSchema,
  type WarningTier,
  type WarningTiers,
  type WarningThresholds,
} from './core/warning-thresholds.js';
export {
  viewerSchema,
  licensePageSchema,
  type Viewer,
  type ViewerRole,
  type LicensePage,
  type LicenseView,
  type HostLicenseView,
  type PartnerLicenseView,
  type CompanyAdminRow,
} from './core/visibility.js';
export type { Finding, FindingCode, FindingSeverity } from './core/diagnostics.js';
export type { UserExplanation, UserExplanationCode, UserExplanationFacts, ExplainedArea, ExplainedOrganization } from './core/explain.js';
export type { ExhaustionForecast, UsageTrend } from './core/forecast.js';
export type { SeatShortage, PartnerQuotaShortage } from './core/seat-shortage.js';
export type { RetirementRefused } from './core/retirement.js';
export {
  directoryEntrySchema,
  directorySyncOptionsSchema,
  DEFAULT_MAX_BLOCK_SHARE,
  type DirectoryEntryInput,
  type DirectoryEntry,
  type DirectoryFeed,
  type DirectorySyncOptions,
  type ResolvedDirectorySyncOptions,
  type InvalidDirectoryEntry,
} from './core/directory-entry.js';
export type {
  DirectorySyncAction,
  DirectorySyncField,
  DirectorySyncLine,
  DirectoryPlanLine,
  DirectorySyncResultLine,
  DirectorySyncSkip,
  DirectorySyncCounts,
  DirectorySyncAreaTotals,
  DirectorySyncTotals,
  MassBlockArea,
  DirectorySyncRefusal,
  DirectorySyncPlan,
  DirectorySyncReport,
  DirectorySyncSample,
} from './core/directory-report.js';

// Ports, and the in-memory repository.
export { systemClock, type Clock } from './ports/clock.js';
export type { LicenseNotification, LicenseNotificationType, Notifier, NotifierSendOptions } from './ports/notifier.js';
export {
  MAX_KEYS_PER_LOOKUP,
  type JsonValue,
  type PageRequest,
  type UserPage,
  type TransactionScope,
  type OutboxEntry,
  type LicenseChangeRecord,
  type UsageSnapshot,
  type TimeRange,
  type AuditEventFilter,
  type TimePageRequest,
  type AuditEventPage,
  type InactiveUserFilter,
  type InactiveUserPage,
  type SeatReader,
  type SeatTransaction,
  type SeatRepository,
} from './ports/repository.js';
export { InMemorySeatRepository } from './adapters/memory/in-memory-seat-repository.js';
