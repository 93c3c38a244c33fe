import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fixture from '../support/slapd-fixture.js';
import { slapdUnavailable, startSlapd, type SlapdServer } from '../support/slapd.js';
import { ensureBuilt, runCli, type CliRun } from './support.js';

/**
 * `seatkeeper sync-ldap` against a real OpenLDAP server (Debian's slapd) with
 * the LDAP tests' directory, on the embedded database. The 47 Initech accounts
 * go to an extranet area of 40 seats. Required in CI (SEATKEEPER_REQUIRE_LDAP=1).
 */
const unavailable = await slapdUnavailable('command line LDAP tests');

describe.skipIf(unavailable !== null)('seatkeeper sync-ldap', () => {
  let server: SlapdServer;
  let workdir: string;
  let dataDir: string;
  let config: string;
  let passwordFile: string;

  beforeAll(async () => {
    const [started] = await Promise.all([
      startSlapd({ suffix: fixture.SUFFIX, ldif: fixture.directoryFixtureLdif(), sizeLimit: fixture.SIZE_LIMIT, databaseConfig: fixture.FIXTURE_DATABASE_CONFIG }),
      ensureBuilt(),
    ]);
    server = started;
    workdir = await mkdtemp(join(tmpdir(), 'seatkeeper-cli-ldap-'));
    dataDir = join(workdir, 'data');
    config = join(workdir, 'ldap.json');
    passwordFile = join(workdir, 'ldap-password');
    await writeFile(config, JSON.stringify({ url: server.url, bindDN: fixture.READER.dn, baseDN: fixture.INITECH, preset: 'openldap', areaId: 'extranet' }));
    await writeFile(passwordFile, `${fixture.READER.password}\n`);
    const setup = await cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '10']);
    expect(setup.code).toBe(0);
    expect((await cli(['define-area', 'extranet', '--kind', 'extranet', '--name', 'Extranet', '--max-users', '40'])).code).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
  });

  function cli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
    return runCli(['--data-dir', dataDir, ...args], { env });
  }

  async function using(): Promise<number> {
    const status = await cli(['status', '--json']);
    const summary = JSON.parse(status.stdout) as { areas: Array<{ areaId: string; using: number }> };
    return summary.areas.find((a) => a.areaId === 'extranet')?.using ?? -1;
  }

  it('--dry-run prints the plan counts from a config file and a password file, and writes nothing', async () => {
    const run = await cli(['sync-ldap', '--config', config, '--password-file', passwordFile, '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Read ${fixture.INITECH_COUNT} accounts from the directory; 0 accounts skipped.`);
    expect(lines).toContain('Dry run: nothing was written. The sync would:');
    expect(lines).toContain('AREA      CREATE  CREATE BLOCKED  ACTIVATE  BLOCK  UPDATE  UNCHANGED  WAITING FOR A SEAT');
    expect(lines).toContain('extranet      40               7         0      0       0          0                   7');
    expect(await using()).toBe(0);
  });

  it('applies the sync with the options as flags and the password from LDAP_PASSWORD; a second run changes nothing', async () => {
    const flags = ['sync-ldap', '--url', server.url, '--bind-dn', fixture.READER.dn, '--base-dn', fixture.INITECH, '--preset', 'openldap', '--area', 'extranet', '--json'];
    const run = await cli(flags, { LDAP_PASSWORD: fixture.READER.password });
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout);
    expect(outcome).toMatchObject({ dryRun: false, read: fixture.INITECH_COUNT, refused: null, invalid: [] });
    expect(outcome.totals).toMatchObject({ create: 40, createBlocked: 7, waitingForLicense: 7 });
    expect(await using()).toBe(40);
    const again = JSON.parse((await cli(flags, { LDAP_PASSWORD: fixture.READER.password })).stdout);
    expect(again.totals).toMatchObject({ create: 0, createBlocked: 0, unchanged: fixture.INITECH_COUNT, waitingForLicense: 7 });
  });

  it('exits with 1 when the server refuses the bind', async () => {
    const run = await cli(['sync-ldap', '--config', config, '--dry-run'], { LDAP_PASSWORD: 'wrong' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bind/i);
  });

  it('exits with 3 when the directory cannot be reached', async () => {
    const run = await cli(['sync-ldap', '--config', config, '--url', 'ldap://127.0.0.1:1', '--dry-run'], { LDAP_PASSWORD: fixture.READER.password });
    expect(run.code).toBe(3);
  });

  it('exits with 1 naming the problem when an option is invalid', async () => {
    const run = await cli(['sync-ldap', '--config', config, '--filter', 'not a filter', '--dry-run'], { LDAP_PASSWORD: fixture.READER.password });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('filter');
  });
});
