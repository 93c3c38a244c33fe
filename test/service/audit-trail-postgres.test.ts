import { describe } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeAuditTrailScenarios } from './audit-trail-scenarios.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('the audit trail on a real PostgreSQL server', () => {
  const database = useTestDatabase('audit');
  let counter = 0;
  describeAuditTrailScenarios('PostgresSeatRepository', async () => {
    const schema = `audit_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});
