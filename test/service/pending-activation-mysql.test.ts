import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describePendingActivationScenarios } from './pending-activation-scenarios.js';

const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('pending-activation on a real MySQL server', () => {
  const database = useTestDatabase('pending');
  let counter = 0;
  describePendingActivationScenarios('MySqlSeatRepository', async () => {
    const prefix = `pending${++counter}_`;
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    return { repository, dispose: () => dropTables(database().pool, prefix) };
  });
});
