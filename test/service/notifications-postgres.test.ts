import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeNotificationScenarios } from './notification-scenarios.js';

/**
 * The notification scenarios on PostgreSQL, through the repository port only:
 * the outbox, the episode state in settings and the locks live in the database.
 * One fresh database for the file (dropped afterwards), one schema per scenario.
 */
const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('notifications on PostgreSQL', () => {
  const database = useTestDatabase('notify');
  let counter = 0;
  describeNotificationScenarios('PostgreSQL', async () => {
    const pool = database().newPool({ max: 4 });
    const repository = new PostgresSeatRepository(pool, { schema: `scenario_${++counter}` });
    await repository.migrate();
    return { repository, dispose: () => pool.end() };
  });
});
