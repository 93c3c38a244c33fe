import { InMemorySeatRepository } from '../../src/index.js';
import { describeAreaChangeRace } from './area-change-race-scenarios.js';

/** The instances share one in-memory repository, as the seatkeeper instances of one process would. */
describeAreaChangeRace('InMemorySeatRepository', async () => {
  const repository = new InMemorySeatRepository();
  return { instance: () => repository, dispose: async () => undefined };
});
