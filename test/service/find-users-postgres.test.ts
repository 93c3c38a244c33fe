import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeFindUsersScenarios } from './find-users-scenarios.js';

/** The finding-people scenarios on PostgreSQL: filters and search served by its indexes. Each test gets its own schema. */
const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('finding people on a real PostgreSQL server', () => {
  const database = useTestDatabase('find_users');
  let counter = 0;
  describeFindUsersScenarios('PostgresSeatRepository', async () => {
    const schema = `find_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
