import { InMemorySeatRepository } from '../../src/index.js';
import { describeAuditTrailScenarios } from './audit-trail-scenarios.js';

describeAuditTrailScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => undefined }));
