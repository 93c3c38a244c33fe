import { add } from 'date-fns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDurationUtc } from '../../src/core/duration.js';
import { decideAlert, INITIAL_ALERT_STATE, type AlertInput, type AlertState } from '../../src/core/notification-policy.js';
import type { SeatRefusal } from '../../src/index.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const hours = (n: number) => new Date(t0.getTime() + n * 3_600_000);
const refusal: SeatRefusal = { code: 'LICENSE_LIMIT_REACHED', message: 'no seat', areaId: 'primary', maxUsers: 10, using: 10 };

function input(over: Partial<AlertInput>): AlertInput {
  return {
    previous: INITIAL_ALERT_STATE,
    maxUsers: 10,
    using: 5,
    status: 'ok',
    event: { attempted: 'create user "x"' },
    now: t0,
    reminderEvery: null,
    warnings: false,
    canNotify: true,
    ...over,
  };
}

/** Runs a sequence of events through the state machine and returns what each sent. */
function run(steps: readonly Partial<AlertInput>[]): { sends: (string | null)[]; state: AlertState } {
  let state: AlertState = INITIAL_ALERT_STATE;
  const sends: (string | null)[] = [];
  for (const step of steps) {
    const decision = decideAlert(input({ ...step, previous: state }));
    state = decision.state;
    const send = decision.send;
    sends.push(send === null ? null : send.type === 'license-warning' ? 'warning' : send.reminder ? 'reminder' : `exceeded:${send.cause}`);
  }
  return { sends, state };
}

const full = { using: 10, status: 'exhausted' as const };
const refused = { ...full, event: { attempted: 'create user "bob"', refusal } };

describe('decideAlert: episodes', () => {
  it('reaching the limit exactly is not exceeding it: nothing is sent', () => {
    expect(run([{ ...full }]).sends).toEqual([null]);
  });

  it('a refused seat starts an episode and sends one notification; further refusals send nothing', () => {
    const { sends, state } = run([refused, refused, refused]);
    expect(sends).toEqual(['exceeded:seat-refused', null, null]);
    expect(state.episode).toEqual({ startedAt: t0.toISOString(), firstAttempted: 'create user "bob"', cause: 'seat-refused', lastNotifiedAt: t0.toISOString() });
  });

  it('use above the limit after a change starts an episode', () => {
    expect(run([{ using: 11, status: 'exceeded' }]).sends).toEqual(['exceeded:over-limit']);
  });

  it('directory users created blocked start an episode', () => {
    expect(run([{ ...full, event: { attempted: 'directory sync', waitingForSeat: 3 } }]).sends).toEqual(['exceeded:created-blocked']);
  });

  it('a partner quota or denied access refusal is not a license problem and sends nothing', () => {
    const quota = { ...refusal, code: 'PARTNER_QUOTA_REACHED' as const };
    expect(run([{ using: 5, event: { attempted: 'create', refusal: quota } }]).sends).toEqual([null]);
  });

  it('the episode lasts while the pool is full and ends when a seat is free again; the next refusal notifies again', () => {
    const { sends } = run([refused, { ...full }, { using: 9, status: 'ok' }, { ...full }, refused]);
    expect(sends).toEqual(['exceeded:seat-refused', null, null, null, 'exceeded:seat-refused']);
  });

  it('going from over the limit to exactly the limit does not end the episode', () => {
    const { sends, state } = run([{ using: 11, status: 'exceeded' }, { ...full }]);
    expect(sends).toEqual(['exceeded:over-limit', null]);
    expect(state.episode).not.toBeNull();
  });
});

describe('decideAlert: reminders', () => {
  it('repeats once the interval has passed since the last notification, exactly at the boundary', () => {
    const every = { hours: 24 };
    const { sends } = run([
      { ...refused, reminderEvery: every },
      { ...refused, reminderEvery: every, now: hours(23) },
      { ...full, reminderEvery: every, now: hours(24) },
      { ...refused, reminderEvery: every, now: hours(47) },
      { ...refused, reminderEvery: every, now: hours(48) },
    ]);
    expect(sends).toEqual(['exceeded:seat-refused', null, 'reminder', null, 'reminder']);
  });

  it('a scheduled check (no attempt) sends a due reminder, and ends an episode whose seat is free', () => {
    const every = { days: 1 };
    const { sends, state } = run([
      { ...refused, reminderEvery: every },
      { ...full, event: {}, reminderEvery: every, now: hours(24) },
      { using: 9, status: 'ok', event: {}, reminderEvery: every, now: hours(48) },
    ]);
    expect(sends).toEqual(['exceeded:seat-refused', 'reminder', null]);
    expect(state.episode).toBeNull();
  });

  it('no reminder without an interval', () => {
    expect(run([refused, { ...refused, now: hours(1000) }]).sends).toEqual(['exceeded:seat-refused', null]);
  });
});

describe('decideAlert: no responsible person', () => {
  it('nothing is sent, and the episode is told to the person set later', () => {
    const { sends, state } = run([
      { ...refused, canNotify: false },
      { ...refused, canNotify: false },
      { ...full, event: {}, canNotify: true, now: hours(1) },
      { ...refused, now: hours(2) },
    ]);
    expect(sends).toEqual([null, null, 'exceeded:null', null]);
    expect(state.episode).toMatchObject({ startedAt: t0.toISOString(), cause: 'seat-refused', lastNotifiedAt: hours(1).toISOString() });
  });
});

describe('decideAlert: early warnings', () => {
  const warn = { using: 96, maxUsers: 100, status: 'warning' as const, warnings: true };

  it('are sent once per crossing from ok into warning, and re-armed back at ok', () => {
    const { sends } = run([
      { using: 95, maxUsers: 100, status: 'ok', warnings: true },
      warn,
      { ...warn, using: 97 },
      { using: 100, maxUsers: 100, status: 'exhausted', warnings: true },
      warn,
      { using: 90, maxUsers: 100, status: 'ok', warnings: true },
      warn,
    ]);
    expect(sends).toEqual([null, 'warning', null, null, null, null, 'warning']);
  });

  it('are opt-in', () => {
    expect(run([{ ...warn, warnings: false }]).sends).toEqual([null]);
  });
});

describe('reminder intervals are counted in UTC', () => {
  const told = '2026-03-28T12:00:00.000Z'; // Berlin 13:00 CET; clocks go forward in the night that follows
  const inEpisode: AlertState = {
    episode: { startedAt: told, firstAttempted: 'create user "bob"', cause: 'seat-refused', lastNotifiedAt: told },
    warned: true,
    lastUsing: 10,
  };
  const at = (iso: string) => decideAlert(input({ ...refused, previous: inEpisode, reminderEvery: { days: 1 }, now: new Date(iso) })).send;
  let zone: string | undefined;
  beforeEach(() => {
    zone = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
  });
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('{ days: 1 } is 24 hours across the 2026-03-29 daylight-saving change in Europe/Berlin, not 23', () => {
    // The host's local day really is 23 hours here: counting in local time would remind an hour early.
    expect(add(new Date(told), { days: 1 }).getTime() - new Date(told).getTime()).toBe(23 * 3_600_000);
    expect(at('2026-03-29T11:00:00.000Z')).toBeNull();
    expect(at('2026-03-29T11:59:59.999Z')).toBeNull();
    expect(at('2026-03-29T12:00:00.000Z')).toMatchObject({ type: 'license-limit-exceeded', reminder: true });
  });

  it('a month is a UTC calendar month, the day clamped to the end of a shorter month', () => {
    expect(addDurationUtc(new Date('2026-01-31T22:30:00.000Z'), { months: 1 }).toISOString()).toBe('2026-02-28T22:30:00.000Z');
    expect(addDurationUtc(new Date('2026-10-24T23:30:00.000Z'), { weeks: 1, hours: 2 }).toISOString()).toBe('2026-11-01T01:30:00.000Z');
    expect(addDurationUtc(new Date('2024-02-29T00:00:00.000Z'), { years: 1, days: 1 }).toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });
});
