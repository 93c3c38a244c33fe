import { InMemorySeatRepository } from '../../src/index.js';
import { describeOnePrimaryArea } from './one-primary-scenarios.js';

/** The instances share one in-memory repository, as the seatkeeper instances of one process would. */
describeOnePrimaryArea('InMemorySeatRepository', async () => {
  const repository = new InMemorySeatRepository();
  return { instance: () => repository, dispose: async () => undefined };
});
