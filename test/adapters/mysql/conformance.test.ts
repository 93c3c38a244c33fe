import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../../src/adapters/mysql/index.js';
import { describeSeatRepository } from '../../../src/testing/vitest.js';
import { mysqlUnavailable, useTestDatabase } from '../../support/mysql.js';

const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('MySQL / MariaDB', () => {
  const database = useTestDatabase('conformance');
  let made = 0;

  // Every check gets its own freshly migrated tables (a table prefix of its own) in this file's database.
  describeSeatRepository('MySqlSeatRepository', async () => {
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: `check${++made}_` });
    await repository.migrate();
    return repository;
  });
});
