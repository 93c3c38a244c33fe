import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeatkeeper, type Seatkeeper } from '../../src/index.js';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { ensureBuilt, runCli, type CliRun } from './support.js';

/**
 * The built binary against a real PostgreSQL database: one database for the
 * file, one schema (`--schema`) per scenario, so scenarios start empty.
 */
const unavailable = await postgresUnavailable('command line PostgreSQL tests');

const ESC = '\u001b[';

describe.skipIf(unavailable !== null)('seatkeeper on PostgreSQL', () => {
  const database = useTestDatabase('cli');
  let folder: string;
  let made = 0;

  beforeAll(async () => {
    await ensureBuilt();
    folder = await mkdtemp(join(tmpdir(), 'seatkeeper-cli-'));
  }, 300_000);
  afterAll(async () => {
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  /** A fresh schema, and the command line and the library on it. */
  function scenario() {
    const schema = `cli_${++made}`;
    const env = { DATABASE_URL: database().url };
    const cli = (args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliRun> =>
      runCli(['--schema', schema, ...args], { env: { ...env, ...options.env }, cwd: folder, ...(options.input === undefined ? {} : { input: options.input }) });
    let seats: Seatkeeper | undefined;
    const library = () => (seats ??= createSeatkeeper({ repository: new PostgresSeatRepository(database().pool, { schema }) }));
    return { schema, cli, library };
  }

  /** Runs a command that must succeed, and gives its output. */
  async function ok(run: Promise<CliRun>): Promise<CliRun> {
    const done = await run;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    return done;
  }

  /** The README's steps: the tables, a primary area and an extranet with a partner, users. */
  async function readmeSite(cli: ReturnType<typeof scenario>['cli']): Promise<void> {
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary Area', '--max-users', '10']));
    await ok(cli(['define-area', 'extranet', '--kind', 'extranet', '--name', 'Extranet', '--max-users', '20']));
    await ok(cli(['define-organization', 'acme', '--area', 'extranet', '--name', 'Acme', '--max-users', '5']));
    await ok(cli(['create-user', 'alice', '--area', 'primary', '--email', 'alice@example.com']));
    await ok(cli(['create-user', 'bob', '--area', 'extranet', '--organization', 'acme']));
  }

  it('says to run seatkeeper migrate, with exit code 1, before the tables exist', async () => {
    const { cli } = scenario();
    const run = await cli(['status']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The seatkeeper tables are missing in PostgreSQL at postgres://');
    expect(run.stderr).toContain('seatkeeper migrate');
  });

  it('migrate creates the tables and prints the version; a second run has nothing to do', async () => {
    const { cli, schema } = scenario();
    const first = await ok(cli(['migrate']));
    expect(first.stdout).toMatch(/^Schema version (\d+) in PostgreSQL at postgres:\/\/\S+ \(applied 1(, \d+)+\)\.\n$/);
    const again = await ok(cli(['migrate', '--json']));
    expect(JSON.parse(again.stdout)).toEqual({ version: expect.any(Number), applied: [] });
    const { rows } = await database().pool.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [schema]);
    expect(rows[0].n).toBeGreaterThan(3);
  });

  it('status works against a database the README steps create: the license table, the host seats and the partners', async () => {
    const { cli } = scenario();
    await readmeSite(cli);
    const run = await ok(cli(['status']));
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Licenses in PostgreSQL at postgres:\/\//);
    expect(lines).toContain('AREA      NAME          KIND      SEATS  USING  REMAINING  STATUS');
    expect(lines).toContain('primary   Primary Area  primary      10      1          9  ok');
    expect(lines).toContain('extranet  Extranet      extranet     20      1         19  ok');
    expect(lines).toContain('extranet: 5 of 20 seats allocated to partners');
    expect(lines).toContain('  Host company: 15 remaining of the 15 seats not allocated  ok');
    expect(lines).toContain('  PARTNER  NAME  USERS (USING)  QUOTA  REMAINING  ACCESS   STATUS');
    expect(lines).toContain('  acme     Acme          1 (1)      5          4  granted  ok');
    expect(run.stdout).toContain('Site: intranet 1 of 10 seats used, extranet 1 of 20 seats used; 2 active users');
    // Not a terminal: no colour codes.
    expect(run.stdout).not.toContain(ESC);
  });

  it('status --json prints exactly what summary() returns', async () => {
    const { cli, library } = scenario();
    await readmeSite(cli);
    const run = await ok(cli(['status', '--json']));
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(await library().summary())));
  });

  it('marks an area with fewer than 5 % left with an orange !, one with none left or over its limit with a red stop, and a partner the same way', async () => {
    const { cli, library } = scenario();
    await ok(cli(['migrate']));
    const seats = library();
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary', maxUsers: 100 });
    await seats.defineArea({ id: 'full', kind: 'extranet', name: 'Full', maxUsers: 3 });
    await seats.defineArea({ id: 'over', kind: 'extranet', name: 'Over', maxUsers: 4 });
    await seats.defineOrganization({ id: 'acme', areaId: 'full', name: 'Acme', access: 'granted', maxUsers: 2 });
    const users = (areaId: string, n: number, organizationId: string | null = null) =>
      Array.from({ length: n }, (_, i) => ({ username: `${areaId}-${organizationId ?? 'host'}-${i}`, areaId, organizationId }));
    await seats.createUsers([...users('primary', 96), ...users('full', 1), ...users('full', 2, 'acme'), ...users('over', 4)]);
    await seats.setAreaLicenses('over', 2, { reason: 'contract shrank', allowBelowUse: true });

    const plain = await ok(cli(['status']));
    expect(plain.stdout).toMatch(/^primary +Primary +primary +100 +96 +4 +! warning$/m);
    expect(plain.stdout).toMatch(/^full +Full +extranet +3 +3 +0 +✖ exhausted$/m);
    expect(plain.stdout).toMatch(/^over +Over +extranet +2 +4 +0 +✖ exceeded \(2 over\)$/m);
    expect(plain.stdout).toMatch(/^ {2}acme +Acme +2 \(2\) +2 +0 +granted +✖ exhausted$/m);

    const coloured = await ok(cli(['status'], { env: { FORCE_COLOR: '1' } }));
    expect(coloured.stdout).toContain(`${ESC}38;5;208m! warning${ESC}39m`);
    expect(coloured.stdout).toContain(`${ESC}31m✖ exhausted`);
    expect(coloured.stdout).toContain(`${ESC}31m✖ exceeded (2 over)${ESC}39m`);
  });

  it('define-area run again keeps the seats; set-licenses changes them and keeps the reason in the history', async () => {
    const { cli, library } = scenario();
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '10']));
    const again = await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Intranet', '--max-users', '50']));
    expect(again.stdout).toBe(
      'Area primary (primary, "Intranet"): 10 seats.\nIt already existed and keeps its seats; to change them: seatkeeper set-licenses primary 50 --reason "..."\n',
    );
    const set = await ok(cli(['set-licenses', 'primary', '50', '--reason', 'contract 2026-114']));
    expect(set.stdout).toBe('Area primary now has 50 seats.\n');
    expect((await ok(cli(['set-licenses', 'primary', '50', '--reason', 'again']))).stdout).toBe('Area primary already has 50 seats; nothing changed.\n');
    expect(await library().licenseHistory('primary')).toEqual([expect.objectContaining({ type: 'set', maxUsersBefore: 10, maxUsersAfter: 50, note: 'contract 2026-114' })]);
    const unknown = await cli(['set-licenses', 'nowhere', '5', '--reason', 'x']);
    expect(unknown.code).toBe(1);
  });

  it('create-user is refused with exit code 1 when no seat is free, and writes nothing', async () => {
    const { cli, library } = scenario();
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '1']));
    await ok(cli(['create-user', 'alice', '--area', 'primary']));
    const refused = await cli(['create-user', 'bob', '--area', 'primary']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Refused: LICENSE_LIMIT_REACHED');
    expect(await library().findUserByUsername('bob')).toBeNull();
    const taken = await cli(['create-user', 'ALICE', '--area', 'primary']);
    expect(taken.code).toBe(1);
  });

  it('invalid input (an unknown area, a malformed email) exits with 1 and names the problem', async () => {
    const { cli } = scenario();
    await ok(cli(['migrate']));
    const area = await cli(['create-user', 'alice', '--area', 'nowhere']);
    expect(area.code).toBe(1);
    expect(area.stderr).toContain('Unknown area "nowhere"');
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '5']));
    const email = await cli(['create-user', 'alice', '--area', 'primary', '--email', 'not-an-email']);
    expect(email.code).toBe(1);
    expect(email.stderr).toContain('email');
    const second = await cli(['define-area', 'other', '--kind', 'primary', '--name', 'Other', '--max-users', '5']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('There is already a primary area');
  });

  it('imports a CSV with errors: nothing written, exit code 1, the row errors listed by line at the end', async () => {
    const { cli, library } = scenario();
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '10']));
    const file = join(folder, 'with-errors.csv');
    await writeFile(file, ['Username,Email', 'carol,carol@example.com', 'dave,not-an-email', ',nobody@example.com', 'erin,erin@example.com'].join('\n'));
    const run = await cli(['import', file, '--area', 'primary']);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Nothing was imported\. 2 errors in the file\./);
    expect(lines.slice(-3)).toEqual(['Errors (2 errors):', expect.stringMatching(/^ {2}line 3, Email: /), expect.stringMatching(/^ {2}line 4, Username: /)]);
    expect(await library().findUserByUsername('carol')).toBeNull();

    const best = await cli(['import', file, '--area', 'primary', '--best-effort']);
    expect(best.code).toBe(1);
    expect(best.stdout).toMatch(/^Imported 2 users from 4 rows\. 2 errors in the file\./);
    expect(await library().findUserByUsername('carol')).toMatchObject({ source: 'csv', state: 'active' });
  });

  it('import --dry-run checks the seats and writes nothing; a file short of seats is refused whole with the purchase that fixes it', async () => {
    const { cli, library } = scenario();
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '2']));
    const file = join(folder, 'three.csv');
    await writeFile(file, 'Username\nfrank\ngrace\nheidi\n');
    const dry = await cli(['import', file, '--area', 'primary', '--dry-run', '--best-effort']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/^Dry run: 2 rows of 3 can be imported\. 1 row refused\./);
    expect(dry.stdout).toMatch(/Refused \(1 row\):\n {2}line 4, heidi: LICENSE_LIMIT_REACHED: /);
    expect(await library().findUserByUsername('frank')).toBeNull();

    const whole = await cli(['import', file, '--area', 'primary', '--json']);
    expect(whole.code).toBe(1);
    const report = JSON.parse(whole.stdout);
    expect(report).toMatchObject({ ok: false, written: false, created: 0, shortages: [{ areaId: 'primary' }] });
    expect(report.message).toContain('purchase');

    const fits = await ok(cli(['import', '-', '--area', 'primary'], { input: 'Username\nfrank\ngrace\n' }));
    expect(fits.stdout).toBe('Imported 2 users from 2 rows.\n');
  });

  it('exports the People CSV to a file and to standard output, and the export imports into another database with the same profiles', async () => {
    const source = scenario();
    await readmeSite(source.cli);
    await source.library().createUser({ username: 'zoë', areaId: 'primary', displayName: '=HYPERLINK("x")' });
    const file = join(folder, 'people.csv');
    const exported = await source.cli(['export', file]);
    expect(exported).toMatchObject({ code: 0, stdout: '', stderr: `Exported the People CSV to ${file}.\n` });
    const csv = await readFile(file, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('Username,Display name,Email,Area,Area id,Organization,Organization id,Account type,Account state,Block reason,Source,Created');
    expect(csv).toContain("'=HYPERLINK");
    const stdout = await ok(source.cli(['export']));
    expect(stdout.stdout).toBe(csv);

    const target = scenario();
    await ok(target.cli(['migrate']));
    await ok(target.cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary Area', '--max-users', '10']));
    await ok(target.cli(['define-area', 'extranet', '--kind', 'extranet', '--name', 'Extranet', '--max-users', '20']));
    await ok(target.cli(['define-organization', 'acme', '--area', 'extranet', '--name', 'Acme', '--max-users', '5']));
    const imported = await ok(target.cli(['import', file]));
    expect(imported.stdout).toBe('Imported 3 users from 3 rows.\n');
    // Every column but the two that tell this profile's own history: it came from a CSV, just now.
    const again = await ok(target.cli(['export']));
    const profiles = (text: string) => text.split('\r\n').map((line) => line.replace(/,[^,]*,[^,]*$/, ''));
    expect(profiles(again.stdout)).toEqual(profiles(csv));
    expect(again.stdout.split('\r\n')[1]).toMatch(/,csv,\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  });

  it('export --area and --delimiter choose the rows and the separator', async () => {
    const { cli } = scenario();
    await readmeSite(cli);
    const run = await ok(cli(['export', '--area', 'extranet', '--delimiter', ';', '--bom']));
    const [header, ...rows] = run.stdout.trimEnd().split('\r\n');
    expect(header?.startsWith('\uFEFFUsername;Display name;')).toBe(true);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^bob;;;Extranet;extranet;Acme;acme;/);
  });

  it('diagnose exits with 0 on warnings alone and with 1 once a finding is an error; --json lists them', async () => {
    const { cli } = scenario();
    await ok(cli(['migrate']));
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '2']));
    const warnings = await ok(cli(['diagnose']));
    expect(warnings.stdout).toContain('[warning] NO_RESPONSIBLE_PERSON');
    expect(warnings.stdout).toContain('[warning] SUPERUSER_MISSING');
    await ok(cli(['set-responsible-person', 'licences@example.com']));
    expect((await ok(cli(['ensure-system-users']))).stdout).toBe('Created superuser and guest.\n');
    expect((await ok(cli(['ensure-system-users']))).stdout).toBe('The system users exist; nothing to do.\n');
    const clean = await ok(cli(['diagnose']));
    expect(clean.stdout).toBe('No findings: the configuration is consistent.\n');

    await ok(cli(['create-user', 'alice', '--area', 'primary']));
    await ok(cli(['create-user', 'bob', '--area', 'primary']));
    const refused = await cli(['set-licenses', 'primary', '1', '--reason', 'contract shrank']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('LICENSES_BELOW_USE');
    await ok(cli(['set-licenses', 'primary', '1', '--reason', 'contract shrank', '--allow-below-use']));
    const errors = await cli(['diagnose']);
    expect(errors.code).toBe(1);
    expect(errors.stdout).toMatch(/^\[error\] AREA_OVER_LIMIT: Primary uses 2 seats but has 1/m);
    const json = await cli(['diagnose', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ code: 'AREA_OVER_LIMIT', severity: 'error', areaId: 'primary' })]);
  });
});
