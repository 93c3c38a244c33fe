import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeDormantUserScenarios } from './dormant-users-scenarios.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('dormant users on a real PostgreSQL server', () => {
  const database = useTestDatabase('dormant');
  let counter = 0;
  describeDormantUserScenarios('PostgresSeatRepository', async () => {
    const schema = `dormant_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
