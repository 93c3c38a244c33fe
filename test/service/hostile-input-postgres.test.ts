import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeHostileInputScenarios } from './hostile-input-scenarios.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('hostile input on a real PostgreSQL server', () => {
  const database = useTestDatabase('hostile_input');
  let counter = 0;
  describeHostileInputScenarios('PostgresSeatRepository', async () => {
    const schema = `hostile_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
