import { z } from 'zod';
import { forecastExhaustion, type ExhaustionForecast } from '../core/forecast.js';
import { durationSchema } from '../core/duration.js';
import { periodBounds, usagePeriod, usagePeriodSchema } from '../core/peak-usage.js';
import { idSchema } from '../core/schemas.js';
import { UnknownAreaError } from '../errors.js';
import type { UsageSnapshot } from '../ports/repository.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { alertKey, parseWatchRecord, peakKey } from './notifications/watch-state.js';
import { parseInput } from './validate.js';
import { countArea } from './reads.js';

/** A filter for {@link UsageHistoryApi.usageSnapshots}. */
export const usageSnapshotFilterSchema = z.strictObject({
  /** Only this area's snapshots. */
  areaId: idSchema.optional(),
  /** Taken at or after this time. */
  from: z.date().optional(),
  /** Taken at or before this time. */
  to: z.date().optional(),
});
/** A filter for {@link UsageHistoryApi.usageSnapshots}. */
export type UsageSnapshotFilter = z.input<typeof usageSnapshotFilterSchema>;

/** Input of {@link UsageHistoryApi.peakUsage}. */
export const peakUsageInputSchema = z.strictObject({
  /** The area. */
  areaId: idSchema,
  /** The UTC calendar month, `yyyy-MM`. Default: the current one (from the clock). */
  period: usagePeriodSchema.optional(),
});
/** Input of {@link UsageHistoryApi.peakUsage}. */
export type PeakUsageInput = z.input<typeof peakUsageInputSchema>;

/** An area's peak use in one period. */
export interface PeakUsage {
  /** The area. */
  readonly areaId: string;
  /** The UTC calendar month, `yyyy-MM`. */
  readonly period: string;
  /** The highest `using` seen in the period, or `null` when nothing was recorded in it. */
  readonly peak: number | null;
}

/** Input of {@link UsageHistoryApi.forecast}. */
export const areaForecastInputSchema = z.strictObject({
  /** The area. */
  areaId: idSchema,
  /** How far ahead the purchase must cover, e.g. `{ months: 6 }`. */
  horizon: durationSchema,
  /** Only snapshots taken at or after this time (e.g. the last 90 days). Default: all. */
  since: z.date().optional(),
});
/** Input of {@link UsageHistoryApi.forecast}. */
export type AreaForecastInput = z.input<typeof areaForecastInputSchema>;

/** Usage snapshots, peaks and forecasts. */
export interface UsageHistoryApi {
  /**
   * Records one usage snapshot per area (seats bought, seats used, active
   * users), all at the same moment. Call it on a schedule (e.g. daily): the
   * snapshots feed forecasts and peaks.
   *
   * @returns the snapshots recorded
   * @example
   * ```ts
   * await seats.recordUsageSnapshot();
   * ```
   */
  recordUsageSnapshot(): Promise<readonly UsageSnapshot[]>;
  /** Usage snapshots, oldest first, optionally of one area and a time range (inclusive). */
  usageSnapshots(filter?: UsageSnapshotFilter): Promise<readonly UsageSnapshot[]>;
  /**
   * The highest number of seats in use in an area during a UTC calendar month:
   * the high-water mark a true-up bills. Taken from every seat-affecting write
   * (kept as it happens) and from the snapshots of that month; for the current
   * month, the seats in use now count too.
   *
   * @param input - the area and the period (`yyyy-MM`, default the current month)
   * @throws UnknownAreaError when the area is not defined
   * @example
   * ```ts
   * const { peak } = await seats.peakUsage({ areaId: 'primary', period: '2026-03' });
   * ```
   */
  peakUsage(input: PeakUsageInput): Promise<PeakUsage>;
  /**
   * `forecastExhaustion` on an area's recorded snapshots, from now (the
   * clock) and with the configured `minimumPurchase`.
   *
   * @param input - the area, the horizon and optionally the first snapshot time to use
   * @throws InvalidInputError when fewer than two snapshots at different times are recorded
   * @example
   * ```ts
   * const f = await seats.forecast({ areaId: 'primary', horizon: { months: 6 } });
   * console.log(f.exhaustsAt, f.suggestedPurchase);
   * ```
   */
  forecast(input: AreaForecastInput): Promise<ExhaustionForecast>;
}

/** Builds the {@link UsageHistoryApi}. */
export function usageHistoryApi(context: ServiceContext): UsageHistoryApi {
  const { repository } = context;
  return {
    async recordUsageSnapshot() {
      const areas = await repository.listAreas();
      const ids = areas.map((a) => a.id);
      // One transaction over every area: the snapshots are a consistent picture of one moment.
      return inAreaTransaction(context, ids, async (tx) => {
        const takenAt = context.clock();
        const snapshots: UsageSnapshot[] = [];
        for (const id of ids) {
          const area = await tx.getArea(id);
          if (area === null) continue;
          const counts = await countArea(tx, id);
          const snapshot: UsageSnapshot = {
            areaId: id,
            takenAt,
            maxUsers: area.maxUsers,
            using: counts.using,
            totalActiveUsers: counts.using + counts.activeSystem,
          };
          await tx.appendUsageSnapshot(snapshot);
          snapshots.push(snapshot);
        }
        return snapshots;
      });
    },

    async usageSnapshots(filter = {}) {
      const data = parseInput(usageSnapshotFilterSchema, filter, 'usageSnapshots filter');
      return repository.listUsageSnapshots(data.areaId, {
        ...(data.from === undefined ? {} : { from: data.from }),
        ...(data.to === undefined ? {} : { to: data.to }),
      });
    },

    async peakUsage(input) {
      const data = parseInput(peakUsageInputSchema, input, 'peakUsage input');
      if ((await repository.getArea(data.areaId)) === null) throw new UnknownAreaError(data.areaId);
      const now = context.clock();
      const period = data.period ?? usagePeriod(now);
      const { start, end } = periodBounds(period);
      const [stored, record, snapshots] = await Promise.all([
        repository.getSetting(peakKey(data.areaId, period)),
        repository.getSetting(alertKey(data.areaId)),
        repository.listUsageSnapshots(data.areaId, { from: start, to: new Date(end.getTime() - 1) }),
      ]);
      const seen: number[] = snapshots.map((s) => s.using);
      if (typeof stored === 'number') seen.push(stored);
      // The running peak of the period of the area's last seat change is kept in its watch record.
      const running = parseWatchRecord(record).peak;
      if (running !== null && running.period === period) seen.push(running.using);
      if (period === usagePeriod(now)) {
        const [counts] = await repository.countUsers([data.areaId]);
        seen.push(counts?.using ?? 0);
      }
      return { areaId: data.areaId, period, peak: seen.length === 0 ? null : Math.max(...seen) };
    },

    async forecast(input) {
      const data = parseInput(areaForecastInputSchema, input, 'forecast input');
      const snapshots = await repository.listUsageSnapshots(data.areaId, data.since === undefined ? {} : { from: data.since });
      return forecastExhaustion(snapshots, { horizon: data.horizon, now: context.clock(), minimumPurchase: context.options.minimumPurchase });
    },
  };
}
