/**
 * Syncing a streamed directory feed (an async iterable of entries, or of pages
 * of entries such as `readLdapDirectoryPages` yields) in bounded memory. The
 * feed is read once, batch by batch; each batch is planned by the planner of
 * every sync and, unless it is a dry run, written in one transaction under the
 * locks of its areas. Between batches only compact sets of the external ids and
 * usernames read so far are kept (so a repeat in a later batch is found, and
 * users missing from the feed are found without holding the feed), with counts
 * and the first lines for the report.
 *
 * What differs from a feed passed as an array follows from reading it once:
 * - the seat order (moved, pending oldest first, re-enabled, new) holds within
 *   a batch; batches get seats in feed order;
 * - a repeated external id or username makes the repeats invalid; an earlier
 *   occurrence in a batch already synced was applied;
 * - nobody is blocked until the whole feed is read: blocks of active users
 *   (disabled accounts, moves into a full area) are held back, the users
 *   missing from the feed are counted, and the mass-block guard weighs them all
 *   against the counts before the sync; only then are they blocked. A refused
 *   sync blocks nobody, but the entries that block nobody were applied;
 * - the seats those last blocks free go to the users this sync left waiting
 *   for one, oldest `blockedAt` first, and only then is the seat watch told
 *   how many still wait (once per area), so a sync that ends with free seats
 *   never reports the limit exceeded. A dry run shows those users waiting.
 *
 * @module
 */
import {
  directorySyncOptionsSchema,
  parseDirectoryFeed,
  resolveDirectorySyncOptions,
  type DirectoryEntry,
  type IndexedDirectoryEntry,
  type InvalidDirectoryEntry,
  type ResolvedDirectorySyncOptions,
} from '../core/directory-entry.js';
import { blocksAllowed, keepsUsername, massBlockGuard, planDirectoryChanges, type DirectoryPlanOutcome, type DirectoryState } from '../core/directory-plan.js';
import {
  addDirectoryTallies,
  countDirectoryLines,
  isWaitingForLicense,
  type DirectoryPlanLine,
  type DirectorySyncCounts,
  type DirectorySyncLine,
  type DirectorySyncPlan,
  type DirectorySyncRefusal,
  type DirectorySyncReport,
  type DirectorySyncResultLine,
  type DirectorySyncSample,
  type DirectorySyncTallies,
} from '../core/directory-report.js';
import { usernameKey, type Area, type Organization, type User } from '../core/schemas.js';
import type { AreaSeatCounts } from '../core/usage.js';
import type { SeatTransaction } from '../ports/repository.js';
import { ConflictError, UnknownAreaError } from '../errors.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { activatePendingInArea, ATTEMPTS, observe, readAreas, resultLine, tellSeatWatch, write, type AreaSeatEvents } from './directory-apply.js';
import { directoryProfilePages, isMissing, lookUpProfiles, matchedInCovered, profilesInCovered } from './directory-state.js';
import { parseInput } from './validate.js';

/** Entries planned and applied together: each batch is one plan and one transaction under its areas' locks. */
export const STREAM_BATCH_SIZE = 5_000;

/** The most items each list of a streamed plan or report holds. */
export const STREAM_SAMPLE_SIZE = 1_000;

/**
 * Plans a streamed feed: a dry run that writes nothing. Each batch is planned
 * on the stored profiles and on the seat counts the batches before it would
 * leave. The plan counts every user and lists the first lines only.
 */
export async function planStreamedDirectorySync(context: ServiceContext, feed: AsyncIterable<unknown>, options: unknown): Promise<DirectorySyncPlan> {
  const { plannedAt, resolved, refused, tally, entries } = await runStream(context, feed, options, (setup) => new DryRun(context, setup));
  return {
    plannedAt,
    options: resolved,
    lines: tally.lines,
    invalid: tally.sortedInvalid(),
    refused,
    ...tally.tallies,
    waitingForLicense: tally.waiting,
    sampled: tally.sample(entries),
  };
}

/** Syncs a streamed feed batch by batch; the report counts every user and lists the first lines only. */
export async function syncStreamedDirectory(context: ServiceContext, feed: AsyncIterable<unknown>, options: unknown): Promise<DirectorySyncReport> {
  const { plannedAt, refused, tally, entries } = await runStream(context, feed, options, (setup) => new LockedApply(context, setup));
  return {
    plannedAt,
    appliedAt: context.clock(),
    refused,
    lines: tally.lines,
    invalid: tally.sortedInvalid(),
    skipped: [],
    ...tally.tallies,
    waitingForLicense: tally.waiting,
    sampled: tally.sample(entries),
  };
}

/** What every batch of a run shares: read once when the sync starts. */
interface StreamSetup {
  readonly options: ResolvedDirectorySyncOptions;
  readonly areas: readonly Area[];
  readonly organizations: readonly Organization[];
  readonly covered: ReadonlySet<string>;
  /** The counts of every area before the sync. */
  readonly before: readonly AreaSeatCounts[];
}

/**
 * One batch: entries of the feed (`feed`), entries held back until the guard
 * weighed the whole feed (`held`), or directory profiles missing from it (`missing`).
 */
interface Batch {
  readonly stage: 'feed' | 'held' | 'missing';
  readonly entries: readonly IndexedDirectoryEntry[];
  readonly missing: readonly User[];
  /** Hold back the lines that block an active user (until the guard has weighed the whole feed). */
  readonly holdBlocks: boolean;
}

/** What a batch did (or, in a dry run, would do). */
interface BatchDone<L extends DirectorySyncLine> {
  readonly lines: readonly L[];
  readonly invalid: readonly InvalidDirectoryEntry[];
  /** The lines held back: they would block an active user. */
  readonly held: readonly DirectoryPlanLine[];
  /** How many of the profiles found by the entries' external ids live in the covered areas. */
  readonly matched: number;
  /**
   * The username keys of entries whose own profile holds that username once
   * the batch is done: in a dry run, those it already held; in a sync, every
   * entry the batch wrote or found unchanged (see `runStream`).
   */
  readonly kept: readonly string[];
}

/** Plans a batch (a dry run) or plans and applies it under its areas' locks. */
interface BatchRunner<L extends DirectorySyncLine> {
  /** Whether batches are written (else it is a dry run). */
  readonly writes: boolean;
  run(batch: Batch): Promise<BatchDone<L>>;
  /**
   * Called once the feed is synced (`completed`), or failed part way: hands
   * the seats the last blocks freed to the users left waiting and tells the
   * seat watch who still waits.
   *
   * @returns the lines of the users who got a seat then
   */
  finish(completed: boolean): Promise<readonly L[]>;
}

interface StreamOutcome<L extends DirectorySyncLine> {
  readonly plannedAt: Date;
  readonly resolved: ResolvedDirectorySyncOptions;
  readonly refused: DirectorySyncRefusal | null;
  readonly tally: Tally<L>;
  readonly entries: number;
}

async function runStream<L extends DirectorySyncLine>(
  context: ServiceContext,
  feed: AsyncIterable<unknown>,
  rawOptions: unknown,
  makeRunner: (setup: StreamSetup) => BatchRunner<L>,
): Promise<StreamOutcome<L>> {
  const options = resolveDirectorySyncOptions(parseInput(directorySyncOptionsSchema, rawOptions, 'directory sync options'));
  const { repository } = context;
  const plannedAt = context.clock();
  const areas = await repository.listAreas();
  for (const areaId of options.areaIds ?? []) if (!areas.some((a) => a.id === areaId)) throw new UnknownAreaError(areaId);
  const covered = new Set(options.areaIds ?? areas.map((a) => a.id));
  // The guard weighs the blocks of the whole feed against the counts before the sync.
  const before = areas.length === 0 ? [] : await repository.countUsers(areas.map((a) => a.id));
  const runner = makeRunner({ options, areas, organizations: await repository.listOrganizations(), covered, before });
  const tally = new Tally<L>();
  // Blocks are held back until the guard has weighed the whole feed; forced, they are written batch by batch.
  const held = options.force ? null : new HeldBlocks(before, options.maxBlockShare);
  const run = async (batch: Batch) => {
    if (batch.entries.length === 0 && batch.missing.length === 0) return { matched: 0, kept: [] };
    const done = await runner.run(batch);
    held?.hold(done.held);
    tally.add(done.lines, done.invalid);
    return done;
  };

  let entries = 0;
  let refused: DirectorySyncRefusal | null = null;
  try {
    // The feed, batch by batch, with the keys read so far: a repeat in a later batch is invalid.
    const seen = { externalIds: new Set<string>(), usernameKeys: new Set<string>() };
    let matched = 0;
    // One batch is synced while the next is read and validated (an LDAP server sends its pages meanwhile).
    let inFlight: Promise<void> | null = null;
    const feedBatch = async (raw: readonly unknown[]) => {
      const parsed = parseDirectoryFeed(raw, { offset: entries, earlier: seen });
      entries += raw.length;
      for (const key of parsed.externalIds) seen.externalIds.add(key);
      for (const key of parsed.usernameKeys) seen.usernameKeys.add(key);
      tally.add([], parsed.invalid);
      await inFlight;
      const syncing = run({ stage: 'feed', entries: parsed.valid, missing: [], holdBlocks: held !== null }).then((done) => {
        matched += done.matched;
        // A username its entry's own profile holds is guarded by storage from here on: no later entry may rename
        // that profile (its external id is read), and any other entry asking for the name finds it taken. The set
        // keeps the rest (invalid and held-back entries; in a dry run, new and renamed ones too), so it stays small.
        for (const key of done.kept) seen.usernameKeys.delete(key);
      });
      // Awaited before the next batch starts, or when the feed ends or fails; until then a failure must not count as unhandled.
      syncing.catch(() => undefined);
      inFlight = syncing;
    };
    try {
      let buffer: unknown[] = [];
      for await (const item of feed) {
        if (Array.isArray(item)) for (const entry of item as unknown[]) buffer.push(entry);
        else buffer.push(item);
        if (buffer.length < STREAM_BATCH_SIZE) continue;
        let start = 0;
        for (; buffer.length - start >= STREAM_BATCH_SIZE; start += STREAM_BATCH_SIZE) await feedBatch(buffer.slice(start, start + STREAM_BATCH_SIZE));
        buffer = buffer.slice(start);
      }
      if (buffer.length > 0) await feedBatch(buffer);
    } catch (error) {
      // The batch being synced when the feed failed is finished first: what was read is synced whole.
      await (inFlight as Promise<void> | null)?.catch(() => undefined);
      throw error;
    }
    await inFlight;

    // Users missing from the feed: none when the feed's external ids found every profile of the covered areas.
    const named = (externalId: string) => seen.externalIds.has(externalId);
    const scan = options.onMissing === 'block' && matched !== profilesInCovered(before, covered);
    if (held !== null) {
      // Count first, block after: the guard weighs every block of the sync before anyone is blocked.
      const blocking = held.blocking();
      if (scan) {
        for await (const page of directoryProfilePages(repository)) {
          for (const user of page) if (user.state === 'active' && isMissing(user, named, covered)) blocking.set(user.areaId, (blocking.get(user.areaId) ?? 0) + 1);
        }
      }
      const consequence = runner.writes
        ? 'Nobody was blocked; the entries that block nobody were applied.'
        : 'A sync of this feed would block nobody and apply only the entries that block nobody.';
      refused = massBlockGuard(blocking, before, options, consequence);
    }
    if (refused === null) {
      const entriesHeld = held?.entries() ?? [];
      for (let start = 0; start < entriesHeld.length; start += STREAM_BATCH_SIZE) {
        await run({ stage: 'held', entries: entriesHeld.slice(start, start + STREAM_BATCH_SIZE), missing: [], holdBlocks: false });
      }
      if (scan) {
        for await (const page of directoryProfilePages(repository)) {
          const missing = page.filter((user) => isMissing(user, named, covered));
          if (missing.length > 0) await run({ stage: 'missing', entries: [], missing, holdBlocks: false });
        }
      }
    }
  } catch (error) {
    // The batches applied so far stay applied: the seat watch still hears who waits for a license.
    await runner.finish(false).catch(() => undefined);
    throw error;
  }
  tally.settle(await runner.finish(true));
  return { plannedAt, resolved: options, refused, tally, entries };
}

/**
 * Plans a batch with the planner of every sync. With `holdBlocks`, lines that
 * would block an active user are taken out and the batch is planned again
 * without them, until it blocks nobody. The guard is decided over the whole
 * feed, not per batch: each batch is planned as forced.
 */
function planBatch(batch: Batch, state: DirectoryState, options: ResolvedDirectorySyncOptions): { outcome: DirectoryPlanOutcome; held: DirectoryPlanLine[] } {
  const forced = { ...options, force: true };
  const held: DirectoryPlanLine[] = [];
  let entries = batch.entries;
  let outcome = planDirectoryChanges(entries, state, forced);
  for (;;) {
    const blocks = batch.holdBlocks ? outcome.lines.filter((line) => line.action === 'block' && line.entry !== null) : [];
    if (blocks.length === 0) return { outcome, held };
    held.push(...blocks);
    const out = new Set(blocks.map((line) => line.index));
    entries = entries.filter(({ index }) => !out.has(index));
    outcome = planDirectoryChanges(entries, state, forced);
  }
}

/**
 * A dry run: each batch is planned on the stored profiles and on the counts
 * the batches before it would leave (nothing is written in between).
 */
class DryRun implements BatchRunner<DirectoryPlanLine> {
  readonly writes = false;
  private readonly counts: Map<string, AreaSeatCounts>;

  constructor(
    private readonly context: ServiceContext,
    private readonly setup: StreamSetup,
  ) {
    this.counts = new Map(setup.before.map((c) => [c.areaId, c]));
  }

  async run(batch: Batch): Promise<BatchDone<DirectoryPlanLine>> {
    const { areas, organizations, options, covered } = this.setup;
    const profiles = await lookUpProfiles(this.context.repository, batch.entries);
    const state = { areas, organizations, counts: [...this.counts.values()], ...profiles, missing: batch.missing };
    const { outcome, held } = planBatch(batch, state, options);
    for (const c of outcome.counts) this.counts.set(c.areaId, c);
    return { lines: outcome.lines, invalid: outcome.invalid, held, matched: matchedInCovered(profiles.byExternalId, covered), kept: keptUsernames(batch, profiles.byExternalId) };
  }

  async finish(): Promise<readonly DirectoryPlanLine[]> {
    // The dry run keeps no waiting users to hand seats to: it shows them waiting.
    return [];
  }
}

/** The username keys of a batch's entries whose own stored profile already holds that username (a dry run writes nothing). */
function keptUsernames(batch: Batch, byExternalId: ReadonlyMap<string, User>): string[] {
  const kept: string[] = [];
  for (const { entry } of batch.entries) if (keepsUsername(entry, byExternalId)) kept.push(usernameKey(entry.username));
  return kept;
}

/** Asked for by a batch whose lines write in areas it did not lock: it runs again with them locked. */
class MoreAreasToLock {
  constructor(readonly areaIds: ReadonlySet<string>) {}
}

/**
 * Each batch in one transaction under its areas' locks: the profiles are read
 * there, planned by the planner of every sync and written, as a plan is
 * applied. The areas locked are those the entries name, those the missing
 * users are in, and those earlier batches had to lock (profiles moving in
 * from another area); a batch that finds a profile to move out of an area it
 * did not lock writes nothing and runs again with that area locked.
 */
class LockedApply implements BatchRunner<DirectorySyncResultLine> {
  readonly writes = true;
  /** Areas batches had to lock beyond their entries' own: later batches lock them at once. */
  private readonly alsoLock = new Set<string>();
  /**
   * Feed users left waiting for a license (for any reason), by external id:
   * their position in the feed, and whether the area's limit was the reason.
   */
  private readonly waitingIds = new Map<string, { readonly index: number; readonly licenseLimit: boolean }>();
  /** Per area, the users left waiting for a license that the seat watch is told about at the end. */
  private readonly events = new Map<string, AreaSeatEvents>();
  /** Areas where the blocks written after the feed was read gave seats back. */
  private readonly freedAtEnd = new Set<string>();

  constructor(
    private readonly context: ServiceContext,
    private readonly setup: StreamSetup,
  ) {}

  async run(batch: Batch): Promise<BatchDone<DirectorySyncResultLine>> {
    const locks = new Set(this.alsoLock);
    for (const { entry } of batch.entries) locks.add(entry.areaId);
    for (const user of batch.missing) locks.add(user.areaId);
    for (let attempt = 1; ; attempt++) {
      const locked = [...locks].sort();
      try {
        const done = await inAreaTransaction(this.context, locked, (tx) => this.inTransaction(tx, batch, locked));
        this.remember(batch, done);
        return done;
      } catch (error) {
        if (error instanceof MoreAreasToLock) {
          for (const areaId of error.areaIds) {
            locks.add(areaId);
            this.alsoLock.add(areaId);
          }
          continue;
        }
        // A profile created meanwhile in an area this batch does not lock took a username or
        // external id it writes: nothing was kept; the next attempt reads that profile.
        if (!(error instanceof ConflictError) || error.field === 'id' || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  private async inTransaction(
    tx: SeatTransaction,
    batch: Batch,
    locked: readonly string[],
  ): Promise<AppliedBatch> {
    const { options, covered } = this.setup;
    const now = this.context.clock();
    const missingIds = batch.missing.map((user) => user.externalId as string);
    const profiles = await lookUpProfiles(tx, batch.entries, missingIds);
    // A missing user is blocked as it is now: one an admin blocked or that moved away meanwhile is left alone.
    const missing: User[] = [];
    for (const externalId of missingIds) {
      const user = profiles.byExternalId.get(externalId);
      if (user !== undefined && isMissing(user, () => false, covered)) missing.push(user);
    }
    const state = await readAreas(tx, locked);
    const { outcome, held } = planBatch(batch, { ...state, ...profiles, missing }, options);

    const unlocked = new Set<string>();
    for (const line of outcome.lines) {
      if (line.action === 'unchanged') continue;
      for (const areaId of [line.areaId, line.current?.areaId]) if (areaId !== undefined && !locked.includes(areaId)) unlocked.add(areaId);
    }
    if (unlocked.size > 0) throw new MoreAreasToLock(unlocked);

    const written = await write(this.context, tx, outcome.lines, outcome.rounds, now);
    // Who waits for a license is told once the whole feed is synced (see finish).
    const events = await observe(this.context, tx, outcome.lines, locked, 'directory sync', false);
    const lines = outcome.lines.map((line, i) => resultLine(line, written[i] as User));
    const matched = batch.missing.length === 0 ? matchedInCovered(profiles.byExternalId, covered) : 0;
    const freed = new Set<string>();
    for (const { current, action, areaId, organizationId } of outcome.lines) {
      if (current?.state === 'active' && (action === 'block' || current.areaId !== areaId || current.organizationId !== organizationId)) freed.add(current.areaId);
    }
    // Every entry with a line now has a profile holding its username.
    const kept = outcome.lines.flatMap((line) => (line.entry === null ? [] : [usernameKey(line.username)]));
    return { lines, invalid: outcome.invalid, held, matched, kept, events, freed };
  }

  /** Keeps what the end of the sync needs from a batch it applied. */
  private remember(batch: Batch, done: AppliedBatch): void {
    for (const [areaId, event] of done.events) {
      const sum = this.events.get(areaId);
      this.events.set(areaId, {
        waiting: (sum?.waiting ?? 0) + event.waiting,
        createdBlocked: (sum?.createdBlocked ?? 0) + event.createdBlocked,
        seatChanged: false,
      });
    }
    for (const line of done.lines) {
      if (isWaitingForLicense(line)) this.waitingIds.set(line.externalId, { index: line.index as number, licenseLimit: line.refusal?.code === 'LICENSE_LIMIT_REACHED' });
    }
    if (batch.stage !== 'feed') for (const areaId of done.freed) this.freedAtEnd.add(areaId);
  }

  async finish(completed: boolean): Promise<readonly DirectorySyncResultLine[]> {
    const settled: DirectorySyncResultLine[] = [];
    const areaIds = [...new Set([...this.events.keys(), ...(completed ? this.freedAtEnd : [])])].sort();
    for (const areaId of areaIds) {
      const event = this.events.get(areaId) ?? { waiting: 0, createdBlocked: 0, seatChanged: false };
      if (completed && this.freedAtEnd.has(areaId) && this.waitingIds.size > 0) {
        // Seats given back after the feed was read go to the users it left waiting, as activatePendingDirectoryUsers
        // hands them out (oldest blockedAt first); then the seat watch hears how many still wait.
        const done = await activatePendingInArea(this.context, areaId, {
          only: (user) => this.waitingIds.has(user.externalId as string),
          position: (user) => this.waitingIds.get(user.externalId as string)?.index ?? 0,
          event: (activated) => ({
            ...event,
            waiting: event.waiting - activated.filter((user) => this.waitingIds.get(user.externalId as string)?.licenseLimit === true).length,
            seatChanged: activated.length > 0,
          }),
        });
        for (const user of done.activated) settled.push(activatedLine(user, this.waitingIds.get(user.externalId as string)?.index ?? null));
        continue;
      }
      if (event.waiting === 0) continue;
      await inAreaTransaction(this.context, [areaId], (tx) => tellSeatWatch(this.context, tx, areaId, event, 'directory sync'));
    }
    return settled;
  }
}

/** A batch written under its locks: what it did, per area for the seat watch, and where it gave seats back. */
interface AppliedBatch extends BatchDone<DirectorySyncResultLine> {
  readonly events: ReadonlyMap<string, AreaSeatEvents>;
  /** Areas where an active profile was blocked or moved out. */
  readonly freed: ReadonlySet<string>;
}

/** The line of a waiting user who got a seat at the end of a streamed sync. */
function activatedLine(user: User, index: number | null): DirectorySyncResultLine {
  return {
    index,
    externalId: user.externalId as string,
    username: user.username,
    areaId: user.areaId,
    organizationId: user.organizationId,
    action: 'activate',
    reason: null,
    changes: [],
    refusal: null,
    user,
  };
}

/**
 * The entries whose lines would block an active user, held back until the
 * guard has weighed the whole feed, and how many they block per area. Once an
 * area holds more than the guard allows, the sync will be refused whatever
 * comes next: from then on the blocks are only counted, so memory stays bounded.
 */
class HeldBlocks {
  private readonly allowed: Map<string, number>;
  private readonly perArea = new Map<string, number>();
  private held: IndexedDirectoryEntry[] | null = [];

  constructor(before: readonly AreaSeatCounts[], maxBlockShare: number) {
    this.allowed = new Map(before.map((c) => [c.areaId, blocksAllowed(c.using, maxBlockShare)]));
  }

  hold(lines: readonly DirectoryPlanLine[]): void {
    for (const line of lines) {
      const areaId = (line.current as User).areaId;
      const count = (this.perArea.get(areaId) ?? 0) + 1;
      this.perArea.set(areaId, count);
      if (count > (this.allowed.get(areaId) ?? 0)) this.held = null;
      this.held?.push({ index: line.index as number, entry: line.entry as DirectoryEntry });
    }
  }

  /** The blocks held per area (a copy). */
  blocking(): Map<string, number> {
    return new Map(this.perArea);
  }

  /** The entries held, in feed order; empty once more were held than the guard allows (the sync is refused then). */
  entries(): IndexedDirectoryEntry[] {
    return [...(this.held ?? [])].sort((a, b) => a.index - b.index);
  }
}

/** The counts of every line of a streamed sync, and the first {@link STREAM_SAMPLE_SIZE} items of each list. */
class Tally<L extends DirectorySyncLine> {
  readonly lines: L[] = [];
  readonly waiting: L[] = [];
  private readonly invalid: InvalidDirectoryEntry[] = [];
  private readonly omitted = { lines: 0, invalid: 0, waitingForLicense: 0 };
  tallies: DirectorySyncTallies = countDirectoryLines([], 0, 0);

  add(lines: readonly L[], invalid: readonly InvalidDirectoryEntry[]): void {
    this.tallies = addDirectoryTallies(this.tallies, countDirectoryLines(lines, invalid.length, 0));
    this.omitted.lines += keepFirst(this.lines, lines);
    this.omitted.waitingForLicense += keepFirst(this.waiting, lines.filter(isWaitingForLicense));
    this.omitted.invalid += keepFirst(this.invalid, invalid);
  }

  /** Counts the users who got a seat at the end of the sync: they were counted waiting, now they are activated. */
  settle(activated: readonly L[]): void {
    if (activated.length === 0) return;
    const counted = countDirectoryLines(activated, 0, 0);
    // Each was counted waiting in the line of its entry: it waits no more.
    const noLongerWaiting: DirectorySyncTallies = {
      areas: counted.areas.map((area) => ({ areaId: area.areaId, ...NO_COUNTS, waitingForLicense: -area.activate })),
      totals: { ...NO_COUNTS, waitingForLicense: -activated.length, invalid: 0, skipped: 0 },
    };
    this.tallies = addDirectoryTallies(addDirectoryTallies(this.tallies, counted), noLongerWaiting);
    const got = new Set(activated.map((line) => line.externalId));
    for (let i = this.waiting.length - 1; i >= 0; i--) if (got.has((this.waiting[i] as L).externalId)) this.waiting.splice(i, 1);
    this.omitted.lines += keepFirst(this.lines, activated);
  }

  sortedInvalid(): InvalidDirectoryEntry[] {
    return [...this.invalid].sort((a, b) => a.index - b.index);
  }

  sample(entries: number): DirectorySyncSample {
    return { limit: STREAM_SAMPLE_SIZE, entries, omitted: { ...this.omitted } };
  }
}

const NO_COUNTS: DirectorySyncCounts = { create: 0, createBlocked: 0, activate: 0, block: 0, update: 0, unchanged: 0, waitingForLicense: 0 };

/** Appends items to `kept` up to {@link STREAM_SAMPLE_SIZE}; returns how many did not fit. */
function keepFirst<T>(kept: T[], items: readonly T[]): number {
  const room = Math.max(0, STREAM_SAMPLE_SIZE - kept.length);
  for (let i = 0; i < Math.min(room, items.length); i++) kept.push(items[i] as T);
  return Math.max(0, items.length - room);
}
