import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describeDormantUserScenarios } from './dormant-users-scenarios.js';

const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('dormant users on a real MySQL server', () => {
  const database = useTestDatabase('dormant');
  let counter = 0;
  describeDormantUserScenarios('MySqlSeatRepository', async () => {
    const prefix = `dormant${++counter}_`;
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    return { repository, dispose: () => dropTables(database().pool, prefix) };
  });
});
