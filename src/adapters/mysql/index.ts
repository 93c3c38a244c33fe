/**
 * `seatkeeper/mysql`: {@link MySqlSeatRepository}, the seat repository on
 * MySQL 8.0+ and MariaDB 10.6+ for hosts running several app servers against
 * one database. `mysql2` is an optional peer dependency; you pass in the
 * `mysql2/promise` pool.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { MySqlSeatRepository } from 'seatkeeper/mysql';
 *
 * const repository = new MySqlSeatRepository(mysql.createPool({ uri: process.env.MYSQL_URL }));
 * await repository.migrate();
 * ```
 *
 * @packageDocumentation
 * @module seatkeeper/mysql
 */
export { MySqlSeatRepository, type MySqlSeatRepositoryOptions } from './mysql-seat-repository.js';
export { CURRENT_SCHEMA_VERSION, type MigrationResult } from './migrations.js';
