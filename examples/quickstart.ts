/**
 * Quickstart: a primary area and an extranet, system users, some licensed
 * users, a refused creation, and the admin summary with status marks.
 *
 * Run: npm run demo
 */
import { createSeatkeeper, InMemorySeatRepository, type SeatStatus } from 'seatkeeper';

/** The mark this console prints beside a status: a warning sign, or a stop sign when no seat is left. */
const statusMark: Record<SeatStatus, string> = { ok: 'ok', warning: '! warning', exhausted: 'STOP exhausted', exceeded: 'STOP exceeded' };

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });

await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 50 });
await seats.defineArea({ id: 'partners', kind: 'extranet', name: 'Partner Extranet', maxUsers: 3 });
await seats.ensureSystemUsers(); // SuperUser + Guest: active, but they take no license

for (let i = 1; i <= 49; i++) {
  await seats.createUser({ username: `staff${String(i).padStart(2, '0')}`, areaId: 'primary', email: `staff${i}@example.com` });
}
for (const username of ['ana.partner', 'ben.partner', 'cy.partner']) {
  await seats.createUser({ username, areaId: 'partners' });
}

// The extranet is full: the next creation is refused, and nothing is written.
const refused = await seats.createUser({ username: 'dee.partner', areaId: 'partners' });
if (!refused.ok) console.log(`Refused: ${refused.reason.code}: ${refused.reason.message}\n`);

// Blocking frees a seat; the blocked profile takes no license.
const staff01 = await seats.findUserByUsername('STAFF01'); // usernames ignore case
if (staff01) await seats.blockUser(staff01.id, { blockedBy: 'quickstart' });

const { areas, totals } = await seats.summary();
console.log('Area               Max  Using  Remaining  Active(total)  Blocked  Status');
for (const a of areas) {
  console.log(
    `${a.name.padEnd(18)} ${String(a.maxUsers).padStart(4)} ${String(a.using).padStart(6)} ${String(a.remaining).padStart(10)} ${String(a.totalActiveUsers).padStart(14)} ${String(a.blocked).padStart(8)}  ${statusMark[a.status]}`,
  );
}
console.log(`\nCurrent total of users: ${totals.totalActiveUsers} active (${totals.using} licensed); total intranet users: ${totals.intranetUsers}`);

if (refused.ok || areas.length !== 2) process.exit(1);
