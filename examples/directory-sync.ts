/**
 * Directory sync at the license limit (seed 000, "My Active Directory sync is
 * working but new users aren't able to log in?"): profiles are created blocked
 * while no license is free, and the next sync after a purchase activates them.
 *
 * Run: npx tsx examples/directory-sync.ts
 */
import { createSeatkeeper, InMemorySeatRepository, type DirectoryEntryInput, type DirectorySyncReport } from 'seatkeeper';

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 3 });
for (const username of ['ann', 'ben', 'cat']) await seats.createUser({ username, areaId: 'primary' });

// What the host's Active Directory connector hands over: one entry per account.
const feed: DirectoryEntryInput[] = [
  { externalId: 'S-1-5-21-1001', username: 'dan', email: 'dan@example.com', displayName: 'Dan', areaId: 'primary' },
  { externalId: 'S-1-5-21-1002', username: 'eve', email: 'eve@example.com', displayName: 'Eve', areaId: 'primary' },
  { externalId: 'S-1-5-21-1003', username: 'fay', email: 'fay@example', displayName: 'Fay', areaId: 'primary' },
];

function show(title: string, report: DirectorySyncReport): void {
  console.log(`\n${title}`);
  for (const line of report.lines) console.log(`  ${line.username.padEnd(4)} ${line.action.padEnd(15)} ${line.reason ?? ''}`);
  for (const entry of report.invalid) console.log(`  entry ${entry.index} (${entry.username}) not applied: ${entry.issues.map((i) => i.message).join('; ')}`);
  console.log(`  waiting for a license: ${report.waitingForLicense.map((l) => l.username).join(', ') || 'nobody'}`);
}

// A dry run first: nothing is written.
const plan = await seats.planDirectorySync(feed);
console.log(`Plan: ${plan.totals.create} to create, ${plan.totals.createBlocked} to create blocked, ${plan.totals.invalid} invalid`);

const first = await seats.applyDirectorySync(plan);
show('Sync at the limit: the profiles exist but cannot log in', first);

// Two licenses are bought (below the minimum purchase of 5, so recorded as an explicit override).
await seats.setAreaLicenses('primary', 5, { reason: 'two licenses bought, order 4711' });
const second = await seats.syncDirectory(feed);
show('Next sync after the purchase: the waiting profiles are activated', second);

const usage = (await seats.summary()).areas[0];
console.log(`\nPrimary Area: ${usage?.using} of ${usage?.maxUsers} licenses in use (${usage?.status})`);

const ok =
  first.totals.createBlocked === 2 && first.invalid.length === 1 && second.totals.activate === 2 && second.waitingForLicense.length === 0 && usage?.using === 5;
if (!ok) {
  console.error('Unexpected outcome: see above.');
  process.exit(1);
}
