/**
 * vitest's `describe` and `it`, imported in this one module so that the
 * CommonJS build of `seatkeeper/testing/vitest` can swap it for
 * `vitest-globals.ts` (see tsup.config.ts): vitest refuses to be `require`d.
 */
export { describe, it } from 'vitest';
