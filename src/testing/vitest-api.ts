/**
 * vitest's `describe` and `it`, imported in one place so that the CommonJS
 * build can swap this module for `vitest-globals.ts` (see tsup.config.ts):
 * vitest refuses to be `require`d.
 */
export { describe, it } from 'vitest';
