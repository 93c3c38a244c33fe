import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { ensureBuilt, runCli, type CliRun } from './support.js';

/**
 * The built binary without a database URL: the embedded PostgreSQL (PGlite)
 * in a folder, through the same repository and migrations as a server.
 * Starting PGlite takes a second or more, so the scenarios share folders.
 */
let workdir: string;
beforeAll(async () => {
  await ensureBuilt();
  workdir = await mkdtemp(join(tmpdir(), 'seatkeeper-cli-pglite-'));
}, 300_000);
afterAll(async () => {
  if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
});

async function ok(run: Promise<CliRun>): Promise<CliRun> {
  const done = await run;
  expect(done.stderr).toBe('');
  expect(done.code).toBe(0);
  return done;
}

/** The README's steps, with whatever storage `cli` is on. */
async function readmeSteps(cli: (args: readonly string[]) => Promise<CliRun>): Promise<void> {
  await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary Area', '--max-users', '3']));
  await ok(cli(['define-area', 'extranet', '--kind', 'extranet', '--name', 'Extranet', '--max-users', '20']));
  await ok(cli(['define-organization', 'acme', '--area', 'extranet', '--name', 'Acme', '--max-users', '5']));
  await ok(cli(['create-user', 'alice', '--area', 'primary']));
  await ok(cli(['create-user', 'bob', '--area', 'extranet', '--organization', 'acme']));
}

describe('seatkeeper on the embedded database', () => {
  it('keeps its data in ./.seatkeeper by default: migrate creates it and applies every migration, and every command finds it up to date', async () => {
    const cwd = join(workdir, 'default');
    await mkdir(cwd);
    const first = await ok(runCli(['migrate', '--json'], { cwd }));
    const result = JSON.parse(first.stdout) as { version: number; applied: number[] };
    expect(result.applied).toEqual(Array.from({ length: result.version }, (_, i) => i + 1));
    expect(existsSync(join(cwd, '.seatkeeper', 'PG_VERSION'))).toBe(true);
    // Released once the command is done.
    expect(existsSync(join(cwd, '.seatkeeper', 'seatkeeper-cli.lock'))).toBe(false);
    const status = await ok(runCli(['status'], { cwd }));
    expect(status.stdout).toContain('Licenses in the embedded PostgreSQL (PGlite) in ./.seatkeeper');
    expect(status.stdout).toContain('No area is defined yet.');
    const again = await ok(runCli(['migrate'], { cwd }));
    expect(again.stdout).toMatch(/^Schema version \d+ in the embedded PostgreSQL \(PGlite\) in \.\/\.seatkeeper \(already up to date\)\.\n$/);
  });

  it('creates and migrates a folder of its own for any command', async () => {
    const dataDir = join(workdir, 'nested', 'site');
    const status = await ok(runCli(['--data-dir', dataDir, 'status', '--json']));
    expect(JSON.parse(status.stdout)).toMatchObject({ areas: [] });
  });

  it('runs the README steps, keeping what each command wrote for the next one, and refuses a seat past the limit', async () => {
    const dataDir = join(workdir, 'readme');
    const cli = (args: readonly string[]) => runCli(['--data-dir', dataDir, ...args]);
    await readmeSteps(cli);
    await ok(cli(['create-user', 'carol', '--area', 'primary']));
    await ok(cli(['create-user', 'dave', '--area', 'primary']));
    const refused = await cli(['create-user', 'erin', '--area', 'primary']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('LICENSE_LIMIT_REACHED');
    const status = await ok(cli(['status']));
    expect(status.stdout).toMatch(/^primary +Primary Area +primary +3 +3 +0 +✖ exhausted$/m);
    expect(status.stdout).toMatch(/^ {2}acme +Acme +1 \(1\) +5 +4 +granted +ok$/m);
  });

  it('imports with the row errors listed, and exports what the next import reads', async () => {
    const dataDir = join(workdir, 'csv');
    const cli = (args: readonly string[]) => runCli(['--data-dir', dataDir, ...args]);
    await ok(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '5']));
    const file = join(workdir, 'people.csv');
    await writeFile(file, 'Username,Email\nfrank,frank@example.com\ngrace,grace@\n');
    const bad = await cli(['import', file, '--area', 'primary']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/Errors \(1 error\):\n {2}line 3, Email: .+\n$/);
    await writeFile(file, 'Username,Email\nfrank,frank@example.com\ngrace,grace@example.com\n');
    expect((await ok(cli(['import', file, '--area', 'primary']))).stdout).toBe('Imported 2 users from 2 rows.\n');
    const exported = join(workdir, 'exported.csv');
    const wrote = await cli(['export', exported]);
    expect(wrote).toMatchObject({ code: 0, stdout: '', stderr: `Exported the People CSV to ${exported}.\n` });
    expect(await readFile(exported, 'utf8')).toMatch(/^Username,.*\r\nfrank,,frank@example\.com,Primary,primary,/);
  });

  it('waits for another command using the folder, takes over a lock its dead owner left, and exits with 3 while the folder stays busy', async () => {
    const dataDir = join(workdir, 'locked');
    await ok(runCli(['--data-dir', dataDir, 'migrate']));
    const lock = join(dataDir, 'seatkeeper-cli.lock');
    // A process that has ended: its lock is stale.
    await writeFile(lock, '2147483646');
    await ok(runCli(['--data-dir', dataDir, 'status']));
    expect(existsSync(lock)).toBe(false);
    // This test's own process is alive: the folder is busy for as long as the command waits.
    await writeFile(lock, String(process.pid));
    const busy = await runCli(['--data-dir', dataDir, 'status']);
    expect(busy.code).toBe(3);
    expect(busy.stderr).toContain(`is in use by another seatkeeper command (process ${process.pid})`);
    await rm(lock);
  });
});

const unavailable = await postgresUnavailable('command line tests moving from PGlite to PostgreSQL');

describe.skipIf(unavailable !== null)('moving from the embedded database to a PostgreSQL server', () => {
  const database = useTestDatabase('cli_move');

  it('changes nothing but the URL: the same commands give the same figures, and the export moves the people', async () => {
    const dataDir = join(workdir, 'move');
    const embedded = (args: readonly string[], input?: string) => runCli(['--data-dir', dataDir, ...args], input === undefined ? {} : { input });
    const server = (args: readonly string[], input?: string) => runCli(args, { env: { DATABASE_URL: database().url }, ...(input === undefined ? {} : { input }) });
    const figures = async (cli: typeof embedded) => JSON.parse((await ok(cli(['status', '--json']))).stdout) as unknown;
    await ok(server(['migrate']));
    for (const cli of [embedded, server]) await readmeSteps(cli);
    expect(await figures(server)).toEqual(await figures(embedded));

    // Moving the people: export from the folder, import into a site on the server that has the areas.
    const moved = (args: readonly string[], input?: string) => server(['--schema', 'moved', ...args], input);
    await ok(moved(['migrate']));
    await ok(moved(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary Area', '--max-users', '3']));
    await ok(moved(['define-area', 'extranet', '--kind', 'extranet', '--name', 'Extranet', '--max-users', '20']));
    await ok(moved(['define-organization', 'acme', '--area', 'extranet', '--name', 'Acme', '--max-users', '5']));
    const csv = (await ok(embedded(['export']))).stdout;
    expect((await ok(moved(['import', '-'], csv))).stdout).toBe('Imported 2 users from 2 rows.\n');
    expect(await figures(moved)).toEqual(await figures(embedded));
  });
});
