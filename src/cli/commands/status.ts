/**
 * `seatkeeper status`: the license table per area, the host's own seats and
 * the partner allocations; `--json` for scripts.
 *
 * @module
 */
import type { Command } from 'commander';
import type { AreaUsage, SiteSummary } from 'seatkeeper';
import { count, statusCell, table, writeLine, type Cell, type Styles } from '../output.js';
import { withSeats, type Session } from '../session.js';

/**
 * Adds the `status` command.
 *
 * @param program - the program
 * @param session - the session
 */
export function addStatusCommand(program: Command, session: Session): void {
  program
    .command('status')
    .summary('the licenses per area: using, remaining, status, partner allocations')
    .description(
      'Shows the licenses of every area: seats, using, remaining and status (an orange ! when fewer than 5 % are left, ' +
        'a red ✖ when none are left or more are used than bought), then, for areas with partner organizations, ' +
        "the host company's own remaining seats and each partner's users (using), quota and remaining.",
    )
    .option('--json', 'print the summary as JSON (the figures of seats.summary()), for scripts')
    .action(async (options: { readonly json?: boolean }, command: Command) => {
      await withSeats(command, async (seats, storage) => {
        const summary = await seats.summary();
        if (options.json === true) writeLine(session.io.stdout, JSON.stringify(summary, null, 2));
        else for (const line of renderStatus(summary, storage.description, session.out)) writeLine(session.io.stdout, line);
      });
    });
}

/**
 * The status report as lines of text.
 *
 * @param summary - the site summary
 * @param where - where the data is, for the heading
 * @param styles - the styles
 */
export function renderStatus(summary: SiteSummary, where: string, styles: Styles): string[] {
  const lines = [styles.bold(`Licenses in ${where}`), ''];
  if (summary.areas.length === 0) {
    return [
      ...lines,
      'No area is defined yet. Define the primary area, for example:',
      '  seatkeeper define-area primary --kind primary --name "Primary Area" --max-users 100',
    ];
  }
  lines.push(
    ...table(
      [
        { heading: 'AREA' },
        { heading: 'NAME' },
        { heading: 'KIND' },
        { heading: 'SEATS', align: 'right' },
        { heading: 'USING', align: 'right' },
        { heading: 'REMAINING', align: 'right' },
        { heading: 'STATUS' },
      ],
      summary.areas.map((area) => [
        area.areaId,
        area.name,
        area.kind,
        figure(area.maxUsers),
        figure(area.using),
        figure(area.remaining),
        areaStatus(area),
      ]),
      styles,
    ),
  );
  for (const area of summary.areas) {
    if (area.organizations.length > 0) lines.push('', ...renderPartners(area, styles));
  }
  const { intranet, extranet } = summary.totals;
  const pools = [`intranet ${figure(intranet.using)} of ${figure(intranet.maxUsers)} seats used`];
  if (extranet.areas > 0) pools.push(`extranet ${figure(extranet.using)} of ${figure(extranet.maxUsers)} seats used`);
  lines.push(
    '',
    `Site: ${pools.join(', ')}; ${count(summary.totals.totalActiveUsers, 'active user')} (system users included), ${figure(summary.totals.blocked)} blocked.`,
  );
  return lines;
}

/** An area's host and partner figures. */
function renderPartners(area: AreaUsage, styles: Styles): string[] {
  const hostSeats = Math.max(0, area.maxUsers - area.allocated);
  const host = statusCell(area.hostStatus);
  const hostMark = host.style === undefined ? host.text : styles[host.style](host.text);
  return [
    `${styles.bold(area.areaId)}: ${figure(area.allocated)} of ${figure(area.maxUsers)} seats allocated to partners`,
    `  Host company: ${figure(area.unallocatedRemaining)} remaining of the ${figure(hostSeats)} seats not allocated  ${hostMark}`,
    ...table(
      [
        { heading: 'PARTNER' },
        { heading: 'NAME' },
        { heading: 'USERS (USING)', align: 'right' },
        { heading: 'QUOTA', align: 'right' },
        { heading: 'REMAINING', align: 'right' },
        { heading: 'ACCESS' },
        { heading: 'STATUS' },
      ],
      area.organizations.map((o) => [
        o.organizationId,
        o.name,
        `${figure(o.users)} (${figure(o.using)})`,
        o.maxUsers === null ? 'none' : figure(o.maxUsers),
        o.remaining === null ? '-' : figure(o.remaining),
        o.access === 'denied' ? { text: 'denied', style: 'red' } : 'granted',
        statusCell(o.status),
      ]),
      styles,
      '  ',
    ),
  ];
}

/** The area's status, with how far over the limit it is when exceeded. */
function areaStatus(area: AreaUsage): Cell {
  const cell = statusCell(area.status);
  return area.status === 'exceeded' ? { ...cell, text: `${cell.text} (${figure(area.overBy)} over)` } : cell;
}

function figure(n: number): string {
  return n.toLocaleString('en-US');
}
