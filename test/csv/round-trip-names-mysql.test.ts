import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describeCsvRoundTripScenarios } from './round-trip-scenarios.js';

const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('People CSV round trip on a real MySQL server', () => {
  const database = useTestDatabase('csv_round_trip');
  let counter = 0;
  describeCsvRoundTripScenarios('MySqlSeatRepository', async () => {
    const prefix = `csv${++counter}_`;
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    return { repository, dispose: () => dropTables(database().pool, prefix) };
  });
});
