/**
 * `seatkeeper audit` and `seatkeeper dormant`: the audit trail and giving back
 * seats nobody uses.
 *
 * @module
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { AuditEvent, DormantUsersPlan } from 'seatkeeper';
import { EXIT } from '../exit-codes.js';
import { writeLine } from '../output.js';
import { withSeats, type Session } from '../session.js';

/** A whole number of at least 1, for `--limit` and `--days`. */
function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/**
 * Adds the `audit` command: the trail, newest first, optionally of one user.
 *
 * @param program - the program
 * @param session - the session
 */
export function addAuditCommand(program: Command, session: Session): void {
  program
    .command('audit')
    .summary('who did what, newest first')
    .description('Prints the audit trail, newest first: who created, changed, moved, blocked or deleted which user, area, organization or license, and when.')
    .option('--user <id|username>', 'only the events of this user (an id, or a username)')
    .option('--limit <n>', 'at most this many events', positiveInteger, 50)
    .option('--json', 'print the events as JSON')
    .action(async (options: { readonly user?: string; readonly limit: number; readonly json?: boolean }, command: Command) => {
      await withSeats(command, async (seats) => {
        let userId: string | undefined;
        if (options.user !== undefined) {
          userId = (await seats.getUser(options.user))?.id ?? (await seats.findUserByUsername(options.user))?.id;
          if (userId === undefined) {
            writeLine(session.io.stderr, session.err.red(`No user "${options.user}" (by id or username).`));
            session.exitCode = EXIT.REFUSED;
            return;
          }
        }
        const page = await seats.auditLog({ limit: options.limit, ...(userId === undefined ? {} : { userId }) });
        if (options.json === true) writeLine(session.io.stdout, JSON.stringify(page, null, 2));
        else for (const event of page.events) writeLine(session.io.stdout, renderEvent(event));
        if (options.json !== true && page.events.length === 0) writeLine(session.io.stdout, 'No events.');
      });
    });
}

/** One event as a line: time, actor, action, subject, and the fields that changed. */
export function renderEvent(event: AuditEvent): string {
  const changed = Object.keys({ ...event.before, ...event.after })
    .map((field) => `${field}: ${JSON.stringify(event.before?.[field] ?? null)} -> ${JSON.stringify(event.after?.[field] ?? null)}`)
    .join(', ');
  return `${event.at.toISOString()}  ${event.actor.id}  ${event.action} ${event.subject.type} ${event.subject.id}${changed === '' ? '' : `  (${changed})`}`;
}

/**
 * Adds the `dormant` command: a dry run of blocking users inactive for a
 * number of days, applied with `--apply`.
 *
 * @param program - the program
 * @param session - the session
 */
export function addDormantCommand(program: Command, session: Session): void {
  program
    .command('dormant')
    .summary('list (and with --apply block) users inactive for a number of days')
    .description(
      'Lists the active licensed users without activity for --days (never system users, never users created within the period); ' +
        'with --apply blocks them (block reason dormant), giving their seats back. A dormant user who signs in again is reinstated when a seat is free. ' +
        'A run that would block more than 20 % of an area is refused unless --force. Exits with 1 when refused.',
    )
    .requiredOption('--days <n>', 'days without activity', positiveInteger)
    .option('--apply', 'block them (without it, a dry run)')
    .option('--force', 'apply even when more than 20 % of an area would be blocked')
    .option('--json', 'print the plan (or the report) as JSON')
    .action(async (options: { readonly days: number; readonly apply?: boolean; readonly force?: boolean; readonly json?: boolean }, command: Command) => {
      await withSeats(command, async (seats) => {
        const plan = await seats.planDormantUsers({ inactiveFor: { days: options.days }, ...(options.force === true ? { force: true } : {}) });
        if (options.apply !== true) {
          if (options.json === true) writeLine(session.io.stdout, JSON.stringify(plan, null, 2));
          else for (const line of renderPlan(plan)) writeLine(session.io.stdout, line);
          if (plan.refused !== null) session.exitCode = EXIT.REFUSED;
          return;
        }
        const report = await seats.applyDormantUsers(plan, { actor: { id: 'seatkeeper-cli' } });
        if (options.json === true) writeLine(session.io.stdout, JSON.stringify(report, null, 2));
        else if (report.refused !== null) writeLine(session.io.stdout, session.out.red(report.refused.message));
        else writeLine(session.io.stdout, `Blocked ${report.blocked.length} dormant user(s); ${report.skipped.length} left alone (active again, moved or deleted since the plan).`);
        if (report.refused !== null) session.exitCode = EXIT.REFUSED;
      });
    });
}

/** A dry run as lines. */
function renderPlan(plan: DormantUsersPlan): string[] {
  const lines = plan.users.map((u) => `${u.username}  ${u.areaId}  last activity ${u.lastActivityAt?.toISOString() ?? 'never'}`);
  lines.push(`${plan.users.length} user(s) inactive since ${plan.cutoff.toISOString()} would be blocked. Run again with --apply to block them.`);
  if (plan.refused !== null) lines.push(plan.refused.message);
  return lines;
}
