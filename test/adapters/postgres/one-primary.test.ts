import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { describeOnePrimaryArea } from '../../service/one-primary-scenarios.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** Every instance has its own pool and repository, as separate app servers would: only the database is shared. */
describe.skipIf(unavailable !== null)('one primary area on a real PostgreSQL server', () => {
  const database = useTestDatabase('one_primary');
  let counter = 0;
  describeOnePrimaryArea('PostgresSeatRepository', async () => {
    const schema = `primary_${++counter}`;
    await new PostgresSeatRepository(database().pool, { schema }).migrate();
    return {
      instance: () => new PostgresSeatRepository(database().newPool({ max: 2 }), { schema }),
      dispose: async () => {
        await database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  });
});
