/**
 * The People list (search, filters, pages), the form that creates a user, and
 * one user's page (why it does or does not hold a seat, block and reinstate).
 */
import { html } from 'hono/html';
import type { AuditEvent, AuditFields, AuditValue, Organization, Seatkeeper, User, UserState } from 'seatkeeper';
import { findPeople, type PeopleQuery } from '../find-people.js';
import { when, type Html } from '../html.js';

/** Users per page of the People list. */
export const PAGE_SIZE = 25;

/** Where a user may be created: an area, and the host company or one of its partners. */
export interface Placement {
  readonly areaId: string;
  readonly organizationId: string | null;
}

/** The form value of a placement: `areaId|organizationId`, each part URI-encoded. */
export function placementValue(p: Placement): string {
  return `${encodeURIComponent(p.areaId)}|${encodeURIComponent(p.organizationId ?? '')}`;
}

/** Reads a placement from its form value; `null` when malformed. */
export function parsePlacement(value: string): Placement | null {
  const [area, organization, ...rest] = value.split('|');
  if (area === undefined || area === '' || organization === undefined || rest.length > 0) return null;
  try {
    const organizationId = decodeURIComponent(organization);
    return { areaId: decodeURIComponent(area), organizationId: organizationId === '' ? null : organizationId };
  } catch {
    return null;
  }
}

/** Names of areas and partners, to show ids as people know them. */
export interface Names {
  readonly areas: readonly { readonly id: string; readonly name: string }[];
  readonly organizations: readonly Organization[];
  area(id: string): string;
  organization(id: string | null): string;
}

/** Reads the names of every area and partner. */
export async function readNames(seats: Seatkeeper): Promise<Names> {
  const summary = await seats.summary();
  const areas = summary.areas.map((a) => ({ id: a.areaId, name: a.name }));
  const organizations = await seats.listOrganizations();
  const areaNames = new Map(summary.areas.map((a) => [a.areaId, a.name]));
  const organizationNames = new Map(organizations.map((o) => [o.id, o.name]));
  return {
    areas,
    organizations,
    area: (id) => areaNames.get(id) ?? id,
    organization: (id) => (id === null ? 'Host company' : (organizationNames.get(id) ?? id)),
  };
}

/**
 * The link to a People list (or, with `path` `/people.csv`, its CSV download),
 * for links and the forms that come back to it.
 */
export function peopleHref(query: Omit<PeopleQuery, 'limit'>, page = 1, path = '/people'): string {
  const params = new URLSearchParams();
  if (query.search !== '') params.set('search', query.search);
  if (query.areaId !== undefined) params.set('area', query.areaId);
  if (query.state !== undefined) params.set('state', query.state);
  if (query.after !== null) params.set('after', query.after);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Reads the People list's query from the URL's parameters. */
export function readPeopleQuery(param: (name: string) => string | undefined): { query: PeopleQuery; page: number } {
  const state = param('state');
  const area = param('area');
  const page = Number.parseInt(param('page') ?? '1', 10);
  return {
    query: {
      search: (param('search') ?? '').slice(0, 200),
      ...(area === undefined || area === '' ? {} : { areaId: area }),
      ...(state === 'active' || state === 'blocked' ? { state: state as UserState } : {}),
      limit: PAGE_SIZE,
      after: param('after') || null,
    },
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/**
 * The People list page.
 *
 * @param seats - the seatkeeper instance
 * @param query - the search, filter and page
 * @param page - the page number shown (the cursor does the paging)
 */
export async function peoplePage(seats: Seatkeeper, query: PeopleQuery, page: number): Promise<Html> {
  const names = await readNames(seats);
  const result = await findPeople(seats, query);
  const here = peopleHref(query, page);
  const first = (page - 1) * query.limit + 1;
  return html`<h1>People</h1>
<form class="bar" method="get" action="/people" role="search">
  <label>Search name, username or email<input type="search" name="search" value="${query.search}" data-testid="search"></label>
  <label>Area<select name="area"><option value="">Every area</option>${names.areas.map(
    (a) => html`<option value="${a.id}"${a.id === query.areaId ? html` selected` : ''}>${a.name}</option>`,
  )}</select></label>
  <label>State<select name="state">
    <option value="">Active and blocked</option>
    <option value="active"${query.state === 'active' ? html` selected` : ''}>Active</option>
    <option value="blocked"${query.state === 'blocked' ? html` selected` : ''}>Blocked</option>
  </select></label>
  <button type="submit">Search</button>
  <a href="${peopleHref({ ...query, after: null }, 1, '/people.csv')}" download data-testid="download-listed">Download these users as CSV</a>
</form>
${createUserForm(names, here)}
<table data-testid="people">
  <thead><tr><th>Username</th><th>Display name</th><th>Email</th><th>Area</th><th>Organization</th><th>Type</th><th>Active</th><th>Block reason</th><th>Source</th><th></th></tr></thead>
  <tbody>${result.users.map((user) => personRow(user, names, here))}</tbody>
</table>
${result.users.length === 0 ? html`<p class="hint" data-testid="no-people">Nobody matches.</p>` : ''}
<div class="pager" data-testid="pager">
  <span>${result.users.length === 0 ? '' : `Users ${first}–${first + result.users.length - 1}`}</span>
  ${query.after === null ? '' : html`<a href="${peopleHref({ ...query, after: null })}">First page</a>`}
  ${result.next === null ? '' : html`<a href="${peopleHref({ ...query, after: result.next }, page + 1)}" rel="next" data-testid="next-page">Next page</a>`}
</div>`;
}

function personRow(user: User, names: Names, back: string): Html {
  const state = user.state === 'active' ? 'Yes' : 'No';
  return html`<tr data-user="${user.username}">
  <td><a href="/people/${encodeURIComponent(user.id)}">${user.username}</a></td>
  <td>${user.displayName ?? ''}</td>
  <td>${user.email ?? ''}</td>
  <td>${names.area(user.areaId)}</td>
  <td>${names.organization(user.organizationId)}</td>
  <td>${user.kind === 'system' ? 'System' : 'Licensed'}</td>
  <td><span class="tag tag-${state}">${state}</span></td>
  <td>${user.blockReason ?? ''}</td>
  <td>${user.source}</td>
  <td>${user.kind === 'system' ? '' : blockOrReinstate(user, back)}</td>
</tr>`;
}

function blockOrReinstate(user: User, back: string): Html {
  const action = user.state === 'active' ? 'block' : 'reinstate';
  return html`<form class="inline" method="post" action="/people/${encodeURIComponent(user.id)}/${action}">
  <input type="hidden" name="back" value="${back}">
  <button type="submit" class="small secondary" data-action="${action}">${action === 'block' ? 'Block' : 'Reinstate'}</button>
</form>`;
}

/** Every place a user can be: each area's host company and partners, as `<option>`s. */
function placementOptions(names: Names, selected: Placement | null = null): Html {
  const placements = names.areas.flatMap((area) => [
    { areaId: area.id, organizationId: null, label: `${area.name} · Host company` },
    ...names.organizations
      .filter((o) => o.areaId === area.id)
      .map((o) => ({ areaId: area.id, organizationId: o.id, label: `${area.name} · ${o.name}${o.access === 'denied' ? ' (denied)' : ''}` })),
  ]);
  const chosen = selected === null ? null : placementValue(selected);
  return html`${placements.map((p) => html`<option value="${placementValue(p)}"${placementValue(p) === chosen ? html` selected` : ''}>${p.label}</option>`)}`;
}

function createUserForm(names: Names, back: string): Html {
  return html`<details class="panel" open>
<summary><b>Create a user</b></summary>
<form class="bar" method="post" action="/people" data-testid="create-user">
  <input type="hidden" name="back" value="${back}">
  <label>Username<input name="username" required maxlength="255"></label>
  <label>Display name<input name="displayName" maxlength="500"></label>
  <label>Email<input name="email" type="email" maxlength="254"></label>
  <label>Area and organization<select name="placement">${placementOptions(names)}</select></label>
  <button type="submit">Create</button>
</form>
</details>`;
}

/** Audit events per page of a user's trail. */
export const AUDIT_PAGE_SIZE = 10;

/**
 * One user's page: the profile, why it does or does not hold a seat, the
 * actions (block or reinstate, record a sign-in, move) and its audit trail.
 *
 * @param seats - the seatkeeper instance
 * @param user - the user
 * @param auditAfter - the cursor of the audit trail's page to show (`null`: the newest)
 */
export async function personPage(seats: Seatkeeper, user: User, auditAfter: string | null = null): Promise<Html> {
  const names = await readNames(seats);
  const why = await seats.explainUser(user.id);
  const back = `/people/${encodeURIComponent(user.id)}`;
  return html`<h1>${user.username}</h1>
<div class="panel">
<dl class="figures">
  <dt>Display name</dt><dd>${user.displayName ?? ''}</dd>
  <dt>Email</dt><dd>${user.email ?? ''}</dd>
  <dt>Area</dt><dd>${names.area(user.areaId)}</dd>
  <dt>Organization</dt><dd>${names.organization(user.organizationId)}</dd>
  <dt>Account type</dt><dd>${user.kind === 'system' ? `System (${user.systemRole ?? ''})` : 'Licensed'}</dd>
  <dt>Account state</dt><dd data-testid="account-state">${user.state === 'active' ? 'Yes (active)' : `No (blocked: ${user.blockReason ?? ''})`}</dd>
  <dt>Source</dt><dd>${user.source}${user.externalId === null ? '' : ` (directory id ${user.externalId})`}</dd>
  <dt>Created</dt><dd>${when(user.createdAt)}</dd>
  <dt>Last signed in</dt><dd data-testid="last-activity">${user.lastActivityAt === null ? 'never' : when(user.lastActivityAt)}</dd>
</dl>
<h3>License seat</h3>
<p data-testid="explanation">${why.explanation}</p>
${user.kind === 'system'
  ? ''
  : html`<div class="bar">${blockOrReinstate(user, back)}
<form class="inline" method="post" action="/people/${encodeURIComponent(user.id)}/sign-in">
  <button type="submit" class="small secondary" data-action="sign-in" title="What the host application reports at each sign-in (recordActivity)">Record a sign-in now</button>
</form></div>
<h3>Move</h3>
<form class="bar" method="post" action="/people/${encodeURIComponent(user.id)}/move" data-testid="move-user">
  <label>To area and organization<select name="placement">${placementOptions(names, user)}</select></label>
  <button type="submit" class="secondary">Move</button>
</form>
<p class="hint">An active user needs a free license where it moves to; its license here is freed in the same step.</p>`}
</div>
${await auditTrail(seats, user, names, auditAfter)}
<p><a href="/people">Back to People</a></p>`;
}

const ACTION_LABELS: Readonly<Record<string, string>> = {
  'user.created': 'created',
  'user.updated': 'changed',
  'user.moved': 'moved',
  'user.blocked': 'blocked',
  'user.activated': 'activated',
  'user.deleted': 'deleted',
};

/** The fields a creation shows: where the user went and how it started. */
const CREATION_FIELDS = ['areaId', 'organizationId', 'state', 'blockReason', 'source'];

function shown(field: string, value: AuditValue | undefined, names: Names): string {
  if (value === null || value === undefined) return '–';
  if (field === 'areaId' && typeof value === 'string') return names.area(value);
  if (field === 'organizationId' && typeof value === 'string') return names.organization(value);
  return String(value);
}

function changes(event: AuditEvent, names: Names): Html {
  const before: AuditFields = event.before ?? {};
  const after: AuditFields = event.after ?? {};
  const fields =
    event.before === null
      ? CREATION_FIELDS.filter((f) => f in after && after[f] !== null)
      : [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return html`${fields.map(
    (f) => html`<div><span class="tag">${f}</span> ${event.before === null ? '' : html`${shown(f, before[f], names)} → `}${shown(f, after[f], names)}</div>`,
  )}`;
}

/** The user's audit trail, newest first, a page at a time. */
async function auditTrail(seats: Seatkeeper, user: User, names: Names, after: string | null): Promise<Html> {
  const page = await seats.auditLog({ userId: user.id, limit: AUDIT_PAGE_SIZE, ...(after === null ? {} : { after }) });
  const here = `/people/${encodeURIComponent(user.id)}`;
  return html`<section class="panel" data-testid="audit-trail">
<h2>Audit trail</h2>
${page.events.length === 0
  ? html`<p class="hint">No change recorded.</p>`
  : html`<table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Changes</th></tr></thead>
<tbody>${page.events.map(
    (e) => html`<tr data-action="${e.action}"><td>${when(e.at)}</td><td title="${e.actor.id}">${e.actor.name ?? e.actor.id}</td>
    <td>${ACTION_LABELS[e.action] ?? e.action}</td><td>${changes(e, names)}</td></tr>`,
  )}</tbody></table>`}
<div class="pager">
  ${after === null ? '' : html`<a href="${here}">Newest</a>`}
  ${page.next === null ? '' : html`<a href="${here}?audit=${encodeURIComponent(page.next)}" data-testid="older-events">Older events</a>`}
</div>
</section>`;
}
