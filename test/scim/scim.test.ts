import { InMemorySeatRepository } from '../../src/index.js';
import { describeScimScenarios } from './scim-scenarios.js';

describeScimScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => {} }));
