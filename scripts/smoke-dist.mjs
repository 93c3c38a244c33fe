// Imports every built entry point as ESM and as CJS, as a user's Node would.
// Catches what tsc and vitest cannot: a CommonJS dependency imported the wrong way in ESM output.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entries = ['seatkeeper', 'seatkeeper/csv', 'seatkeeper/postgres', 'seatkeeper/testing'];
const expected = {
  seatkeeper: ['createSeatkeeper', 'InMemorySeatRepository', 'SeatkeeperError'],
  'seatkeeper/csv': ['exportPeopleCsv', 'importPeopleCsv', 'toReadableStream', 'pipeToWritable'],
  'seatkeeper/postgres': ['PostgresSeatRepository', 'CURRENT_SCHEMA_VERSION'],
  'seatkeeper/testing': ['describeSeatRepository', 'runSeatRepositoryChecks', 'seatRepositoryChecks'],
};

let failed = false;
for (const entry of entries) {
  for (const [kind, load] of [
    ['esm', () => import(entry)],
    ['cjs', async () => require(entry)],
  ]) {
    try {
      const mod = await load();
      const missing = expected[entry].filter((name) => !(name in mod));
      if (missing.length > 0) throw new Error(`missing exports: ${missing.join(', ')}`);
      console.log(`ok ${kind} ${entry} (${Object.keys(mod).length} exports)`);
    } catch (error) {
      failed = true;
      console.error(`FAIL ${kind} ${entry}: ${error.message}`);
    }
  }
}
process.exit(failed ? 1 : 0);
