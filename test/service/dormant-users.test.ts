import { InMemorySeatRepository } from '../../src/index.js';
import { describeDormantUserScenarios } from './dormant-users-scenarios.js';

describeDormantUserScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => undefined }));
