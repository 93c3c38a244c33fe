import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './support.js';

/** `audit` and `dormant` through the built binary, on the embedded database. */
let workdir: string;
beforeAll(async () => {
  await ensureBuilt();
  workdir = await mkdtemp(join(tmpdir(), 'seatkeeper-cli-audit-'));
}, 300_000);
afterAll(async () => {
  if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
});

const cli = (args: readonly string[]) => runCli([...args, '--data-dir', join(workdir, 'data')]);

describe('seatkeeper audit and dormant', () => {
  it('audit lists who did what, newest first, also for one user; dormant is a dry run until --apply, and --days is required', async () => {
    expect((await cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary Area', '--max-users', '3'])).code).toBe(0);
    expect((await cli(['create-user', 'alice', '--area', 'primary'])).code).toBe(0);

    const all = await cli(['audit']);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/user\.created user .*username: null -> "alice"/);
    expect(lines[1]).toMatch(/area\.created area primary/);

    const alice = await cli(['audit', '--user', 'alice', '--json']);
    expect(alice.code).toBe(0);
    const page = JSON.parse(alice.stdout) as { events: { action: string }[] };
    expect(page.events.map((e) => e.action)).toEqual(['user.created']);
    expect((await cli(['audit', '--user', 'nobody'])).code).toBe(1);

    const dryRun = await cli(['dormant', '--days', '30']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/0 user\(s\) inactive since .* would be blocked/);
    expect((await cli(['dormant', '--days', '30', '--apply'])).stdout).toMatch(/Blocked 0 dormant user/);
    expect((await cli(['dormant'])).code).toBe(2);
  }, 300_000);
});
