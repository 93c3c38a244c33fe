/**
 * Who sees the User License Count, on which page, and how much of it
 * (the User License Count table of the partner guide). Pure: the service reads the figures, this decides what
 * of them a viewer may see.
 *
 * The rules:
 * - a host admin (FullAccess user or SuperUser) sees every figure on every page;
 * - a partner admin sees the count only on the `partner-user-admin-list` page,
 *   and only its own organization's `using`;
 * - it also sees its `remaining`, `usingRatio`, quota and status when **every**
 *   partner organization of its area has a quota set (a denied partner counts
 *   as set only once its quota is set, to 0 if it should get no seat);
 * - nothing about another organization ever reaches a partner admin's view.
 *
 * @module
 */
import { z } from 'zod';
import { UnknownOrganizationError } from '../errors.js';
import { idSchema, type Access } from './schemas.js';
import { allPartnerQuotasSet } from './seat-policy.js';
import type { SeatStatus } from './status.js';
import type { AreaUsage, OrganizationUsage, SiteSummary, SiteTotals } from './usage.js';

/** Who is looking: a host admin (FullAccess user or SuperUser) or a partner organization's admin. */
export const viewerSchema = z.discriminatedUnion('role', [
  z.strictObject({
    /** A FullAccess user or SuperUser of the host company. */
    role: z.literal('host-admin'),
  }),
  z.strictObject({
    /** An admin of one partner organization. */
    role: z.literal('partner-admin'),
    /** The partner organization the admin belongs to. */
    organizationId: idSchema,
  }),
]);
/** Who is looking: `{ role: 'host-admin' }` or `{ role: 'partner-admin', organizationId }`. */
export type Viewer = z.infer<typeof viewerSchema>;
/** The role of a {@link Viewer}. */
export type ViewerRole = Viewer['role'];

/** The admin pages that can show the User License Count. */
export const licensePageSchema = z.enum(['user-admin-list', 'company-admin-list', 'partner-user-admin-list']);
/** An admin page that can show the User License Count. */
export type LicensePage = z.infer<typeof licensePageSchema>;

/**
 * Whether a role sees the User License Count on a page: the page x role matrix.
 *
 * | page | host-admin | partner-admin |
 * |---|---|---|
 * | `user-admin-list` | yes | no |
 * | `company-admin-list` | yes | no |
 * | `partner-user-admin-list` | yes | yes |
 *
 * @param role - the viewer's role
 * @param page - the page
 * @returns `true` when the count is shown
 * @example
 * ```ts
 * seesLicenseCount('partner-admin', 'user-admin-list'); // false
 * ```
 */
export function seesLicenseCount(role: ViewerRole, page: LicensePage): boolean {
  return role === 'host-admin' || page === 'partner-user-admin-list';
}

/** What a host admin sees: everything, on every page. */
export interface HostLicenseView {
  /** The viewer's role. */
  readonly role: 'host-admin';
  /** The page asked for. */
  readonly page: LicensePage;
  /** Always `true`: a host admin sees the count on every page. */
  readonly visible: true;
  /** Every area's figures, partner organizations included, primary first. */
  readonly areas: readonly AreaUsage[];
  /** The site's totals. */
  readonly totals: SiteTotals;
}

/**
 * What a partner admin sees: its own organization's figures and nothing else.
 * `null` means "not shown" (or, for `usingRatio`, a quota of 0: see `remainingVisible`).
 */
export interface PartnerLicenseView {
  /** The viewer's role. */
  readonly role: 'partner-admin';
  /** The page asked for. */
  readonly page: LicensePage;
  /** The viewer's own organization. */
  readonly organizationId: string;
  /** Whether the User License Count is shown on this page at all; when `false`, every figure is `null`. */
  readonly visible: boolean;
  /** Whether `remaining`, `usingRatio`, `maxUsers` and `status` are shown: every partner of the area has a quota set. */
  readonly remainingVisible: boolean;
  /** Seats its users hold; `null` when not shown. */
  readonly using: number | null;
  /** Seats left in its quota; `null` when not shown. */
  readonly remaining: number | null;
  /** `using / maxUsers`; `null` when not shown or when its quota is 0. */
  readonly usingRatio: number | null;
  /** Its quota; `null` when not shown. */
  readonly maxUsers: number | null;
  /** Its quota status (the warning or stop icon beside Remaining); `null` when not shown. */
  readonly status: SeatStatus | null;
}

/** What one viewer sees of the User License Count on one page. Switch on `role`. */
export type LicenseView = HostLicenseView | PartnerLicenseView;

/**
 * A host admin's view: the whole summary.
 *
 * @param page - the page
 * @param summary - the site summary
 * @returns the view
 */
export function hostLicenseView(page: LicensePage, summary: SiteSummary): HostLicenseView {
  return { role: 'host-admin', page, visible: true, areas: summary.areas, totals: summary.totals };
}

/**
 * A partner admin's view. Built field by field from its own organization's
 * figures, so no other organization's id, name or figure can slip in.
 *
 * @param page - the page
 * @param organizationId - the viewer's organization
 * @param area - the figures of the area the organization belongs to
 * @returns the view; all figures `null` on a page the partner admin cannot see the count on
 * @throws UnknownOrganizationError when the organization is not among the area's organizations
 */
export function partnerLicenseView(page: LicensePage, organizationId: string, area: Pick<AreaUsage, 'organizations'>): PartnerLicenseView {
  const own: OrganizationUsage | undefined = area.organizations.find((o) => o.organizationId === organizationId);
  if (own === undefined) throw new UnknownOrganizationError(organizationId);
  const visible = seesLicenseCount('partner-admin', page);
  const remainingVisible = visible && allPartnerQuotasSet(area.organizations);
  return {
    role: 'partner-admin',
    page,
    organizationId: own.organizationId,
    visible,
    remainingVisible,
    using: visible ? own.using : null,
    remaining: remainingVisible ? own.remaining : null,
    usingRatio: remainingVisible ? own.usingRatio : null,
    maxUsers: remainingVisible ? own.maxUsers : null,
    status: remainingVisible ? own.status : null,
  };
}

/** One row of the Company Admin List: a partner organization as the host admin sees it. */
export interface CompanyAdminRow {
  /** The organization. */
  readonly organizationId: string;
  /** Its name. */
  readonly name: string;
  /** Whether it may take seats. */
  readonly access: Access;
  /** Its quota (Maximum Users), or `null` when none is set. */
  readonly maxUsers: number | null;
  /** Every profile of the organization, active or blocked. */
  readonly users: number;
  /** Its active licensed users: the seats it holds. */
  readonly activeLicensed: number;
  /** The Users (Active Licensed Users) column as shown: `12 (4)`. */
  readonly usersLabel: string;
  /** Seats left in its quota; `null` when no quota is set. */
  readonly remaining: number | null;
  /** `activeLicensed / maxUsers`; `null` when no quota is set or it is 0. */
  readonly usingRatio: number | null;
  /** Its quota status; `null` when no quota is set. */
  readonly status: SeatStatus | null;
}

/**
 * The Users (Active Licensed Users) label of the Company Admin List.
 *
 * @param users - every profile
 * @param activeLicensed - active licensed profiles
 * @returns e.g. `12 (4)`
 */
export function usersLabel(users: number, activeLicensed: number): string {
  return `${users} (${activeLicensed})`;
}

/**
 * The Company Admin List of an area: one row per partner organization, by name.
 *
 * @param area - the area's figures
 * @returns the rows
 * @example
 * ```ts
 * companyAdminRows(area)[0]?.usersLabel; // '12 (4)'
 * ```
 */
export function companyAdminRows(area: Pick<AreaUsage, 'organizations'>): CompanyAdminRow[] {
  return [...area.organizations]
    .sort((a, b) => a.name.localeCompare(b.name) || compareIds(a.organizationId, b.organizationId))
    .map((o) => ({
      organizationId: o.organizationId,
      name: o.name,
      access: o.access,
      maxUsers: o.maxUsers,
      users: o.users,
      activeLicensed: o.using,
      usersLabel: usersLabel(o.users, o.using),
      remaining: o.remaining,
      usingRatio: o.usingRatio,
      status: o.status,
    }));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
