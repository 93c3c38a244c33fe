import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeFigureScenarios } from './figures-scenarios.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('figures on a real PostgreSQL server', () => {
  const database = useTestDatabase('figures');
  let counter = 0;
  describeFigureScenarios('PostgresSeatRepository', async () => {
    const schema = `figures_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
