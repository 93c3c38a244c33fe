import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeScimScenarios } from './scim-scenarios.js';

/** The SCIM sequences on PostgreSQL: every write goes through the area row locks of a real server. Each test gets its own schema. */
const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('SCIM on a real PostgreSQL server', () => {
  const database = useTestDatabase('scim');
  let counter = 0;
  describeScimScenarios('PostgresSeatRepository', async () => {
    const schema = `scim_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
