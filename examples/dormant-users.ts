/**
 * Dormant users: seats held by people who have not signed in for 90 days are
 * given back, and a dormant user who signs in again gets a seat back when one
 * is free. Every step is in the audit trail.
 *
 * Run: npx tsx examples/dormant-users.ts
 */
import { createSeatkeeper, InMemorySeatRepository, type LicenseNotification } from 'seatkeeper';

// A clock the example moves forward; a host uses the real one (the default).
let now = new Date('2026-01-05T09:00:00Z');
const told: LicenseNotification[] = [];
const seats = createSeatkeeper({
  repository: new InMemorySeatRepository(),
  clock: () => new Date(now),
  notifier: { send: async (n) => void told.push(n) },
});
const admin = { id: 'admin-7', name: 'Ada Admin' };

await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 }, { actor: admin });
await seats.setResponsiblePerson('licences@example.com', { actor: admin });
const ids = new Map<string, string>();
for (const username of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon']) {
  const r = await seats.createUser({ username, areaId: 'primary' }, { actor: admin });
  if (r.ok) ids.set(username, r.user.id);
}
const id = (username: string) => ids.get(username) as string;

// The sign-in handler reports every sign-in: one cheap write, no lock.
now = new Date('2026-03-01T09:00:00Z');
for (const username of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal']) await seats.recordActivity(id(username));

// Three months later: who has not been seen for 90 days? A dry run first.
now = new Date('2026-05-01T09:00:00Z');
const plan = await seats.planDormantUsers({ inactiveFor: { days: 90 }, exclude: ['hal'] });
console.log(`Dormant since ${plan.cutoff.toISOString()}: ${plan.users.map((u) => u.username).join(', ')}`);

const report = await seats.applyDormantUsers(plan);
console.log(`Blocked as dormant: ${report.blocked.map((u) => u.username).join(', ')} (refused: ${report.refused?.message ?? 'no'})`);
const afterRun = (await seats.summary()).areas[0];
console.log(`Primary Area: ${afterRun?.using} of ${afterRun?.maxUsers} seats in use`);

// One of them signs in again: a seat is free, so the account is active again at once.
now = new Date('2026-05-02T08:30:00Z');
const signIn = await seats.recordActivity(id('ivy'));
console.log(`ivy signs in: reinstated ${signIn.reinstated}, now ${signIn.user.state}`);

// The audit trail says who did what to ivy, newest first.
for (const e of (await seats.auditLog({ userId: id('ivy') })).events) {
  console.log(`  ${e.at.toISOString()}  ${e.actor.id.padEnd(14)} ${e.action.padEnd(15)} ${JSON.stringify(e.after)}`);
}

await seats.settleNotifications();
const summary = told.find((n) => n.type === 'dormant-users-blocked');
console.log(`\nTold ${summary?.to}: ${summary?.subject}`);

const ok =
  plan.users.length === 2 &&
  report.blocked.length === 2 &&
  afterRun?.using === 8 &&
  signIn.reinstated &&
  (await seats.getUser(id('jon')))?.blockReason === 'dormant' &&
  summary !== undefined;
if (!ok) {
  console.error('Unexpected outcome: see above.');
  process.exit(1);
}
