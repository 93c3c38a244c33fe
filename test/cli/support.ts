import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Running the built `seatkeeper` binary as a child process, as a sysadmin's
 * shell or script would: `node dist/cli.js ...`.
 */

/** The package root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built binary. */
export const CLI = join(ROOT, 'dist/cli.js');

/** What a run printed and how it ended. */
export interface CliRun {
  /** The exit code. */
  readonly code: number | null;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** How to run it. */
export interface CliRunOptions {
  /** Environment variables added to a clean environment (no DATABASE_URL, no colour settings). */
  readonly env?: Record<string, string>;
  /** The working directory (where `./.seatkeeper` goes). */
  readonly cwd?: string;
  /** Text written to standard input. */
  readonly input?: string;
  /** Options for node itself, before the script (e.g. `--import`). */
  readonly nodeOptions?: readonly string[];
}

/** The environment of every run: this one without the variables the command line reads. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || ['DATABASE_URL', 'NO_COLOR', 'FORCE_COLOR', 'LDAP_PASSWORD', 'TERM'].includes(key)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * Runs `node dist/cli.js ...args`.
 *
 * @param args - the arguments
 * @param options - environment, working directory, standard input
 */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...baseEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs the binary on a pseudo-terminal (util-linux `script`), so it sees a TTY
 * on standard output and standard error as in an interactive shell. Both
 * arrive together in `stdout`.
 *
 * @param args - the arguments
 * @param options - environment and working directory
 */
export function runCliOnTerminal(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return runCommand('script', ['--quiet', '--return', '--command', quoted, '/dev/null'], { ...options, env: { TERM: 'xterm-256color', ...options.env } });
}

function runCommand(command: string, args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...baseEnv(), ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end();
  });
}

/** `null` when `script` (util-linux) can give the binary a terminal here, else why not. */
export function terminalUnavailable(): string | null {
  const probe = spawnSync('script', ['--quiet', '--return', '--command', 'test -t 1', '/dev/null'], { stdio: 'ignore' });
  return probe.status === 0 ? null : 'terminal tests skipped: util-linux script cannot give a command a terminal here';
}

/** Every file under a folder, recursively. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Whether dist/ is older than the sources it is built from. */
async function buildIsStale(): Promise<boolean> {
  const built = await stat(CLI).catch(() => null);
  const library = await stat(join(ROOT, 'dist/index.js')).catch(() => null);
  if (built === null || library === null) return true;
  const oldest = Math.min(built.mtimeMs, library.mtimeMs);
  const sources = [...(await filesUnder(join(ROOT, 'src'))), join(ROOT, 'package.json'), join(ROOT, 'tsup.config.ts')];
  for (const file of sources) if ((await stat(file)).mtimeMs > oldest) return true;
  return false;
}

/**
 * Builds the package (`npm run build`) unless dist/ is newer than every
 * source, so the tests run the binary a user would get. CI builds before the
 * tests, so there this only checks. Test files running at once build once:
 * a lock folder keeps the others waiting.
 */
export async function ensureBuilt(): Promise<void> {
  if (!(await buildIsStale())) return;
  // In the temp folder, not node_modules (which worktrees may share), one per checkout.
  const lock = join(tmpdir(), `seatkeeper-cli-test-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // A lock left by a run that was killed mid-build is taken over after the longest build.
      const since = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (since > 300_000) await rmdir(lock).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!(await buildIsStale())) return;
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}
