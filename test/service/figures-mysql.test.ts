import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describeFigureScenarios } from './figures-scenarios.js';

const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('figures on a real MySQL server', () => {
  const database = useTestDatabase('figures');
  let counter = 0;
  describeFigureScenarios('MySqlSeatRepository', async () => {
    const prefix = `figures${++counter}_`;
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    return { repository, dispose: () => dropTables(database().pool, prefix) };
  });
});
