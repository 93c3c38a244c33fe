import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describePendingActivationScenarios } from './pending-activation-scenarios.js';

/** The pending-activation scenarios on PostgreSQL: the queue is read with the repository's index, under the area row lock. Each test gets its own schema. */
const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('activating pending directory users on a real PostgreSQL server', () => {
  const database = useTestDatabase('pending_activation');
  let counter = 0;
  describePendingActivationScenarios('PostgresSeatRepository', async () => {
    const schema = `pending_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
