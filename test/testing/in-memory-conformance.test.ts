import { InMemorySeatRepository } from '../../src/index.js';
import { describeSeatRepository } from '../../src/testing/index.js';

describeSeatRepository('InMemorySeatRepository', () => new InMemorySeatRepository());
