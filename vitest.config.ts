import { defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other: every suite in parallel, then the few tests
 * that measure the event loop or how time grows with input size, alone, so
 * that the other suites running beside them cannot make them fail.
 */
const measured = 'test/**/*-performance.test.ts';

export default defineConfig({
  // Examples import the package by its name ('seatkeeper', 'seatkeeper/csv'); the tsconfig paths map those to src.
  resolve: { tsconfigPaths: true },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'suites', include: ['test/**/*.test.ts'], exclude: [measured], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'measured', include: [measured], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
