/**
 * `seatkeeper sync-ldap`: reads an LDAP directory (Active Directory, OpenLDAP)
 * with the LDAP connector and syncs its accounts; `--dry-run` prints the plan's counts.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { DirectorySyncAreaTotals, DirectorySyncOptions, DirectorySyncRefusal, DirectorySyncTotals, InvalidDirectoryEntry } from 'seatkeeper';
import type { LdapDirectoryOptions, LdapSkippedEntry } from 'seatkeeper/ldap';
import { CliError, EXIT } from '../exit-codes.js';
import { loadOptional } from '../optional.js';
import { count, table, writeLine, type Styles } from '../output.js';
import { share, wholeNumber, withSeats, type Session } from '../session.js';

/** The flags of `sync-ldap`. */
interface SyncLdapFlags {
  readonly config?: string;
  readonly url?: string;
  readonly bindDn?: string;
  readonly passwordFile?: string;
  readonly startTls?: boolean;
  readonly caFile?: string;
  readonly baseDn?: string;
  readonly scope?: 'base' | 'one' | 'sub' | 'children';
  readonly preset?: 'active-directory' | 'openldap';
  readonly filter?: string;
  readonly area?: string;
  readonly organization?: string;
  readonly pageSize?: number;
  readonly onMissing?: 'keep' | 'block';
  readonly maxBlockShare?: number;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/**
 * Adds the `sync-ldap` command.
 *
 * @param program - the program
 * @param session - the session
 */
export function addSyncLdapCommand(program: Command, session: Session): void {
  program
    .command('sync-ldap')
    .summary('sync users from an LDAP directory (Active Directory, OpenLDAP)')
    .description(
      "Reads the accounts of an LDAP directory with seatkeeper's LDAP connector and syncs them: new accounts are created " +
        '(blocked, waiting for a seat, when none is free), disabled ones blocked, waiting ones activated when seats are free. ' +
        'The options come from --config (a JSON file of the connector\'s options, as readLdapDirectory takes them, with an ' +
        'optional "sync" object of sync options) and the flags, which win. The bind password comes from --password-file, ' +
        'else the LDAP_PASSWORD environment variable, else the file. The ldapts package must be installed.',
    )
    .option('--config <file.json>', "a JSON file of the LDAP connector's options, and optionally { \"sync\": { ... } }")
    .option('--url <url>', 'the server, e.g. ldaps://dc1.example.com:636')
    .option('--bind-dn <dn>', 'the account to bind as (AD: user@domain also works); omitted: an anonymous search')
    .option('--password-file <file>', 'a file holding the bind password (else LDAP_PASSWORD)')
    .option('--start-tls', 'upgrade an ldap:// connection with StartTLS before binding')
    .option('--ca-file <file.pem>', 'the CA certificate(s) to trust for ldaps:// and StartTLS')
    .option('--base-dn <dn>', 'where the accounts are searched, e.g. ou=people,dc=example,dc=com')
    .addOption(new Option('--scope <scope>', 'the search scope (default sub)').choices(['base', 'one', 'sub', 'children']))
    .addOption(new Option('--preset <name>', 'the filter and attribute defaults').choices(['active-directory', 'openldap']))
    .option('--filter <filter>', "the search filter, instead of the preset's")
    .option('--area <id>', 'the area of accounts no placement rule matches')
    .option('--organization <id>', 'the partner organization of those accounts')
    .option('--page-size <n>', 'entries per page of the paged search (default 500)', wholeNumber(1))
    .addOption(new Option('--on-missing <what>', 'users missing from the directory: keep them or block them (default keep)').choices(['keep', 'block']))
    .option('--max-block-share <share>', 'refuse a sync that would block more than this share of an area (default 0.2)', share)
    .option('--force', 'apply even a sync that would block more than --max-block-share')
    .option('--dry-run', "print the plan's counts and write nothing")
    .option('--json', 'print the plan or report counts as JSON')
    .action(async (flags: SyncLdapFlags, command: Command) => {
      const { ldap, sync } = await syncLdapOptions(flags, session.io.env);
      const { readLdapDirectory } = await loadOptional(() => import('seatkeeper/ldap'), 'ldapts', 'sync-ldap needs');
      await withSeats(command, async (seats) => {
        const { entries, skipped } = await readLdapDirectory(ldap);
        const outcome =
          flags.dryRun === true ? { dryRun: true, ...(await seats.planDirectorySync(entries, sync)) } : { dryRun: false, ...(await seats.syncDirectory(entries, sync)) };
        const result: SyncOutcome = {
          dryRun: outcome.dryRun,
          read: entries.length + skipped.length,
          skipped,
          refused: outcome.refused,
          invalid: outcome.invalid,
          areas: outcome.areas,
          totals: outcome.totals,
        };
        if (flags.json === true) writeLine(session.io.stdout, JSON.stringify(result, null, 2));
        else for (const line of renderSync(result, session.out)) writeLine(session.io.stdout, line);
        if (result.refused !== null || result.invalid.length > 0) session.exitCode = EXIT.REFUSED;
      });
    });
}

/** What `sync-ldap` reports, as text or JSON. */
export interface SyncOutcome {
  /** Whether nothing was written. */
  readonly dryRun: boolean;
  /** Accounts read from the directory. */
  readonly read: number;
  /** Accounts not turned into entries, and why. */
  readonly skipped: readonly LdapSkippedEntry[];
  /** Set when the mass-block guard refused the sync. */
  readonly refused: DirectorySyncRefusal | null;
  /** Entries that could not be applied. */
  readonly invalid: readonly InvalidDirectoryEntry[];
  /** Counts per area. */
  readonly areas: readonly DirectorySyncAreaTotals[];
  /** Counts over the directory. */
  readonly totals: DirectorySyncTotals;
}

/**
 * The connector's and the sync's options from the config file, the flags and the environment.
 *
 * @param flags - the flags
 * @param env - the environment (`LDAP_PASSWORD`)
 */
export async function syncLdapOptions(flags: SyncLdapFlags, env: NodeJS.ProcessEnv): Promise<{ ldap: LdapDirectoryOptions; sync: DirectorySyncOptions }> {
  const { sync: fileSync, ...fileLdap } = flags.config === undefined ? {} : await readConfig(flags.config);
  const password = flags.passwordFile !== undefined ? await readSecret(flags.passwordFile) : env.LDAP_PASSWORD;
  const ca = flags.caFile === undefined ? undefined : await readText(flags.caFile, 'the CA file');
  const fromFlags = {
    url: flags.url,
    bindDN: flags.bindDn,
    password,
    startTLS: flags.startTls,
    baseDN: flags.baseDn,
    scope: flags.scope,
    preset: flags.preset,
    filter: flags.filter,
    areaId: flags.area,
    organizationId: flags.organization,
    pageSize: flags.pageSize,
  };
  const ldap = { ...fileLdap, ...definedOnly(fromFlags) } as Record<string, unknown>;
  if (ca !== undefined) ldap.tlsOptions = { ...(ldap.tlsOptions as object | undefined), ca };
  if (ldap.url === undefined || ldap.baseDN === undefined || ldap.preset === undefined) {
    throw new CliError(EXIT.USAGE, 'sync-ldap needs the server (--url), where to search (--base-dn) and a preset (--preset), as flags or in --config.');
  }
  const sync = {
    ...(fileSync as Record<string, unknown> | undefined),
    ...definedOnly({ onMissing: flags.onMissing, maxBlockShare: flags.maxBlockShare, force: flags.force }),
  };
  // Both are validated by the library (readLdapDirectory, planDirectorySync), which names every problem.
  return { ldap: ldap as LdapDirectoryOptions, sync: sync as DirectorySyncOptions };
}

async function readConfig(file: string): Promise<Record<string, unknown> & { sync?: unknown }> {
  const text = await readText(file, 'the config file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.REFUSED, `The config file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(EXIT.REFUSED, `The config file ${file} must hold a JSON object of the LDAP connector's options.`);
  }
  return parsed as Record<string, unknown>;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.REFUSED, `Cannot read ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** A secret from a file, without the line break editors add at its end. */
async function readSecret(file: string): Promise<string> {
  return (await readText(file, 'the password file')).replace(/\r?\n$/, '');
}

function definedOnly(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/**
 * The outcome as lines: what was read, the counts per area, what was refused or invalid.
 *
 * @param outcome - the outcome
 * @param styles - the styles
 */
export function renderSync(outcome: SyncOutcome, styles: Styles): string[] {
  const lines = [`Read ${count(outcome.read, 'account')} from the directory; ${count(outcome.skipped.length, 'account')} skipped.`];
  for (const s of outcome.skipped.slice(0, 10)) lines.push(`  ${s.dn}: ${s.message}`);
  if (outcome.skipped.length > 10) lines.push(`  ... and ${count(outcome.skipped.length - 10, 'more')}`);
  if (outcome.refused !== null) {
    lines.push('', styles.red(`Refused: ${outcome.refused.message}`));
    return lines;
  }
  lines.push('', styles.bold(outcome.dryRun ? 'Dry run: nothing was written. The sync would:' : 'The sync:'));
  const columns = [
    { heading: 'AREA' },
    { heading: 'CREATE', align: 'right' },
    { heading: 'CREATE BLOCKED', align: 'right' },
    { heading: 'ACTIVATE', align: 'right' },
    { heading: 'BLOCK', align: 'right' },
    { heading: 'UPDATE', align: 'right' },
    { heading: 'UNCHANGED', align: 'right' },
    { heading: 'WAITING FOR A SEAT', align: 'right' },
  ] as const;
  const row = (label: string, c: DirectorySyncTotals | DirectorySyncAreaTotals) => [
    label,
    ...[c.create, c.createBlocked, c.activate, c.block, c.update, c.unchanged, c.waitingForLicense].map((n) => n.toLocaleString('en-US')),
  ];
  lines.push(...table(columns, [...outcome.areas.map((a) => row(a.areaId, a)), row('total', outcome.totals)], styles));
  if (outcome.totals.skipped > 0) lines.push(`${count(outcome.totals.skipped, 'planned change')} left alone: the profile changed meanwhile.`);
  if (outcome.invalid.length > 0) {
    lines.push('', styles.red(`Invalid (${count(outcome.invalid.length, 'entry', 'entries')}, not applied):`));
    for (const entry of outcome.invalid.slice(0, 20)) {
      const who = entry.username ?? entry.externalId ?? `entry ${entry.index}`;
      lines.push(`  ${who}: ${entry.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')}`);
    }
    if (outcome.invalid.length > 20) lines.push(`  ... and ${count(outcome.invalid.length - 20, 'more')}`);
  }
  return lines;
}
