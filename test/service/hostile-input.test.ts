import { InMemorySeatRepository } from '../../src/index.js';
import { describeHostileInputScenarios } from './hostile-input-scenarios.js';

describeHostileInputScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => undefined }));
