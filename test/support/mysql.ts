import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './mysql-database.js';

export { createTestDatabase, dropTables, MYSQL_URL, mysqlUnavailable, type TestDatabase } from './mysql-database.js';

/**
 * Creates a test database before the suite's tests and drops it after them.
 * Call inside a `describe`; the returned function gives the database.
 */
export function useTestDatabase(label: string): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (database === undefined) throw new Error('The test database is created in beforeAll; use it inside tests.');
    return database;
  };
}
