/**
 * The directory sync: a dry run of a pasted JSON feed (counts per action, the
 * invalid entries, who would wait for a license), then an apply button.
 */
import { html } from 'hono/html';
import type { DirectorySyncCounts, DirectorySyncPlan, DirectorySyncReport, DirectorySyncTotals, InputIssue } from 'seatkeeper';
import { count, type Html } from '../html.js';

/** The sync form as the admin filled it in. */
export interface SyncForm {
  readonly feed: string;
  readonly onMissing: 'keep' | 'block';
  readonly force: boolean;
}

/** The outcome shown below the form. */
export type SyncOutcome =
  | { readonly kind: 'plan'; readonly plan: DirectorySyncPlan; readonly planId: string }
  | { readonly kind: 'report'; readonly report: DirectorySyncReport }
  | null;

const ACTIONS: readonly (readonly [Exclude<keyof DirectorySyncCounts, 'waitingForLicense'>, string])[] = [
  ['create', 'create'],
  ['createBlocked', 'create blocked'],
  ['activate', 'activate'],
  ['block', 'block'],
  ['update', 'update'],
  ['unchanged', 'unchanged'],
];

/**
 * The sync page.
 *
 * @param form - the feed and options to show in the form
 * @param outcome - a plan to apply, or the report of one just applied
 * @param areaName - an area's name by its id
 */
export function syncPage(form: SyncForm, outcome: SyncOutcome, areaName: (id: string) => string = (id) => id): Html {
  return html`<h1>Directory sync</h1>
<div class="panel">
  <p>Paste the directory's users as a JSON array of entries
  (<code>externalId</code>, <code>username</code>, <code>email</code>, <code>displayName</code>, <code>areaId</code>, <code>organizationId</code>, <code>enabled</code>).
  The sample feed below matches the demo site's directory. A dry run writes nothing; applying it re-checks every seat.</p>
  <form method="post" action="/sync/plan" data-testid="sync-form">
    <textarea name="feed" rows="12" spellcheck="false" data-testid="feed">${form.feed}</textarea>
    <div class="bar">
      <label>Users missing from the feed<select name="onMissing">
        <option value="keep"${form.onMissing === 'keep' ? html` selected` : ''}>keep them</option>
        <option value="block"${form.onMissing === 'block' ? html` selected` : ''}>block them (directory-removed)</option>
      </select></label>
      <label><span><input type="checkbox" name="force" value="1"${form.force ? html` checked` : ''}> apply even if it blocks more than 20 % of an area</span></label>
      <button type="submit" data-testid="dry-run">Dry run</button>
    </div>
  </form>
</div>
${outcome === null ? '' : outcome.kind === 'plan' ? planSection(outcome.plan, outcome.planId, areaName) : reportSection(outcome.report, areaName)}`;
}

function countsList(totals: DirectorySyncTotals): Html {
  return html`<ul class="counts" data-testid="sync-counts">
  ${ACTIONS.map(([key, label]) => html`<li data-action="${key}"><b>${count(totals[key])}</b>${label}</li>`)}
  <li data-action="invalid"><b>${count(totals.invalid)}</b>invalid</li>
  <li data-action="waitingForLicense"><b>${count(totals.waitingForLicense)}</b>waiting for a license</li>
  ${totals.skipped > 0 ? html`<li data-action="skipped"><b>${count(totals.skipped)}</b>skipped (changed since planned)</li>` : ''}
</ul>`;
}

function perArea(plan: Pick<DirectorySyncPlan, 'areas'>, areaName: (id: string) => string): Html {
  return html`<table data-testid="sync-areas">
  <thead><tr><th>Area</th>${ACTIONS.map(([, label]) => html`<th class="num">${label}</th>`)}<th class="num">waiting</th></tr></thead>
  <tbody>${plan.areas.map(
    (a) => html`<tr><td>${areaName(a.areaId)}</td>${ACTIONS.map(([key]) => html`<td class="num">${count(a[key])}</td>`)}<td class="num">${count(a.waitingForLicense)}</td></tr>`,
  )}</tbody>
</table>`;
}

function issues(list: readonly InputIssue[]): string {
  return list.map((i) => `${i.path.join('.')}${i.path.length > 0 ? ': ' : ''}${i.message}`).join('; ');
}

function planSection(plan: DirectorySyncPlan, planId: string, areaName: (id: string) => string): Html {
  const changes = plan.lines.filter((line) => line.action !== 'unchanged');
  return html`<section class="panel" data-testid="sync-plan">
  <h2>Dry run</h2>
  ${plan.refused === null ? '' : html`<p class="notice notice-refused" data-testid="sync-refused">${plan.refused.message}</p>`}
  ${countsList(plan.totals)}
  ${perArea(plan, areaName)}
  ${plan.invalid.length === 0
    ? ''
    : html`<h3>Invalid entries (left out)</h3>
  <table data-testid="sync-invalid"><thead><tr><th class="num">Entry</th><th>External id</th><th>Username</th><th>Problem</th></tr></thead>
  <tbody>${plan.invalid.map((e) => html`<tr><td class="num">${e.index + 1}</td><td>${e.externalId ?? ''}</td><td>${e.username ?? ''}</td><td>${issues(e.issues)}</td></tr>`)}</tbody></table>`}
  ${changes.length === 0
    ? html`<p class="hint">Nothing to change.</p>`
    : html`<h3>Changes</h3>
  <table data-testid="sync-lines"><thead><tr><th>Username</th><th>Area</th><th>Action</th><th>Blocked because</th><th>Fields</th></tr></thead>
  <tbody>${changes.map((l) => html`<tr><td>${l.username}</td><td>${areaName(l.areaId)}</td><td>${l.action}</td><td>${l.reason ?? ''}</td><td>${l.changes.join(', ')}</td></tr>`)}</tbody></table>`}
  <form method="post" action="/sync/apply">
    <input type="hidden" name="planId" value="${planId}">
    <button type="submit" data-testid="apply-sync"${plan.refused === null ? '' : html` disabled`}>Apply this plan</button>
  </form>
</section>`;
}

function reportSection(report: DirectorySyncReport, areaName: (id: string) => string): Html {
  return html`<section class="panel" data-testid="sync-report">
  <h2>Applied</h2>
  ${report.refused === null ? '' : html`<p class="notice notice-refused">${report.refused.message}</p>`}
  ${countsList(report.totals)}
  ${perArea(report, areaName)}
  ${report.skipped.length === 0
    ? ''
    : html`<h3>Left alone (changed since the dry run)</h3><ul>${report.skipped.map((s) => html`<li>${s.username}: ${s.message}</li>`)}</ul>`}
  ${report.waitingForLicense.length === 0
    ? ''
    : html`<h3>Waiting for a license</h3><p>${report.waitingForLicense.map((l) => l.username).join(', ')}</p>`}
</section>`;
}
