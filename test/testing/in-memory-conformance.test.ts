import { InMemorySeatRepository } from '../../src/index.js';
import { describeSeatRepository } from '../../src/testing/vitest.js';

describeSeatRepository('InMemorySeatRepository', () => new InMemorySeatRepository());
