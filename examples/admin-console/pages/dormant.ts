/**
 * Dormant users: a dry run of who has not signed in for a while (and would be
 * blocked to give their licenses back), then an apply button.
 */
import { html } from 'hono/html';
import type { DormantUsersPlan, DormantUsersReport } from 'seatkeeper';
import { count, when, type Html } from '../html.js';
import type { Names } from './people.js';

/** The dormant-user form as the admin filled it in. */
export interface DormantForm {
  /** Days without a sign-in. */
  readonly days: number;
  /** One area, or every area (`''`). */
  readonly areaId: string;
  /** Usernames never blocked by the run, one a line. */
  readonly exclude: string;
  /** Apply even if the run blocks more than the guard allows. */
  readonly force: boolean;
}

/** The form's first state: 90 days, every area. */
export const DEFAULT_DORMANT_FORM: DormantForm = { days: 90, areaId: '', exclude: '', force: false };

/** The outcome shown below the form. */
export type DormantOutcome =
  | { readonly kind: 'plan'; readonly plan: DormantUsersPlan; readonly planId: string }
  | { readonly kind: 'report'; readonly report: DormantUsersReport }
  | null;

/**
 * The dormant-user page.
 *
 * @param form - the options to show in the form
 * @param outcome - a plan to apply, or the report of one just applied
 * @param names - area and partner names
 */
export function dormantPage(form: DormantForm, outcome: DormantOutcome, names: Names): Html {
  return html`<h1>Dormant users</h1>
<div class="panel">
  <p>Active users who have not signed in for a while still hold a license. A dry run lists them (or those created that long ago who never signed in);
  applying it blocks them with the reason <b>dormant</b>, which frees their licenses. A dormant user who signs in again gets a license back when one is free.</p>
  <form class="bar" method="post" action="/dormant/plan" data-testid="dormant-form">
    <label>Not signed in for (days)<input type="number" name="days" min="1" max="3650" value="${form.days}" required></label>
    <label>Area<select name="areaId"><option value="">Every area</option>${names.areas.map(
      (a) => html`<option value="${a.id}"${a.id === form.areaId ? html` selected` : ''}>${a.name}</option>`,
    )}</select></label>
    <label>Never block (usernames, one a line)<textarea name="exclude" rows="2" cols="24">${form.exclude}</textarea></label>
    <label><span><input type="checkbox" name="force" value="1"${form.force ? html` checked` : ''}> even if it blocks more than 20 % of an area</span></label>
    <button type="submit" data-testid="dormant-dry-run">Dry run</button>
  </form>
</div>
${outcome === null ? '' : outcome.kind === 'plan' ? planSection(outcome.plan, outcome.planId, names) : reportSection(outcome.report, names)}`;
}

function planSection(plan: DormantUsersPlan, planId: string, names: Names): Html {
  return html`<section class="panel" data-testid="dormant-plan">
  <h2>Dry run: ${count(plan.users.length)} dormant ${plan.users.length === 1 ? 'user' : 'users'}</h2>
  <p class="hint">Not signed in since ${when(plan.cutoff)}.</p>
  ${plan.refused === null ? '' : html`<p class="notice notice-refused" data-testid="dormant-refused">${plan.refused.message}</p>`}
  ${plan.areas.length === 0
    ? ''
    : html`<table data-testid="dormant-areas"><thead><tr><th>Area</th><th class="num">To block</th><th class="num">Using</th></tr></thead>
  <tbody>${plan.areas.map((a) => html`<tr><td>${names.area(a.areaId)}</td><td class="num">${count(a.blocking)}</td><td class="num">${count(a.using)}</td></tr>`)}</tbody></table>`}
  ${plan.users.length === 0
    ? html`<p class="hint">Nobody to block.</p>`
    : html`<table data-testid="dormant-users"><thead><tr><th>Username</th><th>Area</th><th>Organization</th><th>Last signed in</th><th>Created</th></tr></thead>
  <tbody>${plan.users.map(
    (u) => html`<tr data-user="${u.username}"><td><a href="/people/${encodeURIComponent(u.userId)}">${u.username}</a></td><td>${names.area(u.areaId)}</td>
    <td>${names.organization(u.organizationId)}</td><td>${u.lastActivityAt === null ? 'never' : when(u.lastActivityAt)}</td><td>${when(u.createdAt)}</td></tr>`,
  )}</tbody></table>`}
  <form method="post" action="/dormant/apply">
    <input type="hidden" name="planId" value="${planId}">
    <button type="submit" data-testid="apply-dormant"${plan.refused === null && plan.users.length > 0 ? '' : html` disabled`}>Block these users</button>
  </form>
</section>`;
}

function reportSection(report: DormantUsersReport, names: Names): Html {
  return html`<section class="panel" data-testid="dormant-report">
  <h2>Applied: ${count(report.blocked.length)} blocked</h2>
  ${report.refused === null ? '' : html`<p class="notice notice-refused">${report.refused.message}</p>`}
  <ul class="counts">${report.areas.map((a) => html`<li data-area="${a.areaId}"><b>${count(a.blocked)}</b>blocked in ${names.area(a.areaId)}</li>`)}</ul>
  ${report.blocked.length === 0 ? '' : html`<p>${report.blocked.map((u) => u.username).join(', ')}</p>`}
  ${report.skipped.length === 0
    ? ''
    : html`<h3>Left alone</h3><ul>${report.skipped.map((s) => html`<li>${s.username}: ${s.message}</li>`)}</ul>`}
  <p><a href="/license">See the licenses</a></p>
</section>`;
}
