import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { describeAreaChangeRace } from '../../service/area-change-race-scenarios.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** Every instance has its own pool, as separate app servers would: the area locks live in the database only. */
describe.skipIf(unavailable !== null)('area change races on a real PostgreSQL server', () => {
  const database = useTestDatabase('area_change');
  let counter = 0;
  describeAreaChangeRace('PostgresSeatRepository', async () => {
    const schema = `race_${++counter}`;
    await new PostgresSeatRepository(database().pool, { schema }).migrate();
    return {
      instance: () => new PostgresSeatRepository(database().newPool({ max: 3 }), { schema }),
      dispose: async () => {
        await database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  });
});
