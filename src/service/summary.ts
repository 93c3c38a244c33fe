import { areaUsage, emptyAreaCounts, siteSummary, type SiteSummary } from '../core/usage.js';
import type { ServiceContext } from './context.js';

/** The admin summary. */
export interface SummaryApi {
  /**
   * The site summary: per-area figures (using, remaining, overBy, usingRatio,
   * totalActiveUsers, blocked, status, partner allocation and per-organization
   * figures) and the site totals. Computed from aggregate counts: it costs the
   * same at 10 users and at a million.
   *
   * @example
   * ```ts
   * const { areas, totals } = await seats.summary();
   * for (const a of areas) console.log(a.name, a.using, '/', a.maxUsers, a.status);
   * ```
   */
  summary(): Promise<SiteSummary>;
}

/** Builds the {@link SummaryApi}. */
export function summaryApi(context: ServiceContext): SummaryApi {
  return {
    async summary() {
      const { repository, options } = context;
      const [areas, counts, organizations] = await Promise.all([
        repository.listAreas(),
        repository.countUsers(),
        repository.listOrganizations(),
      ]);
      const countsById = new Map(counts.map((c) => [c.areaId, c]));
      return siteSummary(
        areas.map((area) =>
          areaUsage(area, countsById.get(area.id) ?? emptyAreaCounts(area.id), organizations.filter((o) => o.areaId === area.id), options),
        ),
      );
    },
  };
}
