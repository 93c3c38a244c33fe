import { InMemorySeatRepository } from '../../src/index.js';
import { describeFigureScenarios } from './figures-scenarios.js';

describeFigureScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => undefined }));
