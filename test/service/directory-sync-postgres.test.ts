import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeDirectorySyncScenarios } from './directory-sync-scenarios.js';

/**
 * The directory sync scenarios on PostgreSQL, through the repository port only:
 * the area locks, the batched look-ups and writes, and the unique keys that catch
 * a race with an unlocked area all live in the database. Each test gets its own schema.
 */
const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('directory sync on a real PostgreSQL server', () => {
  const database = useTestDatabase('directory_sync');
  let counter = 0;
  describeDirectorySyncScenarios('PostgresSeatRepository', async () => {
    const schema = `sync_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
