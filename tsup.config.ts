import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * vitest refuses to be require()d, so the CommonJS build of
 * seatkeeper/testing/vitest (the only module that imports vitest, through
 * src/testing/vitest-api.ts) registers with the test runner's global
 * describe/it instead (vitest with globals, jest, mocha): this plugin swaps in
 * src/testing/vitest-globals.ts there. tsup defines TSUP_FORMAT per build.
 * seatkeeper/testing itself never imports vitest, in either format.
 */
const vitestGlobalsInCommonJs: Plugin = {
  name: 'vitest-globals-in-commonjs',
  setup(build) {
    if (build.initialOptions.define?.TSUP_FORMAT !== '"cjs"') return;
    build.onResolve({ filter: /[\\/]vitest-api\.js$/ }, (args) => ({ path: resolve(args.resolveDir, 'vitest-globals.ts') }));
  },
};

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'csv/index': 'src/csv/index.ts',
    'ldap/index': 'src/ldap/index.ts',
    'mysql/index': 'src/adapters/mysql/index.ts',
    'postgres/index': 'src/adapters/postgres/index.ts',
    'testing/index': 'src/testing/index.ts',
    'testing/vitest': 'src/testing/vitest.ts',
    'scim/index': 'src/scim/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  external: ['pg', 'mysql2', 'mysql2/promise', 'ldapts', 'vitest', 'zod', 'date-fns', 'papaparse', 'scim-patch', 'scim2-parse-filter', 'unicode-properties'],
  esbuildPlugins: [vitestGlobalsInCommonJs],
});
