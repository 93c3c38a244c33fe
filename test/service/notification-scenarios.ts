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
      expect(notifier.delivered).toHaveLength(1);
      const n = notifier.delivered[0]!;
      expect(n).toMatchObject({
        type: 'license-limit-exceeded',
        to: 'licences@example.com',
        areaId: 'primary',
        areaName: 'Primary Area',
        maxUsers: 2,
        using: 2,
        attempted: 'create user "carol"',
      });
      expect(n.occurredAt.toISOString()).toBe(T0);
      expect(n.subject).toBe('User license limit exceeded in Primary Area (2 of 2 seats in use)');
      expect(n.text).toContain('Area:         Primary Area (primary)');
      expect(n.text).toContain('Licenses:     2');
      expect(n.text).toContain('Seats in use: 2');
      expect(n.text).toContain('Attempted:    create user "carol"');
      expect(n.text).toContain(`When:         ${T0}`);
      expect(n.text).toContain('purchase more licenses (at least 5 at a time)');
      const [entry] = await seats.notifications();
      expect(entry).toMatchObject({ id: n.id, status: 'delivered', attempts: 0 });
    });

    it('reaching the limit exactly is not exceeding it: nothing is sent', async () => {
      const { seats, fill, notifier } = await setup(3);
      await fill(3);
      expect((await seats.summary()).areas[0]?.status).toBe('exhausted');
      expect(notifier.calls).toHaveLength(0);
      expect(await seats.notifications()).toHaveLength(0);
    });

    it('one notification per area per episode; a freed seat ends the episode and the next refusal notifies again', async () => {
      const { seats, fill, notifier } = await setup(2);
      await fill(2);
      for (const name of ['x1', 'x2', 'x3']) await seats.createUser({ username: name, areaId: 'primary' });
      expect(notifier.delivered).toHaveLength(1);

      const alice = await seats.findUserByUsername('user0');
      await seats.blockUser(alice!.id);
      expect((await seats.createUser({ username: 'x4', areaId: 'primary' })).ok).toBe(true);
      expect(notifier.delivered).toHaveLength(1);
      await seats.createUser({ username: 'x5', areaId: 'primary' });
      expect(notifier.delivered).toHaveLength(2);
      expect(notifier.delivered[1]?.attempted).toBe('create user "x5"');
    });

    it('episodes are per area: a refusal in another area is its own episode', async () => {
      const { seats, fill, notifier } = await setup(1);
      await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Partner Extranet', maxUsers: 0 });
      await fill(1);
      await seats.createUser({ username: 'p', areaId: 'primary' });
      await seats.createUser({ username: 'e', areaId: 'extranet' });
      await seats.createUser({ username: 'e2', areaId: 'extranet' });
      expect(notifier.delivered.map((n) => n.areaId)).toEqual(['primary', 'extranet']);
    });

    it('reminderEvery repeats the notification during a long episode, timed by the injected clock', async () => {
      const { seats, fill, notifier, clock } = await setup(1, { reminderEvery: { hours: 24 } });
      await fill(1);
      await seats.createUser({ username: 'a', areaId: 'primary' });
      clock.advance(23 * HOUR);
      await seats.createUser({ username: 'b', areaId: 'primary' });
      expect(notifier.delivered).toHaveLength(1);
      clock.advance(1 * HOUR);
      await seats.createUser({ username: 'c', areaId: 'primary' });
      expect(notifier.delivered).toHaveLength(2);
      expect(notifier.delivered[1]?.subject).toBe('Reminder: user license limit still exceeded in Primary Area (1 of 1 seats in use)');

      // Nobody touches the area: the scheduled delivery sends the next reminder.
      clock.advance(24 * HOUR);
      const report = await seats.deliverPendingNotifications();
      expect(report.reminders).toBe(1);
      expect(notifier.delivered).toHaveLength(3);
      expect(notifier.delivered[2]?.attempted).toBe('scheduled check (deliverPendingNotifications)');
      expect(notifier.delivered[2]?.text).toContain('still no seat free. The episode began at 2026-01-05T09:00:00.000Z with: create user "a" (a seat was refused).');
      expect((await seats.deliverPendingNotifications()).reminders).toBe(0);
      expect(notifier.delivered).toHaveLength(3);
    });

    it('without a responsible person nothing is enqueued; the person set later is told of the episode in progress', async () => {
      const { seats, fill, notifier } = await setup(1);
      await seats.setResponsiblePerson(null);
      await fill(1);
      await seats.createUser({ username: 'late', areaId: 'primary' });
      expect(await seats.notifications()).toHaveLength(0);
      expect(notifier.calls).toHaveLength(0);

      await seats.setResponsiblePerson('new-owner@example.com');
      const report = await seats.deliverPendingNotifications();
      expect(report.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ to: 'new-owner@example.com', type: 'license-limit-exceeded' });
      await seats.createUser({ username: 'later', areaId: 'primary' });
      expect(notifier.delivered).toHaveLength(1);
    });

    it('a failing notifier never fails the operation; the event waits in the outbox and is sent once after recovery', async () => {
      const { seats, fill, notifier, clock } = await setup(1, {}, testNotifier('throw'));
      await fill(1);
      const r = await seats.createUser({ username: 'bob', areaId: 'primary' });
      expect(r).toMatchObject({ ok: false, reason: { code: 'LICENSE_LIMIT_REACHED' } });
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
      expect(notifier.calls).toHaveLength(2);
      expect(notifier.delivered).toHaveLength(1);
    });

    it('retries back off exponentially: 1 minute, then 2, then 4', async () => {
      const { seats, fill, notifier, clock } = await setup(1, {}, testNotifier('throw'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
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
      notifier.mode = 'deliver';
      clock.advance(MINUTE);
      const user = await seats.findUserByUsername('user0');
      await seats.blockUser(user!.id);
      expect(notifier.delivered).toHaveLength(1);
      expect(await seats.notifications({ status: 'pending' })).toHaveLength(0);
    });

    it('a hanging notifier delays the operation by at most the timeout and the event is kept', async () => {
      const { seats, fill, notifier } = await setup(1, { notificationTimeout: 100 }, testNotifier('hang'));
      await fill(1);
      const started = performance.now();
      const r = await seats.createUser({ username: 'bob', areaId: 'primary' });
      const elapsed = performance.now() - started;
      expect(r.ok).toBe(false);
      expect(elapsed).toBeGreaterThanOrEqual(90);
      expect(elapsed).toBeLessThan(2_000);
      const [entry] = await seats.notifications();
      expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastError: 'The notifier did not answer within 100 ms.' });
      expect(notifier.calls).toHaveLength(1);
    });

    it('a send that answers after its timeout is recorded as delivered and not sent again', async () => {
      const { seats, fill, notifier, clock } = await setup(1, { notificationTimeout: 50 }, testNotifier('hold'));
      await fill(1);
      await seats.createUser({ username: 'bob', areaId: 'primary' });
      expect((await seats.notifications())[0]).toMatchObject({ status: 'pending', attempts: 1 });
      notifier.release();
      await expect.poll(async () => (await seats.notifications())[0]?.status).toBe('delivered');
      notifier.mode = 'deliver';
      clock.advance(HOUR);
      await seats.deliverPendingNotifications();
      expect(notifier.calls).toHaveLength(1);
      expect(notifier.delivered).toHaveLength(1);
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
      expect((await seats.notifications())[0]).toMatchObject({ status: 'pending', lastError: 'mailer not configured' });
    });

    it('parallel refusals in a full area send exactly one notification', async () => {
      const { seats, fill, notifier } = await setup(2);
      await fill(2);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => seats.createUser({ username: `p${i}`, areaId: 'primary' })));
      expect(results.every((r) => !r.ok)).toBe(true);
      expect(notifier.delivered).toHaveLength(1);
      expect(await seats.notifications()).toHaveLength(1);
    });

    it('grace seats may be taken, but use over the limit still counts as exceeded and notifies', async () => {
      const { seats, fill, notifier } = await setup(2);
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 2, graceSeats: 1 });
      await fill(2);
      expect(notifier.delivered).toHaveLength(0);
      expect((await seats.createUser({ username: 'grace', areaId: 'primary' })).ok).toBe(true);
      expect((await seats.summary()).areas[0]).toMatchObject({ using: 3, overBy: 1, status: 'exceeded' });
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ using: 3, maxUsers: 2, attempted: 'create user "grace"' });
      expect(notifier.delivered[0]?.text).toContain('Licenses:     2 (plus 1 grace seats)');
      expect(notifier.delivered[0]?.text).toContain('1 more seats in use than licensed.');
      // Past the grace seats: refused, same episode.
      expect((await seats.createUser({ username: 'beyond', areaId: 'primary' })).ok).toBe(false);
      expect(notifier.delivered).toHaveLength(1);
    });

    it('lowering an area below its use notifies: use above the limit after a change', async () => {
      const { seats, fill, notifier } = await setup(3);
      await fill(3);
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 2 });
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ maxUsers: 2, using: 3, attempted: 'change area "Primary Area" to 2 seats' });
    });

    it('a legacy guest migrated over the limit notifies', async () => {
      const { seats, fill, notifier } = await setup(1);
      await seats.ensureSystemUsers();
      await fill(1);
      const guest = await seats.findUserByUsername('guest');
      await seats.updateUser(guest!.id, { username: 'visitor' });
      await seats.migrateLegacyGuest();
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ using: 2, maxUsers: 1, attempted: 'migrate legacy guest "visitor" to a licensed user' });
    });

    it('early warnings are opt-in and sent once per crossing into warning, with the configured thresholds', async () => {
      const { seats, fill, notifier } = await setup(10, { warnings: { notify: true, thresholds: { tiers: [{ minSeats: 2, atMostSeatsLeft: 1 }] } } });
      await fill(8);
      expect(notifier.delivered).toHaveLength(0);
      await seats.createUser({ username: 'ninth', areaId: 'primary' });
      expect(notifier.delivered).toHaveLength(1);
      expect(notifier.delivered[0]).toMatchObject({ type: 'license-warning', subject: 'User licenses running low in Primary Area (1 of 10 left)' });
      expect((await seats.summary()).areas[0]?.status).toBe('warning');

      await seats.createUser({ username: 'tenth', areaId: 'primary' });
      const tenth = await seats.findUserByUsername('tenth');
      await seats.blockUser(tenth!.id);
      expect(notifier.delivered).toHaveLength(1);
      const ninth = await seats.findUserByUsername('ninth');
      await seats.blockUser(ninth!.id);
      await seats.reinstateUser(ninth!.id);
      expect(notifier.delivered.map((n) => n.type)).toEqual(['license-warning', 'license-warning']);
    });

    it('without warnings.notify, crossing into warning sends nothing', async () => {
      const { seats, fill, notifier } = await setup(10, { warningPercent: 20 });
      await fill(9);
      expect((await seats.summary()).areas[0]?.status).toBe('warning');
      expect(notifier.calls).toHaveLength(0);
    });

    it('several instances on one repository share the episode', async () => {
      const { seats, fill, notifier, repository, clock } = await setup(1);
      const other = createSeatkeeper({ repository, clock, notifier });
      await fill(1);
      await seats.createUser({ username: 'a', areaId: 'primary' });
      await other.createUser({ username: 'b', areaId: 'primary' });
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
      expect(notifier.delivered[0]?.attempted).toBe('create user "a"');
    });
  });
}
