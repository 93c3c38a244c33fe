/**
 * The license page: the User License Count as the host admin sees it and as a
 * partner admin sees it, side by side.
 *
 * The partner column is rendered from the partner admin's `licenseView` alone
 * (and its own organization's name, which its admin knows): no figure of the
 * host, of an area or of another partner reaches it, as on a real partner
 * portal where that view is all the partner's browser is sent.
 */
import { html } from 'hono/html';
import type { AreaUsage, CompanyAdminRow, HostLicenseView, LicensePage, Organization, PartnerLicenseView, Seatkeeper } from 'seatkeeper';
import { count, mark, percent, type Html } from '../html.js';

const PAGE_NAMES: Readonly<Record<LicensePage, string>> = {
  'user-admin-list': 'User Admin List',
  'company-admin-list': 'Company Admin List',
  'partner-user-admin-list': 'User Admin List (Partner)',
};

/**
 * The partner whose admin the page shows by default: the first partner with
 * granted access, by area (primary first) and name.
 */
export function defaultPartner(organizations: readonly Organization[], areaOrder: readonly string[]): Organization | null {
  const ordered = [...organizations].sort(
    (a, b) => areaOrder.indexOf(a.areaId) - areaOrder.indexOf(b.areaId) || a.name.localeCompare(b.name),
  );
  return ordered.find((o) => o.access === 'granted') ?? ordered[0] ?? null;
}

/**
 * The license page.
 *
 * @param seats - the seatkeeper instance
 * @param partnerId - the partner whose admin's view is shown, or `undefined` for the default
 */
export async function licensePage(seats: Seatkeeper, partnerId: string | undefined): Promise<Html> {
  const host = await seats.licenseView({ role: 'host-admin' }, 'user-admin-list');
  if (host.role !== 'host-admin') throw new TypeError('a host admin view was expected');
  const organizations = await seats.listOrganizations();
  const partner =
    organizations.find((o) => o.id === partnerId) ?? defaultPartner(organizations, host.areas.map((a) => a.areaId));
  const companyLists = await Promise.all(
    host.areas.filter((a) => a.organizations.length > 0).map(async (a) => ({ area: a, rows: await seats.companyAdminList(a.areaId) })),
  );
  const partnerColumn = partner === null ? html`<p class="hint">No partner organization is defined.</p>` : await partnerPanel(seats, partner);

  return html`<h1>User License Count</h1>
<form class="bar" method="get" action="/license">
  <label>Show the view of the partner admin of
    <select name="partner" data-testid="partner-picker">${organizations.map(
      (o) => html`<option value="${o.id}"${o.id === partner?.id ? html` selected` : ''}>${o.name}</option>`,
    )}</select>
  </label>
  <button type="submit" class="secondary">Show</button>
</form>
<div class="columns">
  <section class="panel panel-host" data-testid="host-view" aria-label="Host admin view">
    <p class="who">Host company admin (FullAccess user or SuperUser)</p>
    ${hostPanel(host)}
    ${companyLists.map(({ area, rows }) => companyAdminList(area, rows))}
  </section>
  ${partnerColumn}
</div>`;
}

/** The host admin's User License Count: every area, the host's own remaining, the site totals. */
function hostPanel(view: HostLicenseView): Html {
  const { totals } = view;
  return html`<h2>License</h2>
<table data-testid="areas">
  <thead><tr><th>Area</th><th class="num">Max users</th><th class="num">Using</th><th class="num">Remaining</th>
  <th class="num">Allocated to partners</th><th class="num">Host remaining</th><th class="num">Total active</th><th class="num">Blocked</th></tr></thead>
  <tbody>${view.areas.map(areaRow)}</tbody>
</table>
<p class="hint">Host remaining: what the host company and partners without a quota can still get, once partner quotas are set aside.
Total active users include the SuperUser and Guest system users, which take no license.</p>
<dl class="figures" data-testid="totals">
  <dt>Current total of users</dt><dd>${count(totals.using)}</dd>
  <dt>Total intranet users</dt><dd>${count(totals.intranetUsers)} of ${count(totals.intranet.maxUsers)}</dd>
  <dt>Extranet users</dt><dd>${count(totals.extranet.using)} of ${count(totals.extranet.maxUsers)}</dd>
  <dt>Total active users</dt><dd>${count(totals.totalActiveUsers)}</dd>
  <dt>Blocked profiles</dt><dd>${count(totals.blocked)}</dd>
</dl>`;
}

function areaRow(area: AreaUsage): Html {
  return html`<tr data-area="${area.areaId}" data-status="${area.status}" data-host-status="${area.hostStatus}">
  <td>${area.name}</td>
  <td class="num">${count(area.maxUsers)}</td>
  <td class="num" data-figure="using">${count(area.using)}</td>
  <td class="num" data-figure="remaining">${count(area.remaining)}${mark(area.status)}</td>
  <td class="num">${count(area.allocated)}</td>
  <td class="num" data-figure="host-remaining">${count(area.unallocatedRemaining)}${mark(area.hostStatus)}</td>
  <td class="num">${count(area.totalActiveUsers)}</td>
  <td class="num">${count(area.blocked)}</td>
</tr>`;
}

/** The Company Admin List of one area: per partner, `12 (4)`, quota, access, remaining and status. */
function companyAdminList(area: AreaUsage, rows: readonly CompanyAdminRow[]): Html {
  return html`<h3>Company Admin List: ${area.name}</h3>
<table data-testid="company-list-${area.areaId}">
  <thead><tr><th>Partner organization</th><th class="num">Users (Active Licensed Users)</th><th class="num">Maximum Users</th><th>Access</th><th class="num">Remaining</th></tr></thead>
  <tbody>${rows.map(
    (row) => html`<tr data-organization="${row.organizationId}">
    <td>${row.name}</td>
    <td class="num" data-figure="users">${row.usersLabel}</td>
    <td class="num">${row.maxUsers === null ? 'not set' : count(row.maxUsers)}</td>
    <td>${row.access === 'granted' ? 'Granted' : 'Denied'}</td>
    <td class="num">${row.remaining === null ? '–' : count(row.remaining)}${mark(row.status)}</td>
  </tr>`,
  )}</tbody>
</table>`;
}

/** The partner admin's column, from its `licenseView` on each page. */
async function partnerPanel(seats: Seatkeeper, organization: Organization): Promise<Html> {
  const viewer = { role: 'partner-admin', organizationId: organization.id } as const;
  const views = await Promise.all(
    (['partner-user-admin-list', 'user-admin-list', 'company-admin-list'] as const).map((page) => seats.licenseView(viewer, page)),
  );
  const partnerViews = views.filter((v): v is PartnerLicenseView => v.role === 'partner-admin');
  const [own, ...others] = partnerViews;
  if (own === undefined) throw new TypeError('a partner admin view was expected');
  return html`<section class="panel panel-partner" data-testid="partner-view" aria-label="Partner admin view">
  <p class="who">Partner admin</p>
  <h2>${organization.name}</h2>
  ${partnerFigures(own)}
  <h3>Other pages</h3>
  <ul>${others.map((v) => html`<li>${PAGE_NAMES[v.page]}: ${v.visible ? 'the count above' : 'no license count is shown'}</li>`)}</ul>
</section>`;
}

/** What a partner admin sees on the User Admin List (Partner): only fields of its view. */
function partnerFigures(view: PartnerLicenseView): Html {
  if (!view.visible) return html`<p class="hint">No license count is shown on this page.</p>`;
  return html`<p class="hint">${PAGE_NAMES[view.page]}</p>
<dl class="figures" data-testid="partner-figures">
  <dt>Using</dt><dd data-figure="using">${count(view.using ?? 0)}</dd>
  ${view.remainingVisible
    ? html`<dt>Remaining</dt><dd data-figure="remaining" data-status="${view.status ?? ''}">${count(view.remaining ?? 0)}${mark(view.status)}</dd>
  <dt>Maximum Users</dt><dd data-figure="max-users">${count(view.maxUsers ?? 0)}</dd>
  <dt>Using ratio</dt><dd data-figure="using-ratio">${percent(view.usingRatio)}</dd>`
    : ''}
</dl>
${view.remainingVisible
  ? ''
  : html`<p class="hint" data-testid="remaining-hidden">Remaining is not shown: it appears once the host company has set Maximum Users for every partner organization of this area.</p>`}`;
}
