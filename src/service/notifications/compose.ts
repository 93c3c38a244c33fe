import type { Episode, ExceededCause } from '../../core/notification-policy.js';
import type { SeatRefusal } from '../../core/seat-policy.js';
import type { Area } from '../../core/schemas.js';
import type { LicenseNotification } from '../../ports/notifier.js';

/** What every composed notification says about the area and the moment. */
export interface NotificationFacts {
  /** The new notification's id. */
  readonly id: string;
  /** The responsible person's address. */
  readonly to: string;
  /** The area, as it is after the event. */
  readonly area: Area;
  /** Seats in use after the event. */
  readonly using: number;
  /** What was attempted, in words. */
  readonly attempted: string;
  /** When (from the injected clock). */
  readonly occurredAt: Date;
  /** The smallest purchase, for the advice line. */
  readonly minimumPurchase: number;
}

/** Why the limit notification is sent, for its text. */
export interface ExceededFacts {
  /** A first notification or a reminder. */
  readonly reminder: boolean;
  /** What started or continues the episode this time; `null` when nothing new happened (a reminder on a scheduled check). */
  readonly cause: ExceededCause | null;
  /** The episode it is about. */
  readonly episode: Episode;
  /** The refusal, for `seat-refused`. */
  readonly refusal?: SeatRefusal;
  /** Directory users waiting for a seat, for `created-blocked`. */
  readonly waitingForSeat?: number;
  /** For a refused batch that wrote nothing: the new seats it wanted and how many were short. */
  readonly wanted?: { readonly seats: number; readonly short: number };
}

/** Composes the `license-limit-exceeded` notification: subject and plain text naming the area, limit, use, attempt and time. */
export function composeLimitExceeded(facts: NotificationFacts, why: ExceededFacts): LicenseNotification {
  const { area, using } = facts;
  // Every figure is the area as it is now; a refused batch adds what it wanted, never what it would have left.
  const wanted = why.cause === 'seat-refused' ? why.wanted : undefined;
  const figures = `${using} of ${area.maxUsers} seats in use${wanted === undefined ? '' : `; ${wanted.seats} more wanted, ${wanted.short} short`}`;
  const subject = why.reminder
    ? `Reminder: user license limit still exceeded in ${area.name} (${figures})`
    : wanted !== undefined
      ? `User license limit would be exceeded in ${area.name} (${figures})`
      : `User license limit exceeded in ${area.name} (${figures})`;
  const opening = why.reminder
    ? `Reminder: the user license limit of ${area.name} is still exceeded (since ${why.episode.startedAt}).`
    : wanted !== undefined
      ? `The user license limit of ${area.name} would have been exceeded, so this was refused and nothing was written.`
      : `The user license limit of ${area.name} has been exceeded.`;
  const text = [
    opening,
    '',
    ...factLines(facts),
    ...(wanted === undefined ? [] : [`Seats wanted: ${wanted.seats} more, ${wanted.short} short`]),
    `Outcome:      ${outcome(facts, why)}`,
    `When:         ${facts.occurredAt.toISOString()}`,
    '',
    `To fix it, purchase more licenses (at least ${facts.minimumPurchase} at a time), or block or delete profiles that are no longer needed.`,
    'Blocking keeps a profile so it can be reinstated later; deleting removes it and its data permanently.',
    'Directory users created blocked are activated at the next sync once seats are free.',
  ].join('\n');
  return notification(facts, 'license-limit-exceeded', subject, text);
}

/** Composes the opt-in `license-warning` notification sent when an area crosses into `warning`. */
export function composeWarning(facts: NotificationFacts): LicenseNotification {
  const { area, using } = facts;
  const remaining = Math.max(0, area.maxUsers - using);
  const subject = `User licenses running low in ${area.name} (${remaining} of ${area.maxUsers} left)`;
  const text = [
    `${area.name} is running low on user licenses: ${remaining} of ${area.maxUsers} left.`,
    '',
    ...factLines(facts),
    `When:         ${facts.occurredAt.toISOString()}`,
    '',
    `Consider purchasing more licenses (at least ${facts.minimumPurchase} at a time) before new users are refused.`,
  ].join('\n');
  return notification(facts, 'license-warning', subject, text);
}

/** What a dormant-user summary says beyond the area's facts. */
export interface DormantSummaryFacts {
  /** How many users of the area were blocked. */
  readonly blocked: number;
  /** The period without activity, in words, e.g. `90 days`. */
  readonly inactiveFor: string;
  /** Users last seen before this time were dormant. */
  readonly cutoff: Date;
}

/**
 * Composes the `dormant-users-blocked` summary: one per area a dormant-user run
 * blocked users in, with how many and why, never who (a notification keeps no
 * person's name); the audit trail and the run's report name them.
 */
export function composeDormantUsersBlocked(facts: NotificationFacts, dormant: DormantSummaryFacts): LicenseNotification {
  const { area, using } = facts;
  const n = dormant.blocked;
  const users = `${n} dormant user${n === 1 ? '' : 's'}`;
  const subject = `${users} blocked in ${area.name} (no activity for ${dormant.inactiveFor})`;
  const text = [
    `${users} of ${area.name} ${n === 1 ? 'was' : 'were'} blocked: no activity for ${dormant.inactiveFor} (last seen before ${dormant.cutoff.toISOString()}).`,
    `${n === 1 ? 'Its seat is' : 'Their seats are'} free again.`,
    '',
    ...factLines(facts),
    `Outcome:      ${n} blocked as dormant; ${Math.max(0, area.maxUsers - using)} of ${area.maxUsers} seats free.`,
    `When:         ${facts.occurredAt.toISOString()}`,
    '',
    'A dormant user who signs in again is reactivated automatically when a seat is free; reinstateUser() reactivates one by hand.',
    'The audit trail (auditLog, action user.blocked, actor dormant-policy) lists who was blocked.',
  ].join('\n');
  return notification(facts, 'dormant-users-blocked', subject, text);
}

function factLines(facts: NotificationFacts): string[] {
  const { area } = facts;
  const grace = area.graceSeats > 0 ? ` (plus ${area.graceSeats} grace seats)` : '';
  return [
    `Area:         ${area.name} (${area.id})`,
    `Licenses:     ${area.maxUsers}${grace}`,
    `Seats in use: ${facts.using}`,
    `Attempted:    ${facts.attempted}`,
  ];
}

const CAUSE_WORDS: Readonly<Record<ExceededCause, string>> = {
  'seat-refused': 'a seat was refused',
  'created-blocked': 'directory users were created blocked',
  'over-limit': 'more seats were in use than licensed',
};

function outcome(facts: NotificationFacts, why: ExceededFacts): string {
  switch (why.cause) {
    case 'seat-refused':
      return `refused. ${why.refusal?.message ?? 'No user license was left.'}`;
    case 'created-blocked': {
      const n = why.waitingForSeat ?? 0;
      return `${n} directory ${n === 1 ? 'user was' : 'users were'} created or kept blocked, waiting for a seat.`;
    }
    case 'over-limit':
      return `${facts.using - facts.area.maxUsers} more seats in use than licensed.`;
    case null:
      return `still no seat free. The episode began at ${why.episode.startedAt} with: ${why.episode.firstAttempted} (${CAUSE_WORDS[why.episode.cause]}).`;
  }
}

function notification(facts: NotificationFacts, type: LicenseNotification['type'], subject: string, text: string): LicenseNotification {
  return {
    id: facts.id,
    type,
    to: facts.to,
    subject,
    text,
    areaId: facts.area.id,
    areaName: facts.area.name,
    maxUsers: facts.area.maxUsers,
    using: facts.using,
    attempted: facts.attempted,
    occurredAt: facts.occurredAt,
  };
}
