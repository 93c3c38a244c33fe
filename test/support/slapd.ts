import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away OpenLDAP server (Debian's `slapd`) for the LDAP tests and the
 * LDAP example, without any test runner: a temp directory with a generated
 * `slapd.conf` (mdb backend, the ppolicy overlay for `pwdAccountLockedTime`,
 * the schemas an Active Directory-shaped entry needs), the fixture loaded with
 * `slapadd` before the server starts, and the server on a free local port.
 */

/** Where Debian installs the server and its tools. */
const SLAPD = process.env.SLAPD_PATH ?? '/usr/sbin/slapd';
const SLAPADD = process.env.SLAPADD_PATH ?? '/usr/sbin/slapadd';
const MODULES = process.env.SLAPD_MODULE_PATH ?? '/usr/lib/ldap';
const SCHEMAS = process.env.SLAPD_SCHEMA_PATH ?? '/etc/ldap/schema';

/** What the server holds and how it is limited. */
export interface SlapdOptions {
  /** The suffix of the one database, e.g. `dc=example,dc=com`. */
  readonly suffix: string;
  /** The password of the root DN `cn=admin,<suffix>`. Default `secret`. */
  readonly rootPassword?: string;
  /** The entries to load, the suffix entry first, as LDIF. */
  readonly ldif: string;
  /** The server's size limit for every search that is not the root DN's. Default 500. */
  readonly sizeLimit?: number;
  /** Extra lines of the database section, e.g. `limits dn.exact="..." size.prtotal=unlimited`. */
  readonly databaseConfig?: readonly string[];
  /** Serve StartTLS with a self-signed certificate for `127.0.0.1` (needs the `openssl` command). */
  readonly tls?: boolean;
}

/** A running server; `stop()` ends it and removes its files. */
export interface SlapdServer {
  /** `ldap://127.0.0.1:<port>`. */
  readonly url: string;
  /** The root DN, not subject to any limit. */
  readonly rootDN: string;
  /** Its password. */
  readonly rootPassword: string;
  /** The self-signed certificate (PEM) when started with `tls`, to pass as `ca`. */
  readonly certificate: string | undefined;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

let printed = false;

/**
 * `null` when a slapd can be started here, else why not (printed once). With
 * `SEATKEEPER_REQUIRE_LDAP=1` (as CI sets it) a missing or broken slapd throws
 * instead, so the LDAP tests cannot be skipped silently there.
 *
 * @param what - what is skipped, for the message
 */
export async function slapdUnavailable(what = 'LDAP tests'): Promise<string | null> {
  let problem: string | null = null;
  if (!existsSync(SLAPD) || !existsSync(SLAPADD)) {
    problem = `${SLAPD} or ${SLAPADD} is not installed (apt-get install slapd ldap-utils)`;
  } else {
    try {
      const server = await startSlapd({ suffix: 'dc=probe', ldif: 'dn: dc=probe\nobjectClass: dcObject\nobjectClass: organization\no: probe\ndc: probe\n' });
      await server.stop();
    } catch (error) {
      problem = `slapd did not start (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  if (problem === null) return null;
  // CI sets this, so a missing slapd fails the run instead of skipping the LDAP suites.
  if (process.env.SEATKEEPER_REQUIRE_LDAP === '1') throw new Error(`${problem}, and SEATKEEPER_REQUIRE_LDAP=1 requires it.`);
  const reason = `${what} skipped: ${problem}.`;
  if (!printed) console.warn(reason);
  printed = true;
  return reason;
}

/**
 * Starts a slapd with the entries loaded. Throws with slapd's own output when
 * it does not come up within 15 seconds.
 */
export async function startSlapd(options: SlapdOptions): Promise<SlapdServer> {
  const dir = await mkdtemp(join(tmpdir(), 'seatkeeper-slapd-'));
  const rootDN = `cn=admin,${options.suffix}`;
  const rootPassword = options.rootPassword ?? 'secret';
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child !== undefined) await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    let certificate: string | undefined;
    const tlsConfig: string[] = [];
    if (options.tls === true) {
      certificate = await selfSignedCertificate(dir);
      tlsConfig.push(`TLSCertificateFile ${join(dir, 'cert.pem')}`, `TLSCertificateKeyFile ${join(dir, 'key.pem')}`);
    }
    const config = [
      ...['core', 'cosine', 'inetorgperson', 'nis', 'msuser'].map((schema) => `include ${join(SCHEMAS, `${schema}.schema`)}`),
      `pidfile ${join(dir, 'slapd.pid')}`,
      `argsfile ${join(dir, 'slapd.args')}`,
      `modulepath ${MODULES}`,
      'moduleload back_mdb',
      'moduleload ppolicy',
      ...tlsConfig,
      `sizelimit ${options.sizeLimit ?? 500}`,
      'database mdb',
      'maxsize 268435456',
      `suffix "${options.suffix}"`,
      `rootdn "${rootDN}"`,
      `rootpw ${rootPassword}`,
      `directory ${join(dir, 'db')}`,
      'overlay ppolicy',
      ...(options.databaseConfig ?? []),
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by users read by * none',
      '',
    ].join('\n');
    await writeFile(join(dir, 'slapd.conf'), config);
    await writeFile(join(dir, 'data.ldif'), options.ldif);
    await mkdir(join(dir, 'db'));
    await run(SLAPADD, ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'data.ldif')]);

    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    let output = '';
    // -d 0 keeps slapd in the foreground, so this process owns it and can stop it.
    child = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = child;
    const killOnExit = () => started.kill('SIGKILL');
    process.once('exit', killOnExit);
    await waitForPort(port, started, () => output);
    return {
      url,
      rootDN,
      rootPassword,
      certificate,
      async stop() {
        process.removeListener('exit', killOnExit);
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function selfSignedCertificate(dir: string): Promise<string> {
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ]);
  return readFile(join(dir, 'cert.pem'), 'utf8');
}

/** Whether `openssl` can be run here (for the StartTLS tests). */
export function opensslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${output.trim().slice(-2000)}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`slapd exited (${child.exitCode ?? child.signalCode}): ${output().trim().slice(-2000)}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not listen on port ${port} within 15 s: ${output().trim().slice(-2000)}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
