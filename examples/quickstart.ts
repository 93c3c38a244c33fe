/**
 * Quickstart: a primary area and a partner extranet, system users, licensed
 * users, a refused creation, and the User License Count as a host admin and a
 * partner admin see it, side by side.
 *
 * Run: npm run demo
 */
import { createSeatkeeper, InMemorySeatRepository, type AreaUsage, type LicenseView, type SeatStatus } from 'seatkeeper';

/** The mark this console prints beside a status: a warning sign, or a stop sign when no seat is left. */
const statusMark: Record<SeatStatus, string> = { ok: 'ok', warning: '! warning', exhausted: 'STOP exhausted', exceeded: 'STOP exceeded' };

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });

// Safe on every start: an existing area keeps the licenses it has (they change through license changes only).
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 50 });
await seats.defineArea({ id: 'partners', kind: 'extranet', name: 'Partner Extranet', maxUsers: 5 });
await seats.defineOrganization({ id: 'acme', areaId: 'partners', name: 'Acme', access: 'granted', maxUsers: 3 });
await seats.defineOrganization({ id: 'globex', areaId: 'partners', name: 'Globex', access: 'granted', maxUsers: 1 });
await seats.ensureSystemUsers(); // SuperUser + Guest: active, but they take no license

for (let i = 1; i <= 49; i++) {
  await seats.createUser({ username: `staff${String(i).padStart(2, '0')}`, areaId: 'primary', email: `staff${i}@example.com` });
}
await seats.createUser({ username: 'ana.partner', areaId: 'partners', organizationId: 'acme' });
await seats.createUser({ username: 'ben.partner', areaId: 'partners', organizationId: 'acme' });
await seats.createUser({ username: 'cy.partner', areaId: 'partners', organizationId: 'globex' });
await seats.createUser({ username: 'host.partner', areaId: 'partners' });

// Globex has used its quota: the next creation is refused, and nothing is written.
const refused = await seats.createUser({ username: 'dee.partner', areaId: 'partners', organizationId: 'globex' });
if (!refused.ok) console.log(`Refused: ${refused.reason.code}: ${refused.reason.message}\n`);

// Blocking frees a seat; the blocked profile takes no license.
const staff01 = await seats.findUserByUsername('STAFF01'); // usernames ignore case
if (staff01) await seats.blockUser(staff01.id, { blockedBy: 'quickstart' });

const host = await seats.licenseView({ role: 'host-admin' }, 'partner-user-admin-list');
const acme = await seats.licenseView({ role: 'partner-admin', organizationId: 'acme' }, 'partner-user-admin-list');

/** The host admin's column: every area, its raw figures and the host's own Remaining. */
function hostColumn(view: LicenseView): string[] {
  if (view.role !== 'host-admin') return [];
  const lines = ['HOST ADMIN: every area', ''];
  const row = (label: string, value: number | string, mark = '') => `  ${label.padEnd(16)} ${String(value).padStart(4)}  ${mark}`;
  for (const a of view.areas as readonly AreaUsage[]) {
    lines.push(`${a.name}`);
    lines.push(row('licenses', a.maxUsers));
    lines.push(row('using', a.using));
    lines.push(row('remaining', a.remaining, statusMark[a.status]));
    lines.push(row("host's own left", a.unallocatedRemaining, statusMark[a.hostStatus]));
    for (const o of a.organizations) lines.push(row(`${o.name} using`, `${o.using}/${o.maxUsers ?? '-'}`, o.status === null ? '' : statusMark[o.status]));
    lines.push('');
  }
  lines.push(`Active users: ${view.totals.totalActiveUsers} (${view.totals.using} licensed)`);
  return lines;
}

/** The partner admin's column: its own organization's figures, nothing about any other. */
function partnerColumn(view: LicenseView): string[] {
  if (view.role !== 'partner-admin') return [];
  const shown = (value: number | null) => (value === null ? 'hidden' : String(value));
  return [
    'PARTNER ADMIN of Acme: its own figures',
    '',
    'Acme',
    `  using            ${shown(view.using).padStart(4)}`,
    `  maximum users    ${shown(view.maxUsers).padStart(4)}`,
    `  remaining        ${shown(view.remaining).padStart(4)}  ${view.status === null ? '' : statusMark[view.status]}`,
    '',
    '(no other organization, no area figure:',
    ' safe to send to the partner as it is)',
  ];
}

const left = hostColumn(host);
const right = partnerColumn(acme);
const width = Math.max(...left.map((l) => l.length)) + 4;
for (let i = 0; i < Math.max(left.length, right.length); i++) console.log(`${(left[i] ?? '').padEnd(width)}| ${right[i] ?? ''}`);

// Acme's Remaining is what it can really get: 1 of its quota is left, and the area has 1 seat for it.
const ok = !refused.ok && acme.role === 'partner-admin' && acme.remaining === 1 && host.role === 'host-admin' && host.areas.length === 2;
if (!ok) process.exit(1);
