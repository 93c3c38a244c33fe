/**
 * `seatkeeper diagnose` and `seatkeeper migrate`.
 *
 * @module
 */
import type { Command } from 'commander';
import type { Finding } from 'seatkeeper';
import { EXIT } from '../exit-codes.js';
import { writeLine, type Styles } from '../output.js';
import { withSeats, type Session } from '../session.js';

/**
 * Adds the `diagnose` command.
 *
 * @param program - the program
 * @param session - the session
 */
export function addDiagnoseCommand(program: Command, session: Session): void {
  program
    .command('diagnose')
    .summary('check the configuration and say what to fix')
    .description(
      'Checks the configuration and says what to fix: areas over their limit or over-allocated, partner quotas, denied ' +
        'partners, no responsible person, a renamed guest not yet migrated. Exits with 1 when a finding has severity error.',
    )
    .option('--json', 'print the findings as JSON')
    .action(async (options: { readonly json?: boolean }, command: Command) => {
      await withSeats(command, async (seats) => {
        const findings = await seats.diagnose();
        if (options.json === true) writeLine(session.io.stdout, JSON.stringify(findings, null, 2));
        else for (const line of renderFindings(findings, session.out)) writeLine(session.io.stdout, line);
        if (findings.some((f) => f.severity === 'error')) session.exitCode = EXIT.REFUSED;
      });
    });
}

/**
 * The findings as lines, most urgent first.
 *
 * @param findings - the findings
 * @param styles - the styles
 */
export function renderFindings(findings: readonly Finding[], styles: Styles): string[] {
  if (findings.length === 0) return [styles.green('No findings: the configuration is consistent.')];
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const style = { error: styles.red, warning: styles.orange, info: (text: string) => text } as const;
  return [...findings]
    .sort((a, b) => rank[a.severity] - rank[b.severity])
    .map((f) => `${style[f.severity](`[${f.severity}]`)} ${f.code}: ${f.message}`);
}

/**
 * Adds the `migrate` command.
 *
 * @param program - the program
 * @param session - the session
 */
export function addMigrateCommand(program: Command, session: Session): void {
  program
    .command('migrate')
    .summary("create or upgrade seatkeeper's tables, and print the schema version")
    .description(
      "Creates seatkeeper's tables when missing, or upgrades them, and prints the schema version. Idempotent, and safe " +
        'while app servers run (concurrent runs wait for each other). A database server needs it once before the other ' +
        'commands, and after each upgrade of seatkeeper; the embedded database is migrated by every command.',
    )
    .option('--json', 'print { version, applied } as JSON')
    .action(async (options: { readonly json?: boolean }, command: Command) => {
      await withSeats(
        command,
        async (_seats, storage) => {
          const result = await storage.repository.migrate();
          if (options.json === true) {
            writeLine(session.io.stdout, JSON.stringify(result));
            return;
          }
          const applied = result.applied.length === 0 ? 'already up to date' : `applied ${result.applied.join(', ')}`;
          writeLine(session.io.stdout, `Schema version ${result.version} in ${storage.description} (${applied}).`);
        },
        { migrate: false },
      );
    });
}
