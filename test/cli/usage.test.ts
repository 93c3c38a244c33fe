import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runCli } from './support.js';

// None of these reach a database: usage is checked before any storage is opened.
beforeAll(ensureBuilt, 300_000);

const COMMANDS = ['status', 'diagnose', 'export', 'import', 'sync-ldap', 'define-area', 'set-licenses', 'define-organization', 'ensure-system-users', 'set-responsible-person', 'create-user', 'migrate'];

describe('seatkeeper usage', () => {
  it('lists every command, the storage options and the exit codes in --help, and exits with 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(command);
    expect(run.stdout).toContain('--database-url <url>');
    expect(run.stdout).toContain('(env: DATABASE_URL)');
    expect(run.stdout).toContain('--data-dir <dir>');
    expect(run.stdout).toMatch(/Exit codes:\n\s+0\s+done\n\s+1\s+refused or invalid/);
    expect(run.stdout).toMatch(/\n\s+2\s+usage/);
    expect(run.stdout).toMatch(/\n\s+3\s+the database \(or LDAP directory\) is unreachable/);
  });

  it.each(COMMANDS)('%s --help describes the command with the exit codes, and exits with 0', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: seatkeeper ${command}`);
    expect(run.stdout).toContain('Exit codes:');
    expect(run.stderr).toBe('');
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('exits with 2 for an unknown command, naming it', async () => {
    const run = await runCli(['stauts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'stauts'");
    expect(run.stdout).toBe('');
  });

  it('exits with 2 for an unknown option', async () => {
    const run = await runCli(['status', '--colour']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--colour'");
  });

  it('exits with 2 without a command, showing the help', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: seatkeeper');
  });

  it('exits with 2 for a missing argument or required option', async () => {
    expect((await runCli(['import'])).code).toBe(2);
    const run = await runCli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--max-users <n>' not specified");
  });

  it('exits with 2 for a malformed option value', async () => {
    const seats = await runCli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', 'ten']);
    expect(seats.code).toBe(2);
    expect(seats.stderr).toContain('must be a whole number');
    const kind = await runCli(['define-area', 'primary', '--kind', 'intranet', '--name', 'Primary', '--max-users', '10']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('Allowed choices are primary, extranet');
    const share = await runCli(['sync-ldap', '--max-block-share', '2']);
    expect(share.code).toBe(2);
  });

  it('exits with 2 for a database URL of an unknown kind, or a data folder with a URL', async () => {
    const scheme = await runCli(['status', '--database-url', 'sqlite:///tmp/seats.db']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('Unsupported database URL scheme "sqlite:"');
    const both = await runCli(['status', '--data-dir', '/tmp/nowhere'], { env: { DATABASE_URL: 'postgres://127.0.0.1:1/x' } });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("option '--data-dir <dir>' cannot be used with environment variable 'DATABASE_URL'");
  });

  it('exits with 2 when sync-ldap is not told where the directory is', async () => {
    const run = await runCli(['sync-ldap', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sync-ldap needs the server (--url)');
  });

  it('exits with 1, opening no database, when the file to import cannot be read', async () => {
    const run = await runCli(['import', '/nonexistent/people.csv'], { env: { DATABASE_URL: 'postgres://127.0.0.1:1/x' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot read /nonexistent/people.csv');
  });

  it('exits with 3 when the PostgreSQL server cannot be reached, and says to retry', async () => {
    const run = await runCli(['status'], { env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/seatkeeper' } });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('PostgreSQL was not available');
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr).toContain('retry');
    expect(run.stdout).toBe('');
  });

  it('says which package to install, with exit code 1, when the storage asked for needs one that is missing', async () => {
    const hide = (packages: string) => ({
      env: { SEATKEEPER_TEST_HIDE: packages },
      nodeOptions: ['--import', join(ROOT, 'test/cli/fixtures/hide-packages.mjs')],
    });
    const embedded = await runCli(['status', '--data-dir', '/nonexistent/data'], hide('@electric-sql/pglite'));
    expect(embedded.code).toBe(1);
    expect(embedded.stderr).toContain('The embedded database (used when no database URL is given) needs the @electric-sql/pglite package, which is not installed.');
    expect(embedded.stderr).toContain('npm install @electric-sql/pglite');
    const server = await runCli(['status', '--database-url', 'postgres://127.0.0.1:1/x'], hide('pg'));
    expect(server.code).toBe(1);
    expect(server.stderr).toContain('npm install pg');
    const mysql = await runCli(['status', '--database-url', 'mysql://root@127.0.0.1:1/x'], hide('mysql2/promise'));
    expect(mysql.code).toBe(1);
    expect(mysql.stderr).toContain('MySQL URLs need the mysql2 package');
    const ldap = await runCli(['sync-ldap', '--url', 'ldap://127.0.0.1:1', '--base-dn', 'dc=example,dc=com', '--preset', 'openldap', '--database-url', 'postgres://127.0.0.1:1/x'], hide('ldapts'));
    expect(ldap.code).toBe(1);
    expect(ldap.stderr).toContain('npm install ldapts');
  });

  it('leaves the password out of what it prints about a URL', async () => {
    const run = await runCli(['status', '--database-url', 'mongodb://admin:s3cret@127.0.0.1/x']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('s3cret');
    expect(run.stderr).toContain('mongodb://admin:***@127.0.0.1/x');
  });
});
