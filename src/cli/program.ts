/**
 * The `seatkeeper` command: its global options, its commands, and how a run
 * ends (output, errors, exit code).
 *
 * @module
 */
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { ConfigurationRefusedError, SeatkeeperError } from 'seatkeeper';
import { addAuditCommand, addDormantCommand } from './commands/audit.js';
import { addDiagnoseCommand, addMigrateCommand } from './commands/diagnose.js';
import { addExportCommand, addImportCommand } from './commands/people.js';
import { addSetupCommands } from './commands/setup.js';
import { addStatusCommand } from './commands/status.js';
import { addSyncLdapCommand } from './commands/sync-ldap.js';
import { CliError, EXIT, EXIT_CODES_HELP, exitCodeFor, type ExitCode } from './exit-codes.js';
import { writeLine, type Io } from './output.js';
import { createSession, type Session } from './session.js';

/** The default folder of the embedded database. */
export const DEFAULT_DATA_DIR = './.seatkeeper';

/** The installed package's version, read through the package's own exports. */
function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)('seatkeeper/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The program with every command, writing through the session.
 *
 * @param session - where to write, and the exit code
 */
export function buildProgram(session: Session): Command {
  const program = new Command('seatkeeper')
    .description(
      'User-license (seat) accounting from the command line: licenses per area, the People CSV, LDAP sync, diagnostics.\n\n' +
        'Storage: a PostgreSQL or MySQL database (--database-url or DATABASE_URL), or without one an embedded PostgreSQL (PGlite) ' +
        'in a local folder (--data-dir). Moving to a server changes nothing but the URL.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .addOption(new Option('--database-url <url>', 'the database: postgres://user:password@host:5432/database or mysql://...').env('DATABASE_URL'))
    .addOption(
      new Option('--data-dir <dir>', 'the folder of the embedded database, used when no database URL is given').default(DEFAULT_DATA_DIR).conflicts('databaseUrl'),
    )
    .option('--schema <name>', "the PostgreSQL schema (MySQL: the database) of seatkeeper's tables (default: the connection's)")
    .option('--table-prefix <prefix>', "MySQL: the prefix of seatkeeper's table names (default seatkeeper_)")
    .helpCommand(false)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => session.io.stdout.write(text),
      writeErr: (text) => session.io.stderr.write(text),
      outputError: (text, write) => write(session.err.red(text)),
    })
    .exitOverride()
    .addHelpText('afterAll', EXIT_CODES_HELP);

  program.commandsGroup('Licenses and reports:');
  addStatusCommand(program, session);
  addDiagnoseCommand(program, session);
  addAuditCommand(program, session);
  program.commandsGroup('People:');
  addDormantCommand(program, session);
  addExportCommand(program, session);
  addImportCommand(program, session);
  addSyncLdapCommand(program, session);
  program.commandsGroup('Setup:');
  addSetupCommands(program, session);
  addMigrateCommand(program, session);
  return program;
}

/**
 * Runs the command line on `argv` (the arguments after the program name).
 *
 * @param argv - the arguments
 * @param io - the streams and the environment
 * @returns the exit code
 */
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCode> {
  const session = createSession(io);
  const program = buildProgram(session);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return session.exitCode;
  } catch (error) {
    return reportFailure(error, session);
  }
}

function reportFailure(error: unknown, session: Session): ExitCode {
  if (error instanceof CommanderError) {
    // Help asked for, and the version, end a run normally; help shown for a missing command is a usage error.
    // Commander has already printed every problem.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
    return error.code === 'commander.help' && error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  const { stderr } = session.io;
  const message = error instanceof Error ? error.message : String(error);
  // A library error leads with its stable code (and a refused configuration with its rule), for scripts to match.
  const code = error instanceof ConfigurationRefusedError ? `${error.code} (${error.rule}): ` : error instanceof SeatkeeperError ? `${error.code}: ` : '';
  writeLine(stderr, session.err.red(`seatkeeper: ${code}${message}`));
  if (error instanceof CliError && error.hint !== undefined) writeLine(stderr, error.hint);
  const exitCode = exitCodeFor(error);
  if (!(error instanceof SeatkeeperError) && !(error instanceof CliError) && error instanceof Error && session.io.env.SEATKEEPER_DEBUG === '1') {
    writeLine(stderr, error.stack ?? '');
  }
  return exitCode;
}
