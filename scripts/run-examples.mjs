// Runs every example in examples/ with tsx; fails if any exits non-zero. CI runs this.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const examples = readdirSync(new URL('../examples/', import.meta.url)).filter((f) => f.endsWith('.ts')).sort();
let failed = 0;
for (const file of examples) {
  console.log(`\n== examples/${file}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`], { stdio: 'inherit', timeout: 120_000 });
  if (run.status !== 0) {
    failed++;
    console.error(`examples/${file} failed (exit ${run.status ?? run.signal})`);
  }
}
console.log(`\n${examples.length - failed} of ${examples.length} examples ran`);
process.exit(failed > 0 ? 1 : 0);
