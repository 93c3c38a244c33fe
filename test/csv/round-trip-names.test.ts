import { InMemorySeatRepository } from '../../src/index.js';
import { describeCsvRoundTripScenarios } from './round-trip-scenarios.js';

describeCsvRoundTripScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => undefined }));
