import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './postgres-database.js';

export { createTestDatabase, DATABASE_URL, postgresUnavailable, type TestDatabase } from './postgres-database.js';

/**
 * Creates a test database before the suite's tests and drops it after them.
 * Call inside a `describe`; the returned function gives the database.
 */
export function useTestDatabase(label: string, create = ''): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label, create);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (database === undefined) throw new Error('The test database is created in beforeAll; use it inside tests.');
    return database;
  };
}
