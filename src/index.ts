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
export type { SystemUsersApi, LegacyGuestMigration } from './service/system-users.js';
export type { SummaryApi } from './service/summary.js';
export type { BulkCreateApi, BulkCreateReport } from './service/bulk-create.js';
