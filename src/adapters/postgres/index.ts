/**
 * `seatkeeper/postgres`: {@link PostgresSeatRepository}, the seat repository
 * on PostgreSQL for hosts running several app servers against one database.
 * `pg` is an optional peer dependency; you pass in the `pg.Pool`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PostgresSeatRepository } from 'seatkeeper/postgres';
 *
 * const repository = new PostgresSeatRepository(new pg.Pool({ connectionString }));
 * await repository.migrate();
 * ```
 *
 * Without a server, {@link pglitePool} runs the same repository on PGlite, an
 * embedded PostgreSQL (`@electric-sql/pglite`, an optional peer dependency).
 *
 * @packageDocumentation
 * @module seatkeeper/postgres
 */
export { PostgresSeatRepository, type PostgresSeatRepositoryOptions } from './postgres-seat-repository.js';
export { CURRENT_SCHEMA_VERSION, type MigrationResult } from './migrations.js';
export { pglitePool, type PgliteDatabase, type PgliteResults } from './pglite.js';
