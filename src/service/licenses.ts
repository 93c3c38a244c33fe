import { z } from 'zod';
import { checkLicenseOverride } from '../core/license-override.js';
import {
  licenseRequestInputSchema,
  licenseRequestIssues,
  licenseRequestSchema,
  licenseRequestSummary,
  planLicenseChange,
  type AreaFigures,
  type LicenseRequest,
  type LicenseRequestInput,
} from '../core/license-request.js';
import { actorSchema, idSchema, seatCountSchema, type Area, type WriteOptions } from '../core/schemas.js';
import { emptyAreaCounts } from '../core/usage.js';
import { InvalidInputError, UnknownAreaError } from '../errors.js';
import type { LicenseChangeRecord, SeatTransaction } from '../ports/repository.js';
import { inAreaTransaction, withActor, type ServiceContext } from './context.js';
import { requireArea } from './seat-context.js';
import { parseInput, writeContext } from './validate.js';
import { countArea } from './reads.js';

/** Options of {@link LicensesApi.setAreaLicenses}. */
export const setAreaLicensesOptionsSchema = z.strictObject({
  /** Why the licenses change outside a purchase, kept as the history record's note (e.g. `contract 2026-114 renewed at 80`). */
  reason: z.string().trim().min(1, 'must say why the licenses change').max(500),
  /** Set the licenses even below the seats in use or below the partner quotas. Default `false`. */
  allowBelowUse: z.boolean().optional(),
  /** Who sets them, recorded in the audit trail (`license.changed`). */
  actor: actorSchema.optional(),
});
/** Options of {@link LicensesApi.setAreaLicenses}. */
export type SetAreaLicensesOptions = z.input<typeof setAreaLicensesOptionsSchema>;

/** The outcome of {@link LicensesApi.applyLicenseChange} and {@link LicensesApi.setAreaLicenses}. */
export interface LicenseChangeResult {
  /** `false` when nothing changed this time: the request was applied before, or the area already had that many licenses. */
  readonly applied: boolean;
  /** The history records of this change (new ones, or those of the earlier application of a request; none for an unchanged limit). */
  readonly changes: readonly LicenseChangeRecord[];
  /** The areas the request names, as they are now. */
  readonly areas: readonly Area[];
}

/** Purchases and moves of licenses, and their history. */
export interface LicensesApi {
  /**
   * Builds a license request to send to the vendor: buy `quantity` seats for
   * one area (`add`, at least `minimumPurchase`, default 5), or move seats
   * between two areas (`move`). Nothing changes yet; the request is a validated
   * plain value with a plain-text `summary`, safe to `JSON.stringify`, store or
   * mail, and to pass to {@link LicensesApi.applyLicenseChange} once approved.
   *
   * @param input - `{ type: 'add', areaId, quantity, note? }` or `{ type: 'move', from, to, quantity, allowOverLimit?, note? }`
   * @returns the request, with the figures at request time
   * @throws InvalidInputError when the input is malformed or a purchase is below the minimum
   * @throws UnknownAreaError when an area is not defined
   * @throws ConfigurationRefusedError when a move would leave the source with fewer seats than it uses (without `allowOverLimit`)
   * @example
   * ```ts
   * const request = await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 5 });
   * await mailer.send({ to: 'sales@vendor.example', subject: 'License request', text: request.summary });
   * ```
   */
  requestLicenses(input: LicenseRequestInput): Promise<LicenseRequest>;
  /**
   * Applies an approved request: changes `maxUsers` of the area (both areas for
   * a move, in one transaction holding both locks) and keeps the change in the
   * history. Seats are added to or moved from the limits as they are now, not
   * as they were at request time. Applying the same request again changes
   * nothing (`applied: false`). Directory users waiting for a seat are
   * activated at the next sync.
   *
   * @param request - a request from `requestLicenses`, possibly after a JSON round trip
   * @param options - `actor`: who applies it, recorded in the audit trail (one `license.changed` per area)
   * @returns whether it was applied now, its history records and the areas after
   * @throws InvalidInputError when the request is malformed or altered below the minimum purchase
   * @throws UnknownAreaError when an area it names no longer exists
   * @throws ConfigurationRefusedError when a move would leave the source with fewer seats than it uses (without `allowOverLimit`)
   * @example
   * ```ts
   * const { applied, areas } = await seats.applyLicenseChange(JSON.parse(storedRequest));
   * ```
   */
  applyLicenseChange(request: LicenseRequest, options?: WriteOptions): Promise<LicenseChangeResult>;
  /**
   * Sets an existing area's licenses outside a purchase or a move: an
   * explicit override for a correction, a contract that shrank or a pool
   * counted before seatkeeper. It is kept in the license history as a `set`
   * record with `reason` as its note. Raising is always allowed; lowering
   * below the seats in use, or below what the area's partner quotas set aside,
   * is refused unless `allowBelowUse: true` (nobody loses a seat: the area then
   * reports `exceeded` and the responsible person is told). Setting the number
   * it already has changes nothing (`applied: false`). Runs under the area's
   * lock, so no seat decision sees half a change.
   *
   * Prefer `requestLicenses` + `applyLicenseChange` for purchases: they keep
   * the vendor's request with the change.
   *
   * @param areaId - the area
   * @param maxUsers - its new number of licenses, a whole number >= 0
   * @param options - `reason` (required), `allowBelowUse`, and `actor`: who sets them, recorded in the audit trail
   * @returns whether the limit changed, its history record and the area after
   * @throws InvalidInputError when an argument is malformed or the reason is empty
   * @throws UnknownAreaError when the area is not defined
   * @throws ConfigurationRefusedError with rule `LICENSES_BELOW_USE` or `LICENSES_BELOW_ALLOCATED` (without `allowBelowUse`)
   * @example
   * ```ts
   * await seats.setAreaLicenses('primary', 80, { reason: 'contract 2026-114 renewed at 80 seats' });
   * ```
   */
  setAreaLicenses(areaId: string, maxUsers: number, options: SetAreaLicensesOptions): Promise<LicenseChangeResult>;
  /**
   * Every change of an area's `maxUsers`, oldest first: purchases (`add`),
   * moves (`move`, one record per area) and overrides (`set`, by
   * `setAreaLicenses`; earlier versions also wrote `set` when `defineArea`
   * changed a limit).
   *
   * @param areaId - only this area's changes
   */
  licenseHistory(areaId?: string): Promise<readonly LicenseChangeRecord[]>;
}

/** Builds the {@link LicensesApi}. */
export function licensesApi(context: ServiceContext): LicensesApi {
  const { repository, options } = context;

  function checkMinimum(request: LicenseRequestInput | LicenseRequest, what: string): void {
    const issues = licenseRequestIssues(request, options.minimumPurchase);
    if (issues.length > 0) throw new InvalidInputError(what, issues);
  }

  return {
    async requestLicenses(input) {
      const data = parseInput(licenseRequestInputSchema, input, 'requestLicenses input');
      checkMinimum(data, 'requestLicenses input');
      const areaIds = data.type === 'add' ? [data.areaId] : [data.from, data.to];
      const figures = await readFigures(context, areaIds);
      planLicenseChange(data, figures);
      const requestedAt = context.clock().toISOString();
      const note = data.note ?? null;
      const id = context.newId();
      const at = (areaId: string) => figures.get(areaId) as AreaFigures;
      const request =
        data.type === 'add'
          ? {
              id,
              type: 'add' as const,
              areaId: data.areaId,
              areaName: at(data.areaId).area.name,
              quantity: data.quantity,
              maxUsersBefore: at(data.areaId).area.maxUsers,
              maxUsersAfter: at(data.areaId).area.maxUsers + data.quantity,
              using: at(data.areaId).counts.using,
              requestedAt,
              note,
            }
          : {
              id,
              type: 'move' as const,
              from: data.from,
              fromName: at(data.from).area.name,
              to: data.to,
              toName: at(data.to).area.name,
              quantity: data.quantity,
              fromMaxUsersBefore: at(data.from).area.maxUsers,
              fromUsing: at(data.from).counts.using,
              toMaxUsersBefore: at(data.to).area.maxUsers,
              toUsing: at(data.to).counts.using,
              allowOverLimit: data.allowOverLimit ?? false,
              requestedAt,
              note,
            };
      return { ...request, summary: licenseRequestSummary(request) };
    },

    async applyLicenseChange(input, options) {
      const request = parseInput(licenseRequestSchema, input, 'license request');
      const writer = writeContext(context, options, 'applyLicenseChange options');
      checkMinimum(request, 'license request');
      const first = request.type === 'add' ? request.areaId : request.from;
      const areaIds = request.type === 'add' ? [request.areaId] : [request.from, request.to];
      const appliedBefore = async (): Promise<LicenseChangeResult> => ({
        applied: false,
        changes: (await repository.listLicenseChanges(first)).filter((c) => c.requestId === request.id),
        areas: await storedAreas(context, areaIds),
      });
      // The history is read before the lock, never inside the transaction: a transaction must not
      // wait for a second connection. An application in parallel is caught under the lock by the
      // request's mark, written with the change.
      if ((await repository.listLicenseChanges(first)).some((c) => c.requestId === request.id)) return appliedBefore();
      const outcome = await inAreaTransaction(writer, areaIds, async (tx): Promise<LicenseChangeResult | null> => {
        if ((await tx.getSetting(appliedRequestKey(request.id))) !== null) return null;
        const planned = planLicenseChange(request, await readFiguresIn(tx, areaIds));
        const now = context.clock();
        const changes: LicenseChangeRecord[] = [];
        const areas: Area[] = [];
        for (const limit of planned) {
          const area: Area = { ...(await requireArea(tx, limit.areaId)), maxUsers: limit.maxUsersAfter, updatedAt: now };
          await tx.putArea(area);
          const change: LicenseChangeRecord = {
            id: context.newId(),
            requestId: request.id,
            type: request.type,
            areaId: area.id,
            maxUsersBefore: limit.maxUsersBefore,
            maxUsersAfter: limit.maxUsersAfter,
            appliedAt: now,
            note: request.note,
          };
          await tx.appendLicenseChange(change);
          changes.push(change);
          areas.push(area);
        }
        await tx.putSetting(appliedRequestKey(request.id), now.toISOString());
        for (const area of areas) {
          const verb = request.type === 'add' ? `add ${request.quantity} licenses` : `move ${request.quantity} licenses from "${request.fromName}" to "${request.toName}"`;
          await context.watch.observe(tx, area.id, { attempted: `${verb} (request ${request.id})` });
        }
        return { applied: true, changes, areas };
      });
      return outcome ?? appliedBefore();
    },

    async setAreaLicenses(areaId, maxUsers, options) {
      const id = parseInput(idSchema, areaId, 'area id');
      const seats = parseInput(seatCountSchema, maxUsers, 'maxUsers');
      const { reason, allowBelowUse = false, actor } = parseInput(setAreaLicensesOptionsSchema, options, 'setAreaLicenses options');
      return inAreaTransaction(withActor(context, actor), [id], async (tx): Promise<LicenseChangeResult> => {
        const figures = (await readFiguresIn(tx, [id])).get(id) as AreaFigures;
        const before = figures.area;
        if (before.maxUsers === seats) return { applied: false, changes: [], areas: [before] };
        checkLicenseOverride(figures, seats, allowBelowUse);
        const now = context.clock();
        const area: Area = { ...before, maxUsers: seats, updatedAt: now };
        await tx.putArea(area);
        const change: LicenseChangeRecord = {
          id: context.newId(),
          requestId: null,
          type: 'set',
          areaId: id,
          maxUsersBefore: before.maxUsers,
          maxUsersAfter: seats,
          appliedAt: now,
          note: reason,
        };
        await tx.appendLicenseChange(change);
        await context.watch.observe(tx, id, { attempted: `set the licenses of "${area.name}" from ${before.maxUsers} to ${seats}` });
        return { applied: true, changes: [change], areas: [area] };
      });
    },

    async licenseHistory(areaId) {
      const id = parseInput(idSchema.optional(), areaId, 'area id');
      return repository.listLicenseChanges(id);
    },
  };
}

/**
 * The setting that marks a license request as applied (its value: when). It is
 * written in the transaction that applies the request, so a second application
 * finds it under the same area lock, through its own transaction. Requests
 * applied by earlier versions have no mark; their history records tell.
 */
export function appliedRequestKey(requestId: string): string {
  return `license-request-applied:${requestId}`;
}

/** The figures of the named areas, read outside a transaction (a request only proposes). */
async function readFigures(context: ServiceContext, areaIds: readonly string[]): Promise<Map<string, AreaFigures>> {
  const { repository } = context;
  const counts = await repository.countUsers(areaIds);
  const figures = new Map<string, AreaFigures>();
  for (const areaId of areaIds) {
    const area = await repository.getArea(areaId);
    if (area === null) throw new UnknownAreaError(areaId);
    figures.set(areaId, {
      area,
      counts: counts.find((c) => c.areaId === areaId) ?? emptyAreaCounts(areaId),
      organizations: await repository.listOrganizations(areaId),
    });
  }
  return figures;
}

/** The named areas as stored now, read outside a transaction. */
async function storedAreas(context: ServiceContext, areaIds: readonly string[]): Promise<Area[]> {
  return Promise.all(
    areaIds.map(async (id) => {
      const area = await context.repository.getArea(id);
      if (area === null) throw new UnknownAreaError(id);
      return area;
    }),
  );
}

/** The figures of the named areas, read under their locks. */
async function readFiguresIn(tx: SeatTransaction, areaIds: readonly string[]): Promise<Map<string, AreaFigures>> {
  const figures = new Map<string, AreaFigures>();
  for (const areaId of areaIds) {
    const area = await requireArea(tx, areaId);
    const [counts, organizations] = await Promise.all([countArea(tx, areaId), tx.listOrganizations(areaId)]);
    figures.set(areaId, { area, counts, organizations });
  }
  return figures;
}
