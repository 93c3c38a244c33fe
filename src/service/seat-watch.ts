import type { SeatWatch } from './context.js';

/**
 * The watch used until notifications are configured: it observes nothing and
 * delivers nothing.
 */
export const quietSeatWatch: SeatWatch = {
  async observe() {},
  async afterCommit() {},
};
