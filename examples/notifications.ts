// Notifications, license requests and forecasts, end to end on the in-memory repository.
// Run: npx tsx examples/notifications.ts
import assert from 'node:assert/strict';
import { createSeatkeeper, InMemorySeatRepository, type LicenseNotification, type Notifier } from 'seatkeeper';

/** The host's own mail sender; here it prints, and fails once to show the outbox at work. */
interface Mailer {
  send(message: { to: string; subject: string; text: string; messageId: string; signal?: AbortSignal | undefined }): Promise<void>;
}
let mailServerDown = true;
const outbox: string[] = [];
const mailer: Mailer = {
  async send(message) {
    if (mailServerDown) throw new Error('mail server unreachable');
    outbox.push(message.subject);
    console.log(`mail to ${message.to}: ${message.subject}`);
  },
};

/** The notifier: compose nothing, just hand seatkeeper's message to the mailer. */
const notifier: Notifier = {
  async send(n: LicenseNotification, options) {
    // The id is the same on every attempt: as the Message-ID, it lets mail systems drop the duplicate of an at-least-once retry.
    // The signal aborts at notificationTimeout: a mailer that honours it stops instead of hanging on.
    await mailer.send({ to: n.to, subject: n.subject, text: n.text, messageId: `<${n.id}@licences.example.com>`, signal: options?.signal });
  },
};

let now = new Date('2026-03-02T09:00:00Z');
const clock = () => new Date(now);
const advanceDays = (days: number) => (now = new Date(now.getTime() + days * 86_400_000));

const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), notifier, clock, reminderEvery: { days: 7 } });
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 3 });
await seats.setResponsiblePerson('licences@example.com');

// Three seats fill up over three days (snapshots feed the forecast), then a fourth user is refused.
for (const name of ['alice', 'bob', 'carol']) {
  await seats.recordUsageSnapshot();
  assert.ok((await seats.createUser({ username: name, areaId: 'primary' })).ok);
  advanceDays(1);
}
const refused = await seats.createUser({ username: 'dave', areaId: 'primary' });
assert.equal(refused.ok, false);
console.log(`dave refused: ${refused.ok ? '' : refused.reason.code}`);

// The refusal returned at once; the mail is sent in the background. Wait for that here, as a test or a shutdown would.
await seats.settleNotifications();
// The mail server was down: the notification waits in the outbox; the refusal was not affected.
assert.equal((await seats.notifications({ status: 'pending' })).length, 1);
mailServerDown = false;
advanceDays(1); // past the retry backoff
await seats.deliverPendingNotifications();
assert.equal(outbox.length, 1);

// A forecast from the snapshots, then the purchase request it suggests.
const forecast = await seats.forecast({ areaId: 'primary', horizon: { months: 1 } });
console.log(`trend ${forecast.seatsPerDay.toFixed(1)} seats/day; out of seats on ${forecast.exhaustsAt?.toISOString().slice(0, 10)}; buy ${forecast.suggestedPurchase}`);
const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: forecast.suggestedPurchase });
console.log(`\n${request.summary}\n`);

// The vendor approves; the stored request (JSON) is applied once, however often it is replayed.
const stored = JSON.stringify(request);
assert.equal((await seats.applyLicenseChange(JSON.parse(stored))).applied, true);
assert.equal((await seats.applyLicenseChange(JSON.parse(stored))).applied, false);
assert.ok((await seats.createUser({ username: 'dave', areaId: 'primary' })).ok);
const [area] = (await seats.summary()).areas;
console.log(`after the purchase: ${area?.using} of ${area?.maxUsers} seats in use, peak this month ${(await seats.peakUsage({ areaId: 'primary' })).peak}`);
