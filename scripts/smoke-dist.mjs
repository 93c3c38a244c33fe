// Imports every built entry point as ESM and as CJS, as a user's Node would.
// Catches what tsc and vitest cannot: a CommonJS dependency imported the wrong way in ESM output.
// Also proves that seatkeeper/testing never loads vitest (an optional peer of seatkeeper/testing/vitest only).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const expected = {
  seatkeeper: ['createSeatkeeper', 'InMemorySeatRepository', 'SeatkeeperError'],
  'seatkeeper/csv': ['exportPeopleCsv', 'importPeopleCsv', 'toReadableStream', 'pipeToWritable'],
  'seatkeeper/ldap': ['readLdapDirectory', 'readLdapDirectoryPages', 'LDAP_PRESETS', 'LdapBindError', 'LdapUnavailableError', 'LdapSizeLimitError', 'LdapSearchError'],
  'seatkeeper/postgres': ['PostgresSeatRepository', 'CURRENT_SCHEMA_VERSION', 'pglitePool'],
  'seatkeeper/mysql': ['MySqlSeatRepository', 'CURRENT_SCHEMA_VERSION'],
  'seatkeeper/testing': ['runSeatRepositoryChecks', 'runSeatRepositoryCheck', 'seatRepositoryChecks'],
  'seatkeeper/testing/vitest': ['describeSeatRepository'],
  'seatkeeper/scim': ['createScimHandler', 'scimHandlerOptionsSchema'],
};

let failed = false;
for (const [entry, names] of Object.entries(expected)) {
  for (const [kind, load] of [
    ['esm', () => import(entry)],
    ['cjs', async () => require(entry)],
  ]) {
    try {
      const mod = await load();
      const missing = names.filter((name) => !(name in mod));
      if (missing.length > 0) throw new Error(`missing exports: ${missing.join(', ')}`);
      console.log(`ok ${kind} ${entry} (${Object.keys(mod).length} exports)`);
    } catch (error) {
      failed = true;
      console.error(`FAIL ${kind} ${entry}: ${error.message}`);
    }
  }
}

/** Every bare module a built file loads, following its relative imports and requires through the shared chunks. */
function bareImports(file, seen = new Set()) {
  const found = new Set();
  if (seen.has(file)) return found;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)) {
    if (specifier.startsWith('.')) for (const name of bareImports(resolve(dirname(file), specifier), seen)) found.add(name);
    else found.add(specifier);
  }
  return found;
}

for (const file of [require.resolve('seatkeeper/testing'), require.resolve('seatkeeper/testing').replace(/\.cjs$/, '.js')]) {
  const loaded = [...bareImports(file)];
  if (loaded.includes('vitest')) {
    failed = true;
    console.error(`FAIL ${file} loads vitest: seatkeeper/testing must run without it`);
  } else {
    console.log(`ok ${file.slice(file.indexOf('dist'))} loads no vitest (${loaded.sort().join(', ')})`);
  }
}
// A host catches seatkeeper/ldap's errors as the SeatkeeperError it imports from seatkeeper, in either format.
for (const [kind, load] of [
  ['esm', async (entry) => import(entry)],
  ['cjs', async (entry) => require(entry)],
]) {
  const [{ SeatkeeperError }, { LdapBindError }] = await Promise.all([load('seatkeeper'), load('seatkeeper/ldap')]);
  if (new LdapBindError('probe') instanceof SeatkeeperError) console.log(`ok ${kind} seatkeeper/ldap errors are SeatkeeperErrors`);
  else {
    failed = true;
    console.error(`FAIL ${kind} seatkeeper/ldap errors are not instances of seatkeeper's SeatkeeperError`);
  }
}
// seatkeeper/mysql refuses a malformed pool with seatkeeper's InvalidInputError, in either format (mysql2 stays unloaded until a pool is passed).
for (const [kind, load] of [
  ['esm', async (entry) => import(entry)],
  ['cjs', async (entry) => require(entry)],
]) {
  const [{ SeatkeeperError }, { MySqlSeatRepository }] = await Promise.all([load('seatkeeper'), load('seatkeeper/mysql')]);
  try {
    new MySqlSeatRepository({});
    failed = true;
    console.error(`FAIL ${kind} seatkeeper/mysql accepted a malformed pool`);
  } catch (error) {
    if (error instanceof SeatkeeperError && error.code === 'INVALID_INPUT') console.log(`ok ${kind} seatkeeper/mysql errors are SeatkeeperErrors`);
    else {
      failed = true;
      console.error(`FAIL ${kind} seatkeeper/mysql threw ${error} instead of seatkeeper's InvalidInputError`);
    }
  }
}
// The bin: it starts, and loads no database driver, LDAP client or progress bar until a command needs one
// (only commander and the package's own entry points, statically), so each stays an optional install.
{
  const cli = resolve(dirname(require.resolve('seatkeeper/package.json')), 'dist/cli.js');
  const code = readFileSync(cli, 'utf8');
  const staticImports = [...code.matchAll(/^import\s[^'"]*?from\s*["']([^"']+)["']/gm)].map(([, specifier]) => specifier);
  const allowed = (specifier) => specifier === 'commander' || /^seatkeeper(\/|$)/.test(specifier) || /^(node:)?[a-z_]+(\/[a-z_]+)?$/.test(specifier) && !['pg', 'ldapts', 'mysql2'].includes(specifier);
  const unexpected = staticImports.filter((specifier) => !allowed(specifier));
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  if (!code.startsWith('#!/usr/bin/env node\n')) {
    failed = true;
    console.error('FAIL dist/cli.js does not start with #!/usr/bin/env node');
  } else if (unexpected.length > 0) {
    failed = true;
    console.error(`FAIL dist/cli.js imports ${unexpected.join(', ')} at start-up`);
  } else if (help.status !== 0 || !help.stdout.includes('Usage: seatkeeper')) {
    failed = true;
    console.error(`FAIL node dist/cli.js --help exited with ${help.status}: ${help.stderr}`);
  } else {
    console.log(`ok dist/cli.js --help (static imports: ${[...new Set(staticImports)].sort().join(', ')})`);
  }
}
process.exit(failed ? 1 : 0);
