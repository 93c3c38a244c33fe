import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeatkeeper, type Seatkeeper } from '../../src/index.js';
import { MySqlSeatRepository } from '../../src/adapters/mysql/index.js';
import { mysqlUnavailable, useTestDatabase } from '../support/mysql.js';
import { ensureBuilt, runCli, type CliRun } from './support.js';

/**
 * The built binary against a real MariaDB / MySQL database (a `mysql://`
 * URL): one database for the file, one table prefix (`--table-prefix`) per
 * scenario. Skipped with the reason when no server answers, unless
 * SEATKEEPER_REQUIRE_MYSQL=1 (CI).
 */
const unavailable = await mysqlUnavailable('command line MySQL tests');

describe.skipIf(unavailable !== null)('seatkeeper on MySQL', () => {
  const database = useTestDatabase('cli');
  let folder: string;
  let made = 0;

  beforeAll(async () => {
    await ensureBuilt();
    folder = await mkdtemp(join(tmpdir(), 'seatkeeper-cli-mysql-'));
  }, 300_000);
  afterAll(async () => {
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  function scenario() {
    const tablePrefix = `cli${++made}_`;
    const cli = (args: readonly string[], input?: string): Promise<CliRun> =>
      runCli(['--table-prefix', tablePrefix, ...args], { env: { DATABASE_URL: database().url }, cwd: folder, ...(input === undefined ? {} : { input }) });
    let seats: Seatkeeper | undefined;
    const library = () => (seats ??= createSeatkeeper({ repository: new MySqlSeatRepository(database().pool, { tablePrefix }) }));
    return { cli, library };
  }

  async function ok(run: Promise<CliRun>): Promise<CliRun> {
    const done = await run;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    return done;
  }

  it('says to run seatkeeper migrate before the tables exist; migrate creates them and prints the version', async () => {
    const { cli } = scenario();
    const before = await cli(['status']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('The seatkeeper tables are missing in MySQL at mysql://');
    expect(before.stderr).toContain('seatkeeper migrate');
    const migrate = await ok(cli(['migrate']));
    expect(migrate.stdout).toMatch(/^Schema version \d+ in MySQL at mysql:\/\/\S+ \(applied 1(, \d+)*\)\.\n$/);
    expect(JSON.parse((await ok(cli(['migrate', '--json']))).stdout)).toMatchObject({ applied: [] });
  });

  it('status works against a database the README steps create, and --json prints what summary() returns', async () => {
    const { cli, library } = scenario();
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary Area', '--max-users', '2']));
    await ok(cli(['define-area', 'extranet', '--kind', 'extranet', '--name', 'Extranet', '--max-users', '20']));
    await ok(cli(['define-organization', 'acme', '--area', 'extranet', '--name', 'Acme', '--max-users', '5']));
    await ok(cli(['create-user', 'alice', '--area', 'primary']));
    await ok(cli(['create-user', 'bob', '--area', 'primary']));
    await ok(cli(['create-user', 'carol', '--area', 'extranet', '--organization', 'acme']));
    const refused = await cli(['create-user', 'dave', '--area', 'primary']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('LICENSE_LIMIT_REACHED');

    const status = await ok(cli(['status']));
    expect(status.stdout).toMatch(/^Licenses in MySQL at mysql:\/\//);
    expect(status.stdout).toMatch(/^primary +Primary Area +primary +2 +2 +0 +✖ exhausted$/m);
    expect(status.stdout).toMatch(/^ {2}acme +Acme +1 \(1\) +5 +4 +granted +ok$/m);
    const json = await ok(cli(['status', '--json']));
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(await library().summary())));
  });

  it('imports with the row errors listed and exit code 1, and exports what imports again', async () => {
    const { cli, library } = scenario();
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '10']));
    const file = join(folder, 'people.csv');
    await writeFile(file, 'Username,Email\nerin,erin@example.com\nfrank,frank@\n');
    const bad = await cli(['import', file, '--area', 'primary']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/Errors \(1 error\):\n {2}line 3, Email: .+\n$/);
    expect(await library().findUserByUsername('erin')).toBeNull();
    await writeFile(file, 'Username,Email\nerin,erin@example.com\nfrank,frank@example.com\n');
    await ok(cli(['import', file, '--area', 'primary']));
    const csv = (await ok(cli(['export']))).stdout;

    const target = scenario();
    await ok(target.cli(['migrate']));
    await ok(target.cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '10']));
    expect((await ok(target.cli(['import', '-'], csv))).stdout).toBe('Imported 2 users from 2 rows.\n');
    // The same profiles; Source and Created tell each copy's own history.
    const profiles = (text: string) => text.split('\r\n').map((line) => line.replace(/,[^,]*,[^,]*$/, ''));
    expect(profiles((await ok(target.cli(['export']))).stdout)).toEqual(profiles(csv));
  });

  it('exits with 3 when the MySQL server cannot be reached, and with 2 for a storage option it does not have', async () => {
    const unreachable = await runCli(['status'], { env: { DATABASE_URL: 'mysql://root@127.0.0.1:1/seatkeeper' } });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('ECONNREFUSED');
    const prefix = await runCli(['status', '--table-prefix', 'x_'], { env: { DATABASE_URL: 'postgres://127.0.0.1:1/x' } });
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain('--table-prefix is for MySQL databases only.');
  });
});
