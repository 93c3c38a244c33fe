/**
 * The shapes a directory sync answers with: the plan (a dry run) and the
 * report of what was applied, their per-user lines and their totals.
 *
 * @module
 */
import type { DirectoryEntry, InvalidDirectoryEntry, ResolvedDirectorySyncOptions } from './directory-entry.js';
import type { BlockReason, User } from './schemas.js';
import type { SeatRefusal } from './seat-policy.js';
import type { MassBlockRefusal } from './mass-block.js';

/**
 * What a sync does to one user:
 * - `create`: a new active profile;
 * - `create-blocked`: a new profile created blocked: with `license-limit` because no seat is
 *   free, or with `directory-disabled` when the directory has the account disabled;
 * - `activate`: a blocked profile becomes active (a pending user got a seat, or a disabled one came back);
 * - `block`: an active profile is blocked (`directory-disabled`, `directory-removed`, or
 *   `license-limit` when it moved to an area or partner with no seat free);
 * - `update`: profile fields or the block reason change, the state does not;
 * - `unchanged`: nothing to write.
 */
export type DirectorySyncAction = 'create' | 'create-blocked' | 'activate' | 'block' | 'update' | 'unchanged';

/** A profile field a sync may change, as listed in {@link DirectorySyncLine.changes}. */
export type DirectorySyncField = 'username' | 'email' | 'displayName' | 'externalId' | 'areaId' | 'organizationId' | 'blockReason';

/** One user's line in a plan or a report. */
export interface DirectorySyncLine {
  /** The entry's position in the feed, from 0; `null` for a user missing from the feed. */
  readonly index: number | null;
  /** The directory id. */
  readonly externalId: string;
  /** The username after the sync. */
  readonly username: string;
  /** The area after the sync. */
  readonly areaId: string;
  /** The partner organization after the sync, or `null` for the host company. */
  readonly organizationId: string | null;
  /** What the sync does to the user. */
  readonly action: DirectorySyncAction;
  /** Why the user is blocked after the sync (`license-limit` means it waits for a seat); `null` when active. */
  readonly reason: BlockReason | null;
  /** The fields that change (empty for `unchanged`, `create` and `create-blocked`). */
  readonly changes: readonly DirectorySyncField[];
  /** When the user asked for a seat and got none: why. */
  readonly refusal: SeatRefusal | null;
}

/** A line of a {@link DirectorySyncPlan}. */
export interface DirectoryPlanLine extends DirectorySyncLine {
  /** The validated feed entry; `null` for a user missing from the feed. */
  readonly entry: DirectoryEntry | null;
  /** The matched profile as it was when planned; `null` when the sync creates it. */
  readonly current: User | null;
}

/** A line of a {@link DirectorySyncReport}. */
export interface DirectorySyncResultLine extends DirectorySyncLine {
  /** The profile after the sync. */
  readonly user: User;
}

/** A planned line that apply left alone, because the profile changed after planning. */
export interface DirectorySyncSkip {
  /** The entry's position in the feed; `null` for a user missing from the feed. */
  readonly index: number | null;
  /** The directory id. */
  readonly externalId: string;
  /** The username the entry asked for. */
  readonly username: string;
  /** The area the entry asked for. */
  readonly areaId: string;
  /** What the plan meant to do. */
  readonly planned: DirectorySyncAction;
  /**
   * `CHANGED_SINCE_PLAN`: the profile was changed, created or deleted by someone
   * else after planning; `NO_LONGER_VALID`: the entry cannot be applied any more
   * (its area, organization or username changed hands).
   */
  readonly code: 'CHANGED_SINCE_PLAN' | 'NO_LONGER_VALID';
  /** What happened, in words. */
  readonly message: string;
}

/** How many users each action concerns. */
export interface DirectorySyncCounts {
  /** Profiles created active. */
  readonly create: number;
  /** Profiles created blocked (waiting for a seat, or disabled in the directory). */
  readonly createBlocked: number;
  /** Blocked profiles activated. */
  readonly activate: number;
  /** Active profiles blocked. */
  readonly block: number;
  /** Profiles whose fields or block reason change. */
  readonly update: number;
  /** Profiles left as they are. */
  readonly unchanged: number;
  /** Feed users blocked with `license-limit` after the sync: created blocked or still waiting. */
  readonly waitingForLicense: number;
}

/** The counts of one area (the area each user ends up in). */
export interface DirectorySyncAreaTotals extends DirectorySyncCounts {
  /** The area. */
  readonly areaId: string;
}

/** The counts over the whole feed. */
export interface DirectorySyncTotals extends DirectorySyncCounts {
  /** Invalid entries, applied for none of them. */
  readonly invalid: number;
  /** Planned lines apply left alone (always 0 in a plan). */
  readonly skipped: number;
}

export type { MassBlockArea } from './mass-block.js';

/** Why a sync was refused: it would block more than `maxBlockShare` of an area's users (the mass-block guard). */
export type DirectorySyncRefusal = MassBlockRefusal;

/**
 * How much of a streamed sync's lists a plan or report holds. A feed passed as
 * an async iterable is synced batch by batch in bounded memory, so only the
 * first `limit` items of each list are kept; `totals` and `areas` still count
 * every user.
 */
export interface DirectorySyncSample {
  /** The most items each list holds: 1,000. */
  readonly limit: number;
  /** How many entries the feed held. */
  readonly entries: number;
  /** How many items each list left out. */
  readonly omitted: {
    /** Lines beyond `lines`. */
    readonly lines: number;
    /** Invalid entries beyond `invalid`. */
    readonly invalid: number;
    /** Lines beyond `waitingForLicense`. */
    readonly waitingForLicense: number;
  };
}

/**
 * A dry run of a directory sync: what would happen to every user, computed
 * from the state when planned. Pass it to `applyDirectorySync` to apply it;
 * seats are decided again then, under the area locks.
 */
export interface DirectorySyncPlan {
  /** When it was planned. */
  readonly plannedAt: Date;
  /** The options it was planned with, defaults filled in. */
  readonly options: ResolvedDirectorySyncOptions;
  /** One line per valid entry in feed order, then the users missing from the feed. */
  readonly lines: readonly DirectoryPlanLine[];
  /** Entries that cannot be applied, with their issues. */
  readonly invalid: readonly InvalidDirectoryEntry[];
  /** Set when the mass-block guard refuses the feed: applying it then writes nothing. */
  readonly refused: DirectorySyncRefusal | null;
  /** Counts per area. */
  readonly areas: readonly DirectorySyncAreaTotals[];
  /** Counts over the feed. */
  readonly totals: DirectorySyncTotals;
  /** The lines of feed users that would wait for a license (created blocked or still pending). */
  readonly waitingForLicense: readonly DirectoryPlanLine[];
  /**
   * `null` for a feed passed as an array: the plan is complete and can be
   * applied. Set for a feed passed as an async iterable: the plan is a dry run
   * that counts everything but lists only the first lines (see
   * {@link DirectorySyncSample}); it cannot be applied: sync the feed with
   * `syncDirectory` instead.
   */
  readonly sampled: DirectorySyncSample | null;
}

/** What a directory sync did. */
export interface DirectorySyncReport {
  /** When the plan was made. */
  readonly plannedAt: Date;
  /** When it was applied. */
  readonly appliedAt: Date;
  /**
   * Set when the mass-block guard refused the feed. For an array feed nothing
   * was written and `lines` is empty; for a streamed feed nobody was blocked
   * and the entries that block nobody were applied (they are in `lines`).
   */
  readonly refused: DirectorySyncRefusal | null;
  /** What happened to each user, in feed order, then the users missing from the feed. */
  readonly lines: readonly DirectorySyncResultLine[];
  /** Entries that were not applied because they are invalid. */
  readonly invalid: readonly InvalidDirectoryEntry[];
  /** Planned lines left alone because the profile changed after planning. */
  readonly skipped: readonly DirectorySyncSkip[];
  /** Counts per area. */
  readonly areas: readonly DirectorySyncAreaTotals[];
  /** Counts over the feed. */
  readonly totals: DirectorySyncTotals;
  /** The users that wait for a license: blocked with `license-limit`, activated by a later sync once a seat is free. */
  readonly waitingForLicense: readonly DirectorySyncResultLine[];
  /**
   * `null` for a feed passed as an array: every list is complete. Set for a
   * feed passed as an async iterable: the lists hold their first items only
   * (see {@link DirectorySyncSample}); `totals` and `areas` count everything.
   */
  readonly sampled: DirectorySyncSample | null;
}

/** Whether a line is a feed user left waiting for a seat. */
export function isWaitingForLicense(line: DirectorySyncLine): boolean {
  return line.index !== null && line.reason === 'license-limit';
}

/** The counts of a plan or report, per area and overall. */
export interface DirectorySyncTallies {
  /** Per area, sorted by id. */
  readonly areas: readonly DirectorySyncAreaTotals[];
  /** Over the feed. */
  readonly totals: DirectorySyncTotals;
}

/**
 * Counts lines per action, per area (sorted by id) and over the feed.
 *
 * @param lines - the plan's or report's lines
 * @param invalid - how many entries were invalid
 * @param skipped - how many planned lines apply left alone
 * @returns the per-area and overall counts
 */
export function countDirectoryLines(lines: readonly DirectorySyncLine[], invalid: number, skipped: number): DirectorySyncTallies {
  const perArea = new Map<string, MutableCounts>();
  const all = emptyCounts();
  for (const line of lines) {
    let area = perArea.get(line.areaId);
    if (area === undefined) {
      area = emptyCounts();
      perArea.set(line.areaId, area);
    }
    const field = COUNT_OF[line.action];
    area[field] += 1;
    all[field] += 1;
    if (isWaitingForLicense(line)) {
      area.waitingForLicense += 1;
      all.waitingForLicense += 1;
    }
  }
  const areas = [...perArea]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([areaId, counts]) => ({ areaId, ...counts }));
  return { areas, totals: { ...all, invalid, skipped } };
}

/**
 * Adds up the counts of two parts of one sync (the batches of a streamed feed).
 *
 * @param a - the counts so far
 * @param b - the counts of the next part
 * @returns the counts of both, per area (sorted by id) and overall
 */
export function addDirectoryTallies(a: DirectorySyncTallies, b: DirectorySyncTallies): DirectorySyncTallies {
  const perArea = new Map<string, DirectorySyncAreaTotals>(a.areas.map((area) => [area.areaId, area]));
  for (const area of b.areas) {
    const seen = perArea.get(area.areaId);
    perArea.set(area.areaId, seen === undefined ? area : { areaId: area.areaId, ...addCounts(seen, area) });
  }
  const areas = [...perArea.values()].sort((x, y) => (x.areaId < y.areaId ? -1 : x.areaId > y.areaId ? 1 : 0));
  const totals = { ...addCounts(a.totals, b.totals), invalid: a.totals.invalid + b.totals.invalid, skipped: a.totals.skipped + b.totals.skipped };
  return { areas, totals };
}

function addCounts(a: DirectorySyncCounts, b: DirectorySyncCounts): DirectorySyncCounts {
  const sum = emptyCounts();
  for (const key of Object.keys(sum) as (keyof DirectorySyncCounts)[]) sum[key] = a[key] + b[key];
  return sum;
}

type MutableCounts = { -readonly [K in keyof DirectorySyncCounts]: number };

const COUNT_OF: Readonly<Record<DirectorySyncAction, Exclude<keyof DirectorySyncCounts, 'waitingForLicense'>>> = {
  create: 'create',
  'create-blocked': 'createBlocked',
  activate: 'activate',
  block: 'block',
  update: 'update',
  unchanged: 'unchanged',
};

function emptyCounts(): MutableCounts {
  return { create: 0, createBlocked: 0, activate: 0, block: 0, update: 0, unchanged: 0, waitingForLicense: 0 };
}
