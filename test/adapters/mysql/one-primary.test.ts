import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../../src/adapters/mysql/index.js';
import { describeOnePrimaryArea } from '../../service/one-primary-scenarios.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../../support/mysql.js';

const unavailable = await mysqlUnavailable();

/** Every instance has its own pool and repository, as separate app servers would: only the database is shared. */
describe.skipIf(unavailable !== null)('one primary area on a real MySQL server', () => {
  const database = useTestDatabase('one_primary');
  let counter = 0;
  describeOnePrimaryArea('MySqlSeatRepository', async () => {
    const prefix = `primary${++counter}_`;
    await new MySqlSeatRepository(database().pool, { tablePrefix: prefix }).migrate();
    return {
      instance: () => new MySqlSeatRepository(database().newPool({ connectionLimit: 2 }), { tablePrefix: prefix }),
      dispose: () => dropTables(database().pool, prefix),
    };
  });
});
