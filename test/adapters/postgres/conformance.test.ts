import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { describeSeatRepository } from '../../../src/testing/vitest.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('PostgreSQL', () => {
  const database = useTestDatabase('conformance');
  const schemas = new WeakMap<PostgresSeatRepository, string>();
  let made = 0;

  // Every check gets its own freshly migrated schema in this file's database.
  describeSeatRepository(
    'PostgresSeatRepository',
    async () => {
      const schema = `check_${++made}`;
      const repository = new PostgresSeatRepository(database().pool, { schema });
      await repository.migrate();
      schemas.set(repository, schema);
      return repository;
    },
    {
      cleanup: async (repository) => {
        await database().pool.query(`DROP SCHEMA IF EXISTS ${schemas.get(repository)} CASCADE`);
      },
    },
  );
});
