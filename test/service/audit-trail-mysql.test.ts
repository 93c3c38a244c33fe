import { describe } from 'vitest';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { describeAuditTrailScenarios } from './audit-trail-scenarios.js';

const unavailable = await mysqlUnavailable();

describe.skipIf(unavailable !== null)('the audit trail on a real MySQL server', () => {
  const database = useTestDatabase('audit');
  let counter = 0;
  describeAuditTrailScenarios('MySqlSeatRepository', async () => {
    const prefix = `audit${++counter}_`;
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    return { repository, dispose: () => dropTables(database().pool, prefix) };
  });
});
