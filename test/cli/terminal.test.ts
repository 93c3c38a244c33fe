import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, runCliOnTerminal, terminalUnavailable, type CliRun } from './support.js';

/**
 * What a person at a terminal sees: the binary runs on a pseudo-terminal
 * (util-linux `script`), so colour and the progress bar are decided as in an
 * interactive shell. On the embedded database, so no server is needed.
 */
const unavailable = terminalUnavailable();
if (unavailable !== null) console.warn(unavailable);

const ESC = '\u001b[';
const ORANGE_WARNING = `${ESC}38;5;208m! warning`;
const RED_STOP = `${ESC}31m✖ exhausted`;

describe.skipIf(unavailable !== null)('seatkeeper on a terminal', () => {
  let workdir: string;
  let dataDir: string;
  beforeAll(async () => {
    await ensureBuilt();
    workdir = await mkdtemp(join(tmpdir(), 'seatkeeper-cli-tty-'));
    dataDir = join(workdir, 'data');
    const cli = (args: readonly string[]) => runCli(['--data-dir', dataDir, ...args]);
    // 100 seats with 4 left (orange warning), an extranet with none left (red stop): 96 + 2 users from one import.
    await expectOk(cli(['define-area', 'primary', '--kind', 'primary', '--name', 'Primary', '--max-users', '100']));
    await expectOk(cli(['define-area', 'extranet', '--kind', 'extranet', '--name', 'Extranet', '--max-users', '2']));
    const rows = [...Array.from({ length: 96 }, (_, i) => `p${i},primary`), 'x1,extranet', 'x2,extranet'];
    await writeFile(join(workdir, 'seed.csv'), `Username,Area id\n${rows.join('\n')}\n`);
    await expectOk(cli(['import', join(workdir, 'seed.csv')]));
  }, 300_000);
  afterAll(async () => {
    if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
  });

  async function expectOk(run: Promise<CliRun>): Promise<CliRun> {
    const done = await run;
    expect(done.code).toBe(0);
    return done;
  }

  it('colours the marks on a terminal: an orange ! for a warning, a red ✖ for no seat left', async () => {
    const run = await expectOk(runCliOnTerminal(['--data-dir', dataDir, 'status']));
    expect(run.stdout).toContain(ORANGE_WARNING);
    expect(run.stdout).toContain(RED_STOP);
  });

  it('writes no colour on a terminal when NO_COLOR is set, or TERM is dumb, and keeps the marks', async () => {
    for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }]) {
      const run = await expectOk(runCliOnTerminal(['--data-dir', dataDir, 'status'], { env }));
      expect(run.stdout).not.toContain(ESC);
      expect(run.stdout).toContain('! warning');
      expect(run.stdout).toContain('✖ exhausted');
    }
  });

  it('draws a progress bar on standard error while importing a large file on a terminal, and none when piped', async () => {
    // About 1,500 rows, 150 kB: above the size that gets a bar.
    const rows = Array.from({ length: 1_500 }, (_, i) => `bulk${i},Bulk user number ${i} with a longer display name,bulk${i}@example.com`);
    const file = join(workdir, 'large.csv');
    await writeFile(file, `Username,Display name,Email\n${rows.join('\n')}\n`);
    const args = ['--data-dir', dataDir, 'import', file, '--area', 'primary', '--dry-run', '--best-effort'];

    const terminal = await runCliOnTerminal(args);
    expect(terminal.stdout).toMatch(/Reading .*\d+% \| [\d,]+ of [\d,]+ kB/);
    expect(terminal.stdout).toContain('Dry run: 4 rows of 1,500 can be imported. 1,496 rows refused.');

    const piped = await runCli(args);
    expect(piped.code).toBe(1);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).not.toContain('Reading');
  });
});
