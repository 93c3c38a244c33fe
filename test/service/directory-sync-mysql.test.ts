import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describeDirectorySyncScenarios } from './directory-sync-scenarios.js';

/**
 * The directory sync scenarios on MySQL / MariaDB, through the repository port
 * only: the area locks, the batched look-ups and writes, and the unique keys
 * that catch a race with an unlocked area all live in the database. Each test
 * gets its own tables (a table prefix of its own) in this file's database.
 */
const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('directory sync on a real MySQL server', () => {
  const database = useTestDatabase('directory_sync');
  let counter = 0;
  describeDirectorySyncScenarios('MySqlSeatRepository', async () => {
    const prefix = `sync${++counter}_`;
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    return { repository, dispose: () => dropTables(database().pool, prefix) };
  });
});
