/**
 * Dormant users: active licensed users who have not been active for a period
 * hold seats nobody uses. A plan lists who would be blocked; applying it
 * blocks them (block reason `dormant`), and a sign-in brings one back when a
 * seat is free. Pure: the service reads candidates through the repository.
 *
 * @module
 */
import type { Duration } from 'date-fns';
import { z } from 'zod';
import { DEFAULT_MAX_BLOCK_SHARE } from './directory-entry.js';
import { durationSchema, subDurationUtc } from './duration.js';
import { describeOverflow, massBlockOverflow, sharePercent, type MassBlockArea, type MassBlockRefusal } from './mass-block.js';
import { idSchema, usernameKey, type User } from './schemas.js';
import { requiredText, USERNAME_MAX_LENGTH } from './text-rules.js';

/** Options of `planDormantUsers`. */
export const dormantUsersOptionsSchema = z.strictObject({
  /**
   * How long without activity makes a user dormant, a date-fns `Duration`
   * counted back from now in UTC (a day is 24 hours), e.g. `{ days: 90 }`.
   */
  inactiveFor: durationSchema,
  /** Only users of these areas. Default: every area. */
  areaIds: z.array(idSchema).min(1, 'must name at least one area').optional(),
  /** Users never blocked by this run, by id or username (usernames compared by the username rules). */
  exclude: z.array(requiredText(USERNAME_MAX_LENGTH)).max(100_000).optional(),
  /**
   * The largest share (0 to 1) of an area's active licensed users one run may
   * block; a plan that would block more is refused unless `force`. Default 0.2.
   */
  maxBlockShare: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
  /** Apply even a plan the mass-block guard refuses. */
  force: z.boolean().optional(),
});
/** Options of `planDormantUsers`. */
export type DormantUsersOptions = z.input<typeof dormantUsersOptionsSchema>;

/** One user a dormant-user plan would block. */
export interface DormantUser {
  /** The user's id. */
  readonly userId: string;
  /** Its username when planned. */
  readonly username: string;
  /** Its area when planned. */
  readonly areaId: string;
  /** Its partner organization, or `null` for the host company. */
  readonly organizationId: string | null;
  /** Its last recorded activity, or `null` when none was ever recorded. */
  readonly lastActivityAt: Date | null;
  /** When it was created. */
  readonly createdAt: Date;
}

/** Per area: how many users a plan would block, out of how many active licensed users. */
export interface DormantUsersArea {
  /** The area. */
  readonly areaId: string;
  /** Users the plan would block there. */
  readonly blocking: number;
  /** Active licensed users there when planned. */
  readonly using: number;
}

/**
 * A dry run of the dormant-user policy: who would be blocked, computed when
 * planned. Pass it to `applyDormantUsers` to block them; each user is checked
 * again then, under its area's lock.
 */
export interface DormantUsersPlan {
  /** When it was planned. */
  readonly plannedAt: Date;
  /** The period without activity, as given. */
  readonly inactiveFor: Duration;
  /** `plannedAt` minus `inactiveFor`, in UTC: users whose last activity (or, without any, creation) is before it are dormant. */
  readonly cutoff: Date;
  /** The areas planned for, or `null` for every area. */
  readonly areaIds: readonly string[] | null;
  /** The share the mass-block guard allowed. */
  readonly maxBlockShare: number;
  /** Whether the guard was overridden. */
  readonly force: boolean;
  /** Who would be blocked: least recently active first. */
  readonly users: readonly DormantUser[];
  /** Per area with someone to block, sorted by id. */
  readonly areas: readonly DormantUsersArea[];
  /** Set when the mass-block guard refuses the plan: applying it then writes nothing. */
  readonly refused: MassBlockRefusal | null;
}

/** Why `applyDormantUsers` left a planned user alone. */
export type DormantSkipCode = 'DELETED' | 'MOVED' | 'NOT_ACTIVE' | 'ACTIVE_SINCE_PLAN';

/** A planned user `applyDormantUsers` left alone, and why. */
export interface DormantUserSkip {
  /** The user's id. */
  readonly userId: string;
  /** Its username when planned. */
  readonly username: string;
  /** Its area when planned. */
  readonly areaId: string;
  /** `DELETED`, `MOVED` (to another area), `NOT_ACTIVE` (blocked, or no longer licensed), `ACTIVE_SINCE_PLAN` (active after the cutoff). */
  readonly code: DormantSkipCode;
  /** The same in words. */
  readonly message: string;
}

/** What `applyDormantUsers` did. */
export interface DormantUsersReport {
  /** When the plan was made. */
  readonly plannedAt: Date;
  /** When it was applied. */
  readonly appliedAt: Date;
  /** The plan's refusal, when the guard refused it: then nothing was written. */
  readonly refused: MassBlockRefusal | null;
  /** The users blocked, as written: area by area (sorted by id), in plan order. */
  readonly blocked: readonly User[];
  /** The planned users left alone. */
  readonly skipped: readonly DormantUserSkip[];
  /** Per area the plan names, sorted by id: how many were blocked. */
  readonly areas: readonly DormantUsersAreaReport[];
}

/** What `applyDormantUsers` did in one area. */
export interface DormantUsersAreaReport {
  /** The area. */
  readonly areaId: string;
  /** How many of its planned users were blocked. */
  readonly blocked: number;
}

/** The moment before which a user's last activity makes it dormant. */
export function dormantCutoff(now: Date, inactiveFor: Duration): Date {
  return subDurationUtc(now, inactiveFor);
}

/** When a user was last seen: its last activity, or its creation when later (or when no activity was recorded). */
export function lastSeenAt(user: Pick<User, 'createdAt' | 'lastActivityAt'>): Date {
  const { createdAt, lastActivityAt } = user;
  return lastActivityAt !== null && lastActivityAt.getTime() > createdAt.getTime() ? lastActivityAt : createdAt;
}

/**
 * Whether a user is dormant at `cutoff`: active, licensed, and neither created
 * nor active since. System users never are.
 */
export function isDormant(user: User, cutoff: Date): boolean {
  return user.state === 'active' && user.kind === 'licensed' && lastSeenAt(user).getTime() < cutoff.getTime();
}

/** What {@link planDormantUsers} reads. */
export interface DormantPlanInput {
  /** When planned. */
  readonly now: Date;
  /** The validated options. */
  readonly options: z.output<typeof dormantUsersOptionsSchema>;
  /** The inactive candidates the repository listed, least recently active first. */
  readonly candidates: readonly User[];
  /** Active licensed users per area, for the guard. */
  readonly using: ReadonlyMap<string, number>;
}

/**
 * Plans a dormant-user run: the candidates that are dormant at the cutoff and
 * not excluded, and the mass-block guard's verdict per area.
 */
export function planDormantUsers(input: DormantPlanInput): DormantUsersPlan {
  const { now, options, candidates, using } = input;
  const cutoff = dormantCutoff(now, options.inactiveFor);
  const excluded = new Set(options.exclude ?? []);
  const excludedNames = new Set([...excluded].map(usernameKey));
  const users: DormantUser[] = [];
  const blocking = new Map<string, number>();
  for (const user of candidates) {
    if (!isDormant(user, cutoff) || excluded.has(user.id) || excludedNames.has(usernameKey(user.username))) continue;
    users.push({
      userId: user.id,
      username: user.username,
      areaId: user.areaId,
      organizationId: user.organizationId,
      lastActivityAt: user.lastActivityAt,
      createdAt: user.createdAt,
    });
    blocking.set(user.areaId, (blocking.get(user.areaId) ?? 0) + 1);
  }
  const maxBlockShare = options.maxBlockShare ?? DEFAULT_MAX_BLOCK_SHARE;
  const force = options.force ?? false;
  const areas = [...blocking.keys()].sort().map((areaId) => ({ areaId, blocking: blocking.get(areaId) ?? 0, using: using.get(areaId) ?? 0 }));
  const over = massBlockOverflow(blocking, using, maxBlockShare);
  return {
    plannedAt: now,
    inactiveFor: options.inactiveFor,
    cutoff,
    areaIds: options.areaIds === undefined ? null : [...new Set(options.areaIds)].sort(),
    maxBlockShare,
    force,
    users,
    areas,
    refused: over.length === 0 || force ? null : dormantRefusal(over, maxBlockShare),
  };
}

function dormantRefusal(over: readonly MassBlockArea[], maxBlockShare: number): MassBlockRefusal {
  return {
    code: 'MASS_BLOCK_REFUSED',
    message:
      `This run would block ${describeOverflow(over)} as dormant, more than ${sharePercent(maxBlockShare)} % of an area's users. ` +
      'Check the period (inactiveFor) and that sign-ins are reported with recordActivity, exclude who must stay, or pass force: true. Nothing was written.',
    maxBlockShare,
    areas: over,
  };
}

/** Why a planned user is left alone at apply time, or `null` when it is still dormant where planned. */
export function dormantSkip(planned: DormantUser, current: User | null, cutoff: Date): DormantUserSkip | null {
  const skip = (code: DormantSkipCode, message: string): DormantUserSkip => ({ userId: planned.userId, username: planned.username, areaId: planned.areaId, code, message });
  if (current === null) return skip('DELETED', `"${planned.username}" was deleted after planning.`);
  if (current.areaId !== planned.areaId) return skip('MOVED', `"${planned.username}" moved to another area after planning; the next plan looks at it there.`);
  if (current.state !== 'active' || current.kind !== 'licensed') return skip('NOT_ACTIVE', `"${planned.username}" is no longer an active licensed user.`);
  if (!isDormant(current, cutoff)) return skip('ACTIVE_SINCE_PLAN', `"${planned.username}" was active after ${cutoff.toISOString()}; it is not dormant.`);
  return null;
}

const dormantUserSchema = z.strictObject({
  userId: idSchema,
  username: requiredText(USERNAME_MAX_LENGTH),
  areaId: idSchema,
  organizationId: idSchema.nullable(),
  lastActivityAt: z.date().nullable(),
  createdAt: z.date(),
});

/**
 * What `applyDormantUsers` reads from a plan, checked before anything is
 * written. Loose: a plan carries per-area totals that apply recomputes.
 */
export const dormantUsersPlanSchema = z.looseObject({
  plannedAt: z.date(),
  inactiveFor: durationSchema,
  cutoff: z.date(),
  users: z.array(dormantUserSchema),
  refused: z.looseObject({ code: z.literal('MASS_BLOCK_REFUSED') }).nullable(),
});
