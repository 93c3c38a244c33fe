import { idSchema } from '../core/schemas.js';
import { areaUsage } from '../core/usage.js';
import {
  companyAdminRows,
  hostLicenseView,
  licensePageSchema,
  partnerLicenseView,
  viewerSchema,
  type CompanyAdminRow,
  type LicensePage,
  type LicenseView,
  type Viewer,
} from '../core/visibility.js';
import { UnknownOrganizationError } from '../errors.js';
import { readAreaFigures } from './area-figures.js';
import type { ServiceContext } from './context.js';
import { summaryApi } from './summary.js';
import { parseInput } from './validate.js';

/** What each admin sees of the User License Count. */
export interface LicenseViewApi {
  /**
   * The User License Count as one viewer sees it on one page.
   *
   * A host admin sees every figure on every page. A partner admin sees the
   * count only on `partner-user-admin-list`, and only its own organization's
   * `using`; its `remaining`, `usingRatio`, quota and status too when every
   * partner organization of its area has a quota set (denied ones at 0). On
   * other pages its view has `visible: false` and every figure `null`. A
   * partner admin's view never contains another organization's id, name or figures.
   *
   * @param viewer - `{ role: 'host-admin' }` or `{ role: 'partner-admin', organizationId }`
   * @param page - `user-admin-list`, `company-admin-list` or `partner-user-admin-list`
   * @returns the view; switch on `role`
   * @throws InvalidInputError when the viewer or page is malformed
   * @throws UnknownOrganizationError when a partner admin's organization is not defined
   * @example
   * ```ts
   * const view = await seats.licenseView({ role: 'partner-admin', organizationId: 'acme' }, 'partner-user-admin-list');
   * if (view.role === 'partner-admin' && view.visible) console.log(view.using, view.remaining ?? 'not shown');
   * ```
   */
  licenseView(viewer: Viewer, page: LicensePage): Promise<LicenseView>;
  /**
   * The Company Admin List of an area, as the host admin sees it: one row
   * per partner organization, by name, with its users and active licensed
   * users (`usersLabel`: `12 (4)`), quota, access and status.
   *
   * @param areaId - the area
   * @returns the rows
   * @throws InvalidInputError, UnknownAreaError
   * @example
   * ```ts
   * for (const row of await seats.companyAdminList('primary')) console.log(row.name, row.usersLabel, row.maxUsers ?? '-', row.access);
   * ```
   */
  companyAdminList(areaId: string): Promise<readonly CompanyAdminRow[]>;
}

/** Builds the {@link LicenseViewApi}. */
export function licenseViewApi(context: ServiceContext): LicenseViewApi {
  const { summary } = summaryApi(context);
  const { repository, options } = context;

  return {
    async licenseView(viewer, page) {
      const who = parseInput(viewerSchema, viewer, 'licenseView viewer');
      const where = parseInput(licensePageSchema, page, 'licenseView page');
      if (who.role === 'host-admin') return hostLicenseView(where, await summary());
      const organization = await repository.getOrganization(who.organizationId);
      if (organization === null) throw new UnknownOrganizationError(who.organizationId);
      const { area, counts, organizations } = await readAreaFigures(repository, organization.areaId);
      return partnerLicenseView(where, organization.id, areaUsage(area, counts, organizations, options));
    },

    async companyAdminList(areaId) {
      const id = parseInput(idSchema, areaId, 'area id');
      const { area, counts, organizations } = await readAreaFigures(repository, id);
      return companyAdminRows(areaUsage(area, counts, organizations, options));
    },
  };
}
