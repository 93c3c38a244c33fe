/**
 * The setup commands: `define-area`, `set-licenses`, `define-organization`,
 * `ensure-system-users`, `set-responsible-person` and `create-user`,
 * enough to set a site up from a shell (and to follow the README's steps).
 *
 * @module
 */
import { Option, type Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { writeLine } from '../output.js';
import { wholeNumber, withSeats, type Session } from '../session.js';

/**
 * Adds the setup commands.
 *
 * @param program - the program
 * @param session - the session
 */
export function addSetupCommands(program: Command, session: Session): void {
  program
    .command('define-area')
    .summary('create an area (a license pool), or rename it')
    .description(
      'Creates an area with --max-users seats, or, when the id exists, updates its name and grace seats. An existing ' +
        "area's seats and kind never change here, so running the same setup again is safe: change seats with " +
        '`seatkeeper set-licenses`. A site has exactly one primary area (the intranet) and any number of extranet areas.',
    )
    .argument('<id>', 'the area id, e.g. primary')
    .addOption(new Option('--kind <kind>', 'primary (exactly one per site) or extranet').choices(['primary', 'extranet']).makeOptionMandatory())
    .requiredOption('--name <name>', 'the name admins see')
    .requiredOption('--max-users <n>', 'the seats a new area starts with', wholeNumber())
    .option('--grace-seats <n>', 'seats allowed over the limit before refusing (they still count as exceeded)', wholeNumber())
    .action(
      async (
        id: string,
        options: { readonly kind: 'primary' | 'extranet'; readonly name: string; readonly maxUsers: number; readonly graceSeats?: number },
        command: Command,
      ) => {
        await withSeats(command, async (seats) => {
          const area = await seats.defineArea({
            id,
            kind: options.kind,
            name: options.name,
            maxUsers: options.maxUsers,
            ...(options.graceSeats === undefined ? {} : { graceSeats: options.graceSeats }),
          });
          writeLine(session.io.stdout, `Area ${area.id} (${area.kind}, "${area.name}"): ${area.maxUsers.toLocaleString('en-US')} seats.`);
          if (area.maxUsers !== options.maxUsers) {
            writeLine(
              session.io.stdout,
              `It already existed and keeps its seats; to change them: seatkeeper set-licenses ${area.id} ${options.maxUsers} --reason "..."`,
            );
          }
        });
      },
    );

  program
    .command('set-licenses')
    .summary("set an area's number of seats, kept in the license history")
    .description(
      "Sets an existing area's seats outside a purchase: a correction, a contract that changed, a pool counted before " +
        'seatkeeper. The change is kept in the license history with the reason. Raising is always allowed; lowering below ' +
        'the seats in use or below the partner quotas is refused (exit code 1) unless --allow-below-use: nobody loses a ' +
        'seat, and the area then reports exceeded.',
    )
    .argument('<area>', 'the area id')
    .argument('<n>', 'its new number of seats', wholeNumber())
    .requiredOption('--reason <text>', 'why the seats change, kept in the history (e.g. "contract 2026-114 renewed at 80")')
    .option('--allow-below-use', 'set them even below the seats in use or the partner quotas')
    .action(async (areaId: string, maxUsers: number, options: { readonly reason: string; readonly allowBelowUse?: boolean }, command: Command) => {
      await withSeats(command, async (seats) => {
        const result = await seats.setAreaLicenses(areaId, maxUsers, { reason: options.reason, allowBelowUse: options.allowBelowUse === true });
        const seatsText = maxUsers.toLocaleString('en-US');
        writeLine(session.io.stdout, result.applied ? `Area ${areaId} now has ${seatsText} seats.` : `Area ${areaId} already has ${seatsText} seats; nothing changed.`);
      });
    });

  program
    .command('define-organization')
    .summary('create a partner organization in an area, or change it')
    .description(
      'Creates a partner organization, or updates it when the id exists. A quota sets seats of the area aside for the ' +
        'partner; a change that would over-allocate the area or put the partner below its use is refused unless ' +
        '--allow-over-limit. A denied partner keeps its users but gets no new seats.',
    )
    .argument('<id>', 'the organization id, e.g. acme')
    .requiredOption('--area <id>', 'the area whose seats it uses')
    .requiredOption('--name <name>', 'the name admins see')
    .option('--max-users <n>', 'its quota (default: none set)', wholeNumber())
    .addOption(new Option('--access <access>', 'whether it may take seats').choices(['granted', 'denied']).default('granted'))
    .option('--allow-over-limit', 'make the change even if it over-allocates the area or puts the partner below its use')
    .action(
      async (
        id: string,
        options: { readonly area: string; readonly name: string; readonly maxUsers?: number; readonly access: 'granted' | 'denied'; readonly allowOverLimit?: boolean },
        command: Command,
      ) => {
        await withSeats(command, async (seats) => {
          const organization = await seats.defineOrganization({
            id,
            areaId: options.area,
            name: options.name,
            access: options.access,
            maxUsers: options.maxUsers ?? null,
            allowOverLimit: options.allowOverLimit === true,
          });
          const quota = organization.maxUsers === null ? 'no quota' : `a quota of ${organization.maxUsers.toLocaleString('en-US')}`;
          writeLine(session.io.stdout, `Partner ${organization.id} ("${organization.name}") in ${organization.areaId}: access ${organization.access}, ${quota}.`);
        });
      },
    );

  program
    .command('ensure-system-users')
    .summary('create the system users SuperUser and Guest when missing')
    .description(
      'Creates the system users SuperUser and Guest in the primary area when they are missing. They never take a seat. ' +
        'Idempotent: run it after defining the primary area, and again whenever you like.',
    )
    .action(async (_options: unknown, command: Command) => {
      await withSeats(command, async (seats) => {
        const created = await seats.ensureSystemUsers();
        writeLine(
          session.io.stdout,
          created.length === 0 ? 'The system users exist; nothing to do.' : `Created ${created.map((u) => u.username).join(' and ')}.`,
        );
      });
    });

  program
    .command('set-responsible-person')
    .summary('set the email address told when a license limit is exceeded')
    .description(
      'Sets the one address (a group address is fine) told when a license limit is exceeded. The command line sends no ' +
        'mail itself: notifications wait in the outbox for the application that embeds seatkeeper to deliver them.',
    )
    .argument('<email>', 'the address, or "none" to clear it')
    .action(async (email: string, _options: unknown, command: Command) => {
      await withSeats(command, async (seats) => {
        const set = await seats.setResponsiblePerson(email === 'none' ? null : email);
        writeLine(session.io.stdout, set === null ? 'No responsible person is set.' : `The responsible person is ${set}.`);
      });
    });

  program
    .command('create-user')
    .summary('create a user, taking a seat if one is free')
    .description('Creates a user in an area. Refused (exit code 1, nothing written) when no seat is free or the username is taken.')
    .argument('<username>', 'the username, unique site-wide ignoring case')
    .requiredOption('--area <id>', 'the area whose seat the user takes')
    .option('--organization <id>', 'the partner organization (default: the host company)')
    .option('--email <email>', 'the email address')
    .option('--display-name <name>', 'the name shown in lists')
    .action(
      async (
        username: string,
        options: { readonly area: string; readonly organization?: string; readonly email?: string; readonly displayName?: string },
        command: Command,
      ) => {
        await withSeats(command, async (seats) => {
          const result = await seats.createUser({
            username,
            areaId: options.area,
            ...(options.organization === undefined ? {} : { organizationId: options.organization }),
            ...(options.email === undefined ? {} : { email: options.email }),
            ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
          });
          if (result.ok) {
            writeLine(session.io.stdout, `Created ${result.user.username} in ${result.user.areaId} (id ${result.user.id}).`);
            return;
          }
          writeLine(session.io.stderr, session.err.red(`Refused: ${result.reason.code}: ${result.reason.message}`));
          session.exitCode = EXIT.REFUSED;
        });
      },
    );
}
