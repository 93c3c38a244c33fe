import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

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

/** The library's entry points, in both formats with types. */
const library = {
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
  // The command line's files are written by the other build, at the same time: left alone here.
  clean: ['!cli.js', '!cli.js.map'],
  target: 'node20',
  splitting: true,
  treeshake: true,
  external: ['pg', 'mysql2', 'mysql2/promise', 'ldapts', 'vitest', 'zod', 'date-fns', 'papaparse', 'scim-patch', 'scim2-parse-filter', 'unicode-properties'],
  esbuildPlugins: [vitestGlobalsInCommonJs],
} satisfies Options;

/**
 * The `seatkeeper` command (the package's `bin`): one ESM file with a shebang.
 * It uses the library through the package's own exports (`seatkeeper`,
 * `seatkeeper/csv`...), which Node resolves to the files built above, so the
 * library is not bundled twice and its error classes are the ones the entry
 * points throw. Its drivers and commander stay external too.
 */
const commandLine = {
  entry: { cli: 'src/cli/main.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: false,
  target: 'node20',
  splitting: false,
  treeshake: true,
  banner: { js: '#!/usr/bin/env node' },
  external: [/^seatkeeper(\/.*)?$/, 'commander', 'cli-progress', 'pg', '@electric-sql/pglite', 'ldapts', 'mysql2'],
} satisfies Options;

export default defineConfig([library, commandLine]);
