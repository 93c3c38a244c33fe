import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeCsvRoundTripScenarios } from './round-trip-scenarios.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('People CSV round trip on a real PostgreSQL server', () => {
  const database = useTestDatabase('csv_round_trip');
  let counter = 0;
  describeCsvRoundTripScenarios('PostgresSeatRepository', async () => {
    const schema = `csv_round_trip_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
