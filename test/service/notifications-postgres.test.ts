import pg from 'pg';
import { describe, it } from 'vitest';
import * as postgresEntry from '../../src/adapters/postgres/index.js';
import type { SeatRepository } from '../../src/index.js';
import { describeNotificationScenarios } from './notification-scenarios.js';

/**
 * The notification scenarios on PostgreSQL, through the repository port only:
 * the outbox, the episode state in settings and the locks live in the database.
 * Each test gets its own schema. Runs when `seatkeeper/postgres` exports
 * `PostgresSeatRepository` (it is built on another branch) and the server at
 * SEATKEEPER_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) answers.
 */
type PostgresRepositoryClass = new (pool: pg.Pool, options?: { readonly schema?: string }) => SeatRepository & { migrate(): Promise<unknown> };

const PostgresSeatRepository = (postgresEntry as Record<string, unknown>)['PostgresSeatRepository'] as PostgresRepositoryClass | undefined;
const connectionString = process.env['SEATKEEPER_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

if (PostgresSeatRepository === undefined) {
  describe.skip('notifications on PostgreSQL (seatkeeper/postgres is not built on this branch)', () => {
    it('runs once PostgresSeatRepository is exported', () => {});
  });
} else {
  const Repository = PostgresSeatRepository;
  let counter = 0;
  describeNotificationScenarios('PostgreSQL', async () => {
    const schema = `sk_notify_${process.pid}_${Date.now()}_${++counter}`;
    const pool = new pg.Pool({ connectionString, max: 4 });
    pool.on('error', () => {});
    const repository = new Repository(pool, { schema });
    await repository.migrate();
    return {
      repository,
      dispose: async () => {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await pool.end();
      },
    };
  });
}
