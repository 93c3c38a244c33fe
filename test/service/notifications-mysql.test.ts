import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describeNotificationScenarios } from './notification-scenarios.js';

/**
 * The notification scenarios on MySQL / MariaDB, through the repository port
 * only: the outbox, the episode state in settings and the locks live in the
 * database. One fresh database for the file (dropped afterwards), one table
 * prefix and one pool per scenario.
 */
const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('notifications on MySQL', () => {
  const database = useTestDatabase('notify');
  let counter = 0;
  describeNotificationScenarios('MySQL', async () => {
    const pool = database().newPool({ connectionLimit: 4 });
    const repository = new MySqlSeatRepository(pool, { tablePrefix: `scenario${++counter}_` });
    await repository.migrate();
    return { repository, dispose: () => pool.end() };
  });
});
