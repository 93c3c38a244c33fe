import { afterEach, describe, expect, it } from 'vitest';
import { createSeatkeeper, InvalidInputError, type SeatkeeperOptions, type SeatRepository } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { testNotifier, type TestNotifier } from '../support/notifier.js';

/** A fresh, empty repository and how to dispose of it. */
export interface RepositoryFixture {
  readonly repository: SeatRepository;
  readonly dispose: () => Promise<void>;
}

const T0 = '2026-01-05T09:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The notification rules, through the public API, on any repository: the
 * in-memory one here, PostgreSQL in notifications-postgres.test.ts.
 */
export function describeNotificationScenarios(name: string, makeRepository: () => Promise<RepositoryFixture>): void {
  describe(`notifications on ${name}`, () => {
    const fixtures: RepositoryFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    async function setup(maxUsers: number, options: Partial<SeatkeeperOptions> = {}, notifier: TestNotifier = testNotifier()) {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock = fixedClock(T0);
      const ids = { next: 0 };
      const seats = createSeatkeeper({ repository: fixture.repository, clock, notifier, newId: () => `id-${++ids.next}`, ...options });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
      await seats.setResponsiblePerson('licences@example.com');
      const fill = async (n: number, prefix = 'user') => {
        for (let i = 0; i < n; i++) expect((await seats.createUser({ username: `${prefix}${i}`, areaId: 'primary' })).ok).toBe(true);
      };
      return { seats, clock, notifier, fill, repository: fixture.repository };
    }

    it('the responsible person is one validated address, replaceable and removable at any time', async () => {
      const { seats } = await setup(1);
      expect(await seats.getResponsiblePerson()).toBe('licences@example.com');
      await expect(seats.setResponsiblePerson('not an address')).rejects.toBeInstanceOf(InvalidInputError);
      expect(await seats.getResponsiblePerson()).toBe('licences@example.com');
      expect(await seats.setResponsiblePerson('  it-group@example.com ')).toBe('it-group@example.com');
      expect(await seats.getResponsiblePerson()).toBe('it-group@example.com');
      await seats.setResponsiblePerson(null);
      expect(await seats.getResponsiblePerson()).toBeNull();
    });

    it('a refused seat sends one license-limit-exceeded notification naming the area, limit, use, attempt and time', async () => {
      const { seats, fill, notifier } = await setup(2);
      await fill(2);
      const r = await seats.createUser({ username: 'carol', areaId: 'primary' });
      expect(r).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      const n = notifier.delivered[0]!;
      expect(n).toMatchObject({
        type: 'license-limit-exceeded',
        to: 'licences@example.com',
        areaId: 'primary',
        areaName: 'Primary Area',
        maxUsers: 2,
        using: 2,
        attempted: 'create a user',
      });
      expect(n.occurredAt.toISOString()).toBe(T0);
      expect(n.subject).toBe('User license limit exceeded in Primary Area (2 of 2 seats in use)');
      expect(n.text).toContain('Area:         Primary Area (primary)');
      expect(n.text).toContain('Licenses:     2');
      expect(n.text).toContain('Seats in use: 2');
      expect(n.text).toContain('Attempted:    create a user');
      expect(`${n.subject}\n${n.text}`).not.toContain('carol'); // a notification never names a user
      expect(n.text).toContain(`When:         ${T0}`);
      expect(n.text).toContain('purchase more licenses (at least 5 at a time)');
      const [entry] = await seats.notifications();
      expect(entry).toMatchObject({ id: n.id, status: 'delivered', attempts: 0 });
    });

    it('reaching the limit exactly is not exceeding it: nothing is sent', async () => {
      const { seats, fill, notifier } = await setup(3);
      await fill(3);
      expect((await seats.summary()).areas[0]?.status).toBe('exhausted');
      await seats.settleNotifications();
      expect(notifier.calls).toHaveLength(0);
      expect(await seats.notifications()).toHaveLength(0);
    });

    it('one notification per area per episode; a freed seat ends the episode and the next refusal notifies again', async () => {
      const { seats, fill, notifier } = await setup(2);
      await fill(2);
      for (const name of ['x1', 'x2', 'x3']) await seats.createUser({ username: name, areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);

      const alice = await seats.findUserByUsername('user0');
      await seats.blockUser(alice!.id);
      expect((await seats.createUser({ username: 'x4', areaId: 'primary' })).ok).toBe(true);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      await seats.createUser({ username: 'x5', areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(2);
      expect(notifier.delivered[1]?.attempted).toBe('create a user');
    });

    it('episodes are per area: a refusal in another area is its own episode', async () => {
      const { seats, fill, notifier } = await setup(1);
      await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Partner Extranet', maxUsers: 0 });
      await fill(1);
      await seats.createUser({ username: 'p', areaId: 'primary' });
      await seats.createUser({ username: 'e', areaId: 'extranet' });
      await seats.createUser({ username: 'e2', areaId: 'extranet' });
      await seats.settleNotifications();
      expect(notifier.delivered.map((n) => n.areaId)).toEqual(['primary', 'extranet']);
    });

    it('reminderEvery repeats the notification during a long episode, timed by the injected clock', async () => {
      const { seats, fill, notifier, clock } = await setup(1, { reminderEvery: { hours: 24 } });
      await fill(1);
      await seats.createUser({ username: 'a', areaId: 'primary' });
      clock.advance(23 * HOUR);
      await seats.createUser({ username: 'b', areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      clock.advance(1 * HOUR);
      await seats.createUser({ username: 'c', areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(2);
      expect(notifier.delivered[1]?.subject).toBe('Reminder: user license limit still exceeded in Primary Area (1 of 1 seats in use)');

      // Nobody touches the area: the scheduled delivery sends the next reminder.
      clock.advance(24 * HOUR);
      const report = await seats.deliverPendingNotifications();
      expect(report.reminders).toBe(1);
      expect(notifier.delivered).toHaveLength(3);
      expect(notifier.delivered[2]?.attempted).toBe('scheduled check (deliverPendingNotifications)');
      expect(notifier.delivered[2]?.text).toContain('still no seat free. The episode began at 2026-01-05T09:00:00.000Z with: create a user (a seat was refused).');
      expect((await seats.deliverPendingNotifications()).reminders).toBe(0);
      expect(notifier.delivered).toHaveLength(3);
    });

    it('without a responsible person nothing is enqueued; the person set later is told of the episode in progress', async () => {
      const { seats, fill, notifier } = await setup(1);
      await seats.setResponsiblePerson(null);
      await fill(1);
      await seats.createUser({ username: 'late', areaId: 'primary' });
      await seats.settleNotifications();
      expect(await seats.notifications()).toHaveLength(0);
      expect(notifier.calls).toHaveLength(0);

      await seats.setResponsiblePerson('new-owner@example.com');
      const report = await seats.deliverPendingNotifications();
      expect(report.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ to: 'new-owner@example.com', type: 'license-limit-exceeded' });
      await seats.createUser({ username: 'later', areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
    });

    it('a failing notifier never fails the operation; the event waits in the outbox and is sent once after recovery', async () => {
      const { seats, fill, notifier, clock } = await setup(1, {}, testNotifier('throw'));
      await fill(1);
      const r = await seats.createUser({ username: 'bob', areaId: 'primary' });
      expect(r).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
      await seats.settleNotifications();
      const [pending] = await seats.notifications({ status: 'pending' });
      expect(pending).toMatchObject({ attempts: 1, lastError: 'SMTP server refused the connection' });
      expect(pending?.nextAttemptAt.getTime()).toBe(new Date(T0).getTime() + MINUTE);

      // Not due before the backoff: nothing is tried.
      await seats.deliverPendingNotifications();
      expect(notifier.calls).toHaveLength(1);

      notifier.mode = 'deliver';
      clock.advance(MINUTE);
      const report = await seats.deliverPendingNotifications();
      expect(report.delivered).toEqual([pending!.id]);
      expect(notifier.delivered).toHaveLength(1);
      expect(await seats.notifications({ status: 'pending' })).toHaveLength(0);

      clock.advance(HOUR);
      await seats.deliverPendingNotifications();
      await seats.createUser({ username: 'bob2', areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.calls).toHaveLength(2);
      expect(notifier.delivered).toHaveLength(1);
    });

    it('retries back off exponentially: 1 minute, then 2, then 4', async () => {
      const { seats, fill, notifier, clock } = await setup(1, {}, testNotifier('throw'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await seats.settleNotifications();
      clock.advance(MINUTE);
      await seats.deliverPendingNotifications();
      const [second] = await seats.notifications();
      expect(second).toMatchObject({ attempts: 2 });
      expect(second?.nextAttemptAt.getTime()).toBe(new Date(T0).getTime() + MINUTE + 2 * MINUTE);

      clock.advance(2 * MINUTE - 1);
      await seats.deliverPendingNotifications();
      expect(notifier.calls).toHaveLength(2);
      clock.advance(1);
      await seats.deliverPendingNotifications();
      expect(notifier.calls).toHaveLength(3);
      expect((await seats.notifications())[0]?.nextAttemptAt.getTime()).toBe(new Date(T0).getTime() + 3 * MINUTE + 4 * MINUTE);
    });

    it('a later operation retries a due entry on its own', async () => {
      const { seats, fill, notifier, clock } = await setup(1, {}, testNotifier('throw'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await seats.settleNotifications();
      notifier.mode = 'deliver';
      clock.advance(MINUTE);
      const user = await seats.findUserByUsername('user0');
      await seats.blockUser(user!.id);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      expect(await seats.notifications({ status: 'pending' })).toHaveLength(0);
    });

    it('a hanging notifier never delays an operation: it returns well within the timeout, and the event is kept', async () => {
      const { seats, fill, notifier, clock } = await setup(1, { notificationTimeout: 2_000 }, testNotifier('hang'));
      await fill(1);
      const user = await seats.findUserByUsername('user0');
      let started = performance.now();
      const r = await seats.createUser({ username: 'bob', areaId: 'primary' });
      expect(r.ok).toBe(false);
      expect(performance.now() - started).toBeLessThan(1_000);
      await expect.poll(() => notifier.calls.length).toBe(1); // the send starts in the background, and hangs

      await seats.settleNotifications(); // the attempt times out
      expect((await seats.notifications())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'The notifier did not answer within 2000 ms.' });

      // An unrelated operation once the retry is due does not wait either; nor is the send still running started again.
      clock.advance(HOUR);
      started = performance.now();
      await seats.blockUser(user!.id);
      expect(performance.now() - started).toBeLessThan(1_000);
      await seats.settleNotifications();
      expect(notifier.calls).toHaveLength(1);
      expect((await seats.notifications())[0]).toMatchObject({ status: 'pending' });
    });

    it('the signal passed to send aborts at the timeout, with a TimeoutError', async () => {
      const { seats, fill, notifier } = await setup(1, { notificationTimeout: 150 }, testNotifier('until-aborted'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await seats.settleNotifications();
      const [call] = notifier.sends;
      expect(call?.signal?.aborted).toBe(true);
      expect((call?.signal?.reason as Error).name).toBe('TimeoutError');
      const waited = (call?.abortedAt ?? Number.NaN) - (call?.startedAt ?? Number.NaN);
      expect(waited).toBeGreaterThanOrEqual(140);
      expect(waited).toBeLessThan(1_500);
      expect((await seats.notifications())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'The notifier did not answer within 150 ms.' });
    });

    it('a send that answers after its timeout is recorded as delivered and not sent again', async () => {
      const { seats, fill, notifier, clock } = await setup(1, { notificationTimeout: 50 }, testNotifier('hold'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await seats.settleNotifications();
      expect((await seats.notifications())[0]).toMatchObject({ status: 'pending', attempts: 1 });
      notifier.release();
      await expect.poll(async () => (await seats.notifications())[0]?.status).toBe('delivered');
      notifier.mode = 'deliver';
      clock.advance(HOUR);
      await seats.deliverPendingNotifications();
      expect(notifier.calls).toHaveLength(1);
      expect(notifier.delivered).toHaveLength(1);
    });

    it('a send still running past its timeout is not sent again while it runs, however often delivery is retried', async () => {
      const { seats, fill, notifier, clock } = await setup(1, { notificationTimeout: 50 }, testNotifier('hold'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await seats.settleNotifications();
      for (let i = 0; i < 3; i++) {
        clock.advance(2 * HOUR); // past every backoff and lease
        await seats.deliverPendingNotifications();
        await seats.createUser({ username: `again${i}`, areaId: 'primary' });
        await seats.settleNotifications();
      }
      expect(notifier.calls).toHaveLength(1);
      notifier.release();
      await expect.poll(async () => (await seats.notifications())[0]?.status).toBe('delivered');
      clock.advance(2 * HOUR);
      await seats.deliverPendingNotifications();
      expect(notifier.calls).toHaveLength(1);
      expect(notifier.mostConcurrentPerId()).toBe(1);
    });

    it('after a timeout, another instance waits for the lease (the timeout plus one minute) before it sends the entry', async () => {
      const { seats, fill, clock, repository } = await setup(1, { notificationTimeout: 50, notificationRetry: { firstDelay: 1_000 } }, testNotifier('hang'));
      const other = testNotifier();
      const sender = createSeatkeeper({ repository, clock, notifier: other });
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await seats.settleNotifications();
      const [entry] = await seats.notifications();
      expect(entry?.nextAttemptAt.getTime()).toBe(new Date(T0).getTime() + 50 + MINUTE);

      clock.advance(MINUTE); // past the backoff of one second, not past the lease
      await sender.deliverPendingNotifications();
      expect(other.calls).toHaveLength(0);
      clock.advance(50);
      await sender.deliverPendingNotifications();
      expect(other.calls.map((n) => n.id)).toEqual([entry?.id]); // at-least-once: the same id, for the mail system to drop
    });

    it('a send that succeeded but could not be recorded is recorded, not sent again, by the same instance after the lease', async () => {
      const { seats, fill, notifier, clock, repository } = await setup(1);
      const markDelivered = repository.markNotificationDelivered.bind(repository);
      let storeDown = true;
      repository.markNotificationDelivered = async (id, at) => {
        if (storeDown) throw new Error('connection terminated');
        return markDelivered(id, at);
      };
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.calls).toHaveLength(1);
      const [entry] = await seats.notifications();
      expect(entry).toMatchObject({ status: 'pending', attempts: 0 });
      expect(entry?.nextAttemptAt.getTime()).toBe(new Date(T0).getTime() + 10_000 + MINUTE); // held by the claim's lease

      storeDown = false;
      clock.advance(10_000 + MINUTE - 1);
      expect((await seats.deliverPendingNotifications()).delivered).toEqual([]);
      clock.advance(1);
      expect((await seats.deliverPendingNotifications()).delivered).toEqual([entry?.id]);
      expect(notifier.calls).toHaveLength(1);
      expect((await seats.notifications())[0]).toMatchObject({ status: 'delivered' });
    });

    it('one delivery run in flight per instance: an operation during a run asks for one more after it', async () => {
      const { seats, fill, notifier } = await setup(1, {}, testNotifier('hold'));
      await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Partner Extranet', maxUsers: 0 });
      await fill(1);
      await seats.createUser({ username: 'p', areaId: 'primary' }); // run 1 holds the send
      await expect.poll(() => notifier.calls.length).toBe(1);
      await seats.createUser({ username: 'e', areaId: 'extranet' }); // enqueued while run 1 is in flight
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(notifier.calls).toHaveLength(1);
      notifier.release();
      await expect.poll(() => notifier.calls.length).toBe(2); // the run asked for
      expect(notifier.running()).toBe(1);
      notifier.release();
      await seats.settleNotifications();
      expect(notifier.delivered.map((n) => n.areaId)).toEqual(['primary', 'extranet']);
    });

    it('deliverPendingNotifications waits for the run in flight, then runs its own', async () => {
      const { seats, fill, notifier, clock } = await setup(1, { notificationTimeout: 60_000 }, testNotifier('hold'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      await expect.poll(() => notifier.calls.length).toBe(1);
      let reported = false;
      const report = seats.deliverPendingNotifications().then((r) => ((reported = true), r));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reported).toBe(false);
      notifier.release();
      expect(await report).toEqual({ reminders: 0, delivered: [], failed: [] }); // the run in flight delivered it
      expect((await seats.notifications())[0]).toMatchObject({ status: 'delivered' });
      clock.advance(HOUR);
      expect(await seats.deliverPendingNotifications()).toEqual({ reminders: 0, delivered: [], failed: [] });
      expect(notifier.calls).toHaveLength(1);
    });

    it('a notifier that throws synchronously is contained too', async () => {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const seats = createSeatkeeper({
        repository: fixture.repository,
        clock: fixedClock(T0),
        notifier: {
          send() {
            throw new TypeError('mailer not configured');
          },
        },
      });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 0 });
      await seats.setResponsiblePerson('licences@example.com');
      expect((await seats.createUser({ username: 'a', areaId: 'primary' })).ok).toBe(false);
      await seats.settleNotifications();
      expect((await seats.notifications())[0]).toMatchObject({ status: 'pending', lastError: 'mailer not configured' });
    });

    it('parallel refusals in a full area send exactly one notification', async () => {
      const { seats, fill, notifier } = await setup(2);
      await fill(2);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => seats.createUser({ username: `p${i}`, areaId: 'primary' })));
      expect(results.every((r) => !r.ok)).toBe(true);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      expect(await seats.notifications()).toHaveLength(1);
    });

    it('grace seats may be taken, but use over the limit still counts as exceeded and notifies', async () => {
      const { seats, fill, notifier } = await setup(2);
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 2, graceSeats: 1 });
      await fill(2);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(0);
      expect((await seats.createUser({ username: 'grace', areaId: 'primary' })).ok).toBe(true);
      expect((await seats.summary()).areas[0]).toMatchObject({ using: 3, overBy: 1, status: 'exceeded' });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ using: 3, maxUsers: 2, attempted: 'create a user' });
      expect(notifier.delivered[0]?.text).toContain('Licenses:     2 (plus 1 grace seats)');
      expect(notifier.delivered[0]?.text).toContain('1 more seats in use than licensed.');
      // Past the grace seats: refused, same episode.
      expect((await seats.createUser({ username: 'beyond', areaId: 'primary' })).ok).toBe(false);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
    });

    it('lowering an area below its use notifies: use above the limit after a change', async () => {
      const { seats, fill, notifier } = await setup(3);
      await fill(3);
      await seats.setAreaLicenses('primary', 2, { reason: 'the contract shrank', allowBelowUse: true });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ maxUsers: 2, using: 3, attempted: 'set the licenses of "Primary Area" from 3 to 2' });
    });

    it('a legacy guest migrated over the limit notifies', async () => {
      const { seats, fill, notifier } = await setup(1);
      await seats.ensureSystemUsers();
      await fill(1);
      const guest = await seats.findUserByUsername('guest');
      await seats.updateUser(guest!.id, { username: 'visitor' });
      await seats.migrateLegacyGuest();
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ using: 2, maxUsers: 1, attempted: 'migrate a legacy guest to a licensed user' });
      expect(notifier.delivered[0]?.text).not.toContain('visitor');
    });

    it('early warnings are opt-in and sent once per crossing into warning, with the configured thresholds', async () => {
      const { seats, fill, notifier } = await setup(10, { warnings: { notify: true, thresholds: { tiers: [{ minSeats: 2, atMostSeatsLeft: 1 }] } } });
      await fill(8);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(0);
      await seats.createUser({ username: 'ninth', areaId: 'primary' });
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ type: 'license-warning', subject: 'User licenses running low in Primary Area (1 of 10 left)' });
      expect((await seats.summary()).areas[0]?.status).toBe('warning');

      await seats.createUser({ username: 'tenth', areaId: 'primary' });
      const tenth = await seats.findUserByUsername('tenth');
      await seats.blockUser(tenth!.id);
      await seats.settleNotifications();
      expect(notifier.delivered).toHaveLength(1);
      const ninth = await seats.findUserByUsername('ninth');
      await seats.blockUser(ninth!.id);
      await seats.reinstateUser(ninth!.id);
      await seats.settleNotifications();
      expect(notifier.delivered.map((n) => n.type)).toEqual(['license-warning', 'license-warning']);
    });

    it('without warnings.notify, crossing into warning sends nothing', async () => {
      const { seats, fill, notifier } = await setup(10, { warningPercent: 20 });
      await fill(9);
      expect((await seats.summary()).areas[0]?.status).toBe('warning');
      await seats.settleNotifications();
      expect(notifier.calls).toHaveLength(0);
    });

    it('several instances on one repository share the episode', async () => {
      const { seats, fill, notifier, repository, clock } = await setup(1);
      const other = createSeatkeeper({ repository, clock, notifier });
      await fill(1);
      await seats.createUser({ username: 'a', areaId: 'primary' });
      await other.createUser({ username: 'b', areaId: 'primary' });
      await Promise.all([seats.settleNotifications(), other.settleNotifications()]);
      expect(notifier.delivered).toHaveLength(1);
    });

    it('without a notifier the events wait in the outbox until an instance with one delivers them', async () => {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const clock = fixedClock(T0);
      const silent = createSeatkeeper({ repository: fixture.repository, clock });
      await silent.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 0 });
      await silent.setResponsiblePerson('licences@example.com');
      await silent.createUser({ username: 'a', areaId: 'primary' });
      expect(await silent.deliverPendingNotifications()).toEqual({ reminders: 0, delivered: [], failed: [] });
      expect(await silent.notifications({ status: 'pending' })).toHaveLength(1);

      const notifier = testNotifier();
      const sender = createSeatkeeper({ repository: fixture.repository, clock, notifier });
      const report = await sender.deliverPendingNotifications();
      expect(report.delivered).toHaveLength(1);
      expect(notifier.delivered[0]?.attempted).toBe('create a user');
    });
  });
}
