import { z } from 'zod';
import { bulkCreateOptionsSchema, bulkUserInputSchema, type BulkCreateOptions, type BulkMode, type BulkUserInput } from '../core/bulk-schemas.js';
import { planBulkCreate, type BulkCandidate } from '../core/bulk-plan.js';
import type { UserResult } from '../core/results.js';
import type { SeatContext, SeatRefusal, SeatRefusalCode } from '../core/seat-policy.js';
import type { SeatShortage } from '../core/seat-shortage.js';
import { usernameKey, type User } from '../core/schemas.js';
import { SYSTEM_USERNAMES } from '../core/system-users.js';
import { ConflictError } from '../errors.js';
import type { SeatTransaction } from '../ports/repository.js';
import { SYSTEM_ACTORS } from '../core/audit.js';
import { inAreaTransaction, withActor, type ServiceContext } from './context.js';
import { assertOrganizationIn, readSeatContext } from './seat-context.js';
import { yieldToEventLoop } from './event-loop.js';
import { findUsersByExternalIds, findUsersByUsernames } from './reads.js';
import { newUser } from './users.js';
import { parseInput } from './validate.js';

/** What {@link BulkCreateApi.createUsers} did, or in a dry run would do. */
export interface BulkCreateReport {
  /** The mode the batch ran in. */
  readonly mode: BulkMode;
  /** Whether this was a dry run (nothing written, nobody notified). */
  readonly dryRun: boolean;
  /** Whether users were written. */
  readonly written: boolean;
  /** How many users were written. */
  readonly created: number;
  /**
   * One result per entry, in the order given. `ok: true` carries the user: stored
   * when `written` is true, else the record that would have been stored (its id
   * is not reserved). `ok: false` carries the refusal: `USERNAME_NOT_ALLOWED`, `USERNAME_TAKEN`,
   * `EXTERNAL_ID_TAKEN`, `LICENSE_LIMIT_REACHED`, `PARTNER_QUOTA_REACHED` or `PARTNER_ACCESS_DENIED`.
   */
  readonly results: readonly UserResult[];
  /** Per area, the seats short for every active entry to fit and the smallest purchase covering them; empty when all fit. */
  readonly shortages: readonly SeatShortage[];
}

/** Creating many users at once. */
export interface BulkCreateApi {
  /**
   * Creates many licensed users in one atomic step: one transaction locks every
   * area involved, reads the seats free, decides every entry in order (see
   * `planBulkCreate`) and writes the accepted ones in batches. Entries with
   * `state: 'blocked'` are created blocked by an admin (`blockReason: 'admin'`)
   * and take no seat.
   *
   * - `all-or-nothing` (default): nothing is written when any entry is refused;
   *   the report says how many seats each area is short and the smallest purchase that covers them.
   * - `best-effort`: the entries that can be created are, in order; the rest are refused with reasons.
   *
   * When seats were refused (and not in a dry run), the responsible person is told.
   *
   * @param entries - the users: `createUser` fields plus an optional `state`
   * @param options - `mode`, `dryRun`, `source` (`manual` or `csv`), `blockedBy`, and `actor`: who creates them,
   *   recorded in the audit trail (one `user.created` per user written)
   * @returns one result per entry, the shortages and whether anything was written
   * @throws InvalidInputError when an entry or option is malformed (nothing is written)
   * @throws UnknownAreaError, UnknownOrganizationError when an entry names an undefined area or organization
   * @example
   * ```ts
   * const report = await seats.createUsers(
   *   [{ username: 'alice', areaId: 'primary' }, { username: 'bob', areaId: 'primary', state: 'blocked' }],
   *   { mode: 'all-or-nothing' },
   * );
   * if (!report.written) for (const s of report.shortages) console.log(s.message);
   * ```
   */
  createUsers(entries: readonly BulkUserInput[], options?: BulkCreateOptions): Promise<BulkCreateReport>;
}

/** The system users' names, by key, as held by their system user: no batch may take one. */
const RESERVED_USERNAMES = Object.values(SYSTEM_USERNAMES).map((username) => [usernameKey(username), { username, organizationId: null }] as const);

/** How many users one `insertUsers` call writes. */
const INSERT_BATCH = 1_000;
/** A unique key taken by a concurrent transaction on another area surfaces at commit; the batch is decided again. */
const CONFLICT_ATTEMPTS = 3;

/** The most entries one batch may have. */
const MAX_ENTRIES = 10_000_000;
const entriesSchema = z.array(bulkUserInputSchema).max(MAX_ENTRIES);

/** One validated entry. */
type Entry = z.output<typeof bulkUserInputSchema>;

/** Builds the {@link BulkCreateApi}. */
export function bulkCreateApi(base: ServiceContext): BulkCreateApi {
  return {
    async createUsers(entries, options = {}) {
      const list = parseInput(entriesSchema, entries, 'createUsers entries');
      const data = parseInput(bulkCreateOptionsSchema, options, 'createUsers options');
      const settings: BatchSettings = {
        mode: data.mode ?? 'all-or-nothing',
        dryRun: data.dryRun ?? false,
        source: data.source ?? 'manual',
        blockedBy: data.blockedBy ?? data.actor?.id ?? 'bulk import',
      };
      const context = withActor(base, data.actor, settings.source === 'csv' ? SYSTEM_ACTORS.csvImport : SYSTEM_ACTORS.seatkeeper);
      if (list.length === 0) return { mode: settings.mode, dryRun: settings.dryRun, written: false, created: 0, results: [], shortages: [] };
      const areaIds = [...new Set(list.map((e) => e.areaId))];
      for (let attempt = 1; ; attempt++) {
        try {
          return await inAreaTransaction(context, areaIds, (tx) => runBatch(context, tx, list, areaIds, settings));
        } catch (error) {
          if (!(error instanceof ConflictError) || error.field === 'id' || attempt >= CONFLICT_ATTEMPTS) throw error;
        }
      }
    },
  };
}

interface BatchSettings {
  readonly mode: BulkMode;
  readonly dryRun: boolean;
  readonly source: 'manual' | 'csv';
  readonly blockedBy: string;
}

async function runBatch(
  context: ServiceContext,
  tx: SeatTransaction,
  entries: readonly Entry[],
  areaIds: readonly string[],
  settings: BatchSettings,
): Promise<BulkCreateReport> {
  const contexts = new Map<string, SeatContext>();
  for (const areaId of areaIds) contexts.set(areaId, await readSeatContext(tx, areaId));
  for (const entry of entries) assertOrganizationIn(contexts.get(entry.areaId) as SeatContext, entry.organizationId);

  const candidates = entries.map(
    (e): BulkCandidate => ({ username: e.username, externalId: e.externalId ?? null, areaId: e.areaId, organizationId: e.organizationId ?? null, active: e.state !== 'blocked' }),
  );
  const externalIds = candidates.flatMap((c) => (c.externalId === null ? [] : [c.externalId]));
  // The system users' names stay reserved even while the site has no such user: a batch never takes one.
  const takenUsernames = new Map<string, Pick<User, 'username' | 'organizationId'>>([
    ...RESERVED_USERNAMES,
    ...(await findUsersByUsernames(tx, candidates.map((c) => c.username))),
  ]);
  const takenExternalIds = new Set((await findUsersByExternalIds(tx, externalIds)).keys());
  const plan = planBulkCreate({ candidates, contexts, takenUsernames, takenExternalIds, minimumPurchase: context.options.minimumPurchase });

  // One instant for the whole batch: its users are created in one atomic step.
  const now = context.clock();
  const active = { source: settings.source, state: 'active' } as const;
  const blocked = { source: settings.source, state: 'blocked', blockedBy: settings.blockedBy, blockReason: 'admin' } as const;
  const results = entries.map((entry, index): UserResult => {
    const decision = plan.decisions[index];
    if (decision !== undefined && !decision.ok) return decision;
    return { ok: true, user: newUser(context, entry, entry.state === 'blocked' ? blocked : active, now) };
  });
  const accepted = results.flatMap((result) => (result.ok ? [result.user] : []));
  const refusedAny = accepted.length < results.length;
  const write = !settings.dryRun && accepted.length > 0 && (settings.mode === 'best-effort' || !refusedAny);

  if (write) {
    for (let start = 0; start < accepted.length; start += INSERT_BATCH) {
      await tx.insertUsers(accepted.slice(start, start + INSERT_BATCH));
      // A large import must not hold the event loop: the server goes on answering between batches.
      await yieldToEventLoop();
    }
  }
  if (!settings.dryRun) await observeAreas(context, tx, results, write ? accepted : [], settings.source, entries.length, plan.shortages);
  return {
    mode: settings.mode,
    dryRun: settings.dryRun,
    written: write,
    created: write ? accepted.length : 0,
    results,
    shortages: plan.shortages,
  };
}


/**
 * Tells the seat watch about each area the batch touched: the first seat
 * refusal there (a limit reached is preferred: that is what the responsible
 * person must hear about), or the write. When nothing was written, a row's
 * refusal was decided as if the rows before it had been created; the watch is
 * told of the whole batch's shortage instead, with the area's figures as they
 * are, so the notification's figures agree with each other and with the area.
 */
const KEY_REFUSALS: ReadonlySet<SeatRefusalCode> = new Set(['USERNAME_NOT_ALLOWED', 'USERNAME_TAKEN', 'EXTERNAL_ID_TAKEN']);

async function observeAreas(
  context: ServiceContext,
  tx: SeatTransaction,
  results: readonly UserResult[],
  written: readonly User[],
  source: 'manual' | 'csv',
  size: number,
  shortages: readonly SeatShortage[],
): Promise<void> {
  const refusals = new Map<string, SeatRefusal>();
  for (const result of results) {
    // Only seat refusals concern the responsible person; a refused name or id does not.
    if (result.ok || KEY_REFUSALS.has(result.reason.code)) continue;
    const seen = refusals.get(result.reason.areaId);
    if (seen === undefined || (seen.code !== 'LICENSE_LIMIT_REACHED' && result.reason.code === 'LICENSE_LIMIT_REACHED')) {
      refusals.set(result.reason.areaId, result.reason);
    }
  }
  const areas = new Set(refusals.keys());
  for (const user of written) areas.add(user.areaId);
  const attempted = `${source === 'csv' ? 'CSV import' : 'bulk creation'} of ${size} user${size === 1 ? '' : 's'}`;
  for (const areaId of areas) {
    const refusal = refusals.get(areaId);
    const shortage = written.length === 0 && refusal?.code === 'LICENSE_LIMIT_REACHED' ? shortages.find((s) => s.areaId === areaId && s.short > 0) : undefined;
    if (shortage !== undefined) {
      const batch: SeatRefusal = {
        code: 'LICENSE_LIMIT_REACHED',
        areaId,
        maxUsers: shortage.maxUsers,
        using: shortage.using,
        message: shortage.message,
      };
      await context.watch.observe(tx, areaId, { attempted, refusal: batch, wanted: { seats: shortage.needed, short: shortage.short } });
    } else {
      await context.watch.observe(tx, areaId, refusal === undefined ? { attempted } : { attempted, refusal });
    }
  }
}
