import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describeHostileInputScenarios } from './hostile-input-scenarios.js';

const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('hostile-input on a real MySQL server', () => {
  const database = useTestDatabase('hostile_input');
  let counter = 0;
  describeHostileInputScenarios('MySqlSeatRepository', async () => {
    const prefix = `hostile${++counter}_`;
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    return { repository, dispose: () => dropTables(database().pool, prefix) };
  });
});
