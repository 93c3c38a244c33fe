/**
 * The admin console: a Hono app on a seatkeeper instance. Server-rendered
 * pages and plain HTML forms; no client framework, no script.
 *
 * It has no sign-in of its own: whoever reaches it acts as the host admin.
 * A host application mounts pages like these behind its own authentication.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { html } from 'hono/html';
import {
  InvalidInputError,
  SeatkeeperError,
  UnknownUserError,
  type Actor,
  type DirectoryEntryInput,
  type DirectorySyncPlan,
  type DormantUsersPlan,
  type Seatkeeper,
  type UserResult,
} from 'seatkeeper';
import { DEFAULT_PEOPLE_COLUMNS, exportPeopleCsv, importPeopleCsv, toReadableStream } from 'seatkeeper/csv';
import { peopleFilter } from './find-people.js';
import { layout, STYLES, type Html, type Notice } from './html.js';
import { csvPage, MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS } from './pages/csv.js';
import { DEFAULT_DORMANT_FORM, dormantPage, type DormantForm } from './pages/dormant.js';
import { licensePage } from './pages/license.js';
import { parsePlacement, peoplePage, personPage, readNames, readPeopleQuery } from './pages/people.js';
import { syncPage, type SyncForm } from './pages/sync.js';

/** Options of {@link createConsoleApp}. */
export interface ConsoleOptions {
  /** The feed the directory sync page starts with. Default: an empty array. */
  readonly sampleFeed?: readonly DirectoryEntryInput[];
  /** Who the console's admin is: the actor of every change it makes, in the audit trail. Default `{ id: 'console-admin', name: 'Console admin' }`. */
  readonly admin?: Actor;
}

/**
 * A small store of values kept between two requests (a notice after a
 * redirect, a plan between its dry run and its apply button), each taken once.
 * The oldest go when it is full.
 */
class OneTimeStore<T> {
  readonly #values = new Map<string, T>();
  constructor(readonly capacity: number) {}

  put(value: T): string {
    const id = randomUUID();
    this.#values.set(id, value);
    for (const oldest of this.#values.keys()) {
      if (this.#values.size <= this.capacity) break;
      this.#values.delete(oldest);
    }
    return id;
  }

  take(id: string | undefined): T | null {
    if (id === undefined) return null;
    const value = this.#values.get(id);
    this.#values.delete(id);
    return value ?? null;
  }
}

/** A path on this site to go back to after a form: only a local path, never another site. */
function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : fallback;
}

function withNotice(path: string, id: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${encodeURIComponent(id)}`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Builds the console on a seatkeeper instance.
 *
 * @param seats - the seatkeeper instance the pages read and change
 * @param options - the sample feed of the sync page, the admin
 * @returns the Hono app; serve it with `@hono/node-server` or any Fetch API server
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * serve({ fetch: createConsoleApp(seats).fetch, port: 3000 });
 * ```
 */
export function createConsoleApp(seats: Seatkeeper, options: ConsoleOptions = {}): Hono {
  const app = new Hono();
  const notices = new OneTimeStore<Notice>(200);
  const plans = new OneTimeStore<DirectorySyncPlan>(20);
  const dormantPlans = new OneTimeStore<DormantUsersPlan>(20);
  // Every change the console makes names its admin in the audit trail.
  const by = { actor: options.admin ?? { id: 'console-admin', name: 'Console admin' } };
  const sampleFeed: SyncForm = { feed: JSON.stringify(options.sampleFeed ?? [], null, 2), onMissing: 'keep', force: false };

  const page = (c: Context, title: string, current: string, content: Html, status: 200 | 400 | 404 | 500 = 200) =>
    c.html(layout(title, current, content, notices.take(c.req.query('notice'))), status);
  const redirectWith = (c: Context, path: string, notice: Notice) => c.redirect(withNotice(path, notices.put(notice)), 303);

  // Forms are posted only from the console's own pages.
  app.use(csrf());
  app.get('/console.css', (c) => c.body(STYLES, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/', (c) => c.redirect('/license'));

  app.get('/license', async (c) => page(c, 'License', '/license', await licensePage(seats, c.req.query('partner'))));

  app.get('/people', async (c) => {
    const { query, page: number } = readPeopleQuery((name) => c.req.query(name));
    return page(c, 'People', '/people', await peoplePage(seats, query, number));
  });

  app.post('/people', async (c) => {
    const form = await c.req.parseBody();
    const back = localPath(form.back, '/people');
    const placement = parsePlacement(text(form.placement));
    if (placement === null) return redirectWith(c, back, { kind: 'error', text: 'Choose an area and organization.' });
    const email = text(form.email).trim();
    const displayName = text(form.displayName);
    let result: UserResult;
    try {
      result = await seats.createUser(
        {
          username: text(form.username),
          areaId: placement.areaId,
          organizationId: placement.organizationId,
          ...(email === '' ? {} : { email }),
          ...(displayName.trim() === '' ? {} : { displayName }),
        },
        by,
      );
    } catch (error) {
      // A malformed field is the admin's typing: say which, on the page the form is on.
      if (error instanceof InvalidInputError) return redirectWith(c, back, { kind: 'error', text: `Not created: ${issuesText(error)}.` });
      throw error;
    }
    return redirectWith(
      c,
      back,
      result.ok
        ? { kind: 'ok', text: `Created "${result.user.username}".` }
        : { kind: 'refused', text: `Not created (${result.reason.code}): ${result.reason.message}` },
    );
  });

  app.get('/people/:id', async (c) => {
    const user = await seats.getUser(c.req.param('id'));
    if (user === null) return page(c, 'Not found', '/people', problem('No such user.'), 404);
    return page(c, user.username, '/people', await personPage(seats, user, c.req.query('audit') || null));
  });

  app.post('/people/:id/block', async (c) => {
    const back = localPath((await c.req.parseBody()).back, '/people');
    const user = await seats.blockUser(c.req.param('id'), by);
    return redirectWith(c, back, { kind: 'ok', text: `Blocked "${user.username}": its license is free.` });
  });

  app.post('/people/:id/reinstate', async (c) => {
    const back = localPath((await c.req.parseBody()).back, '/people');
    const result = await seats.reinstateUser(c.req.param('id'), by);
    return redirectWith(
      c,
      back,
      result.ok
        ? { kind: 'ok', text: `Reinstated "${result.user.username}".` }
        : { kind: 'refused', text: `Not reinstated (${result.reason.code}): ${result.reason.message}` },
    );
  });

  app.post('/people/:id/move', async (c) => {
    const id = c.req.param('id');
    const back = `/people/${encodeURIComponent(id)}`;
    const placement = parsePlacement(text((await c.req.parseBody()).placement));
    if (placement === null) return redirectWith(c, back, { kind: 'error', text: 'Choose an area and organization.' });
    const result = await seats.moveUser(id, placement, by);
    const names = await readNames(seats);
    return redirectWith(
      c,
      back,
      result.ok
        ? { kind: 'ok', text: `Moved "${result.user.username}" to ${names.area(placement.areaId)} · ${names.organization(placement.organizationId)}.` }
        : { kind: 'refused', text: `Not moved (${result.reason.code}): ${result.reason.message}` },
    );
  });

  // What a host application reports at each sign-in: a dormant user gets a license back when one is free.
  app.post('/people/:id/sign-in', async (c) => {
    const id = c.req.param('id');
    const result = await seats.recordActivity(id);
    const name = result.user.username;
    return redirectWith(
      c,
      `/people/${encodeURIComponent(id)}`,
      result.refusal !== undefined
        ? { kind: 'refused', text: `Sign-in recorded; "${name}" stays blocked (${result.refusal.code}): ${result.refusal.message}` }
        : { kind: 'ok', text: result.reinstated ? `Sign-in recorded: "${name}" was dormant and is active again.` : `Sign-in recorded for "${name}".` },
    );
  });

  // Every user, or those a People search and its filters list.
  app.get('/people.csv', (c) => {
    const { query } = readPeopleQuery((name) => c.req.query(name));
    const columns = [...DEFAULT_PEOPLE_COLUMNS, 'lastActivity' as const];
    return new Response(toReadableStream(exportPeopleCsv(seats, { bom: true, columns, filter: peopleFilter(query) })), {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="people.csv"' },
    });
  });

  app.get('/csv', async (c) => page(c, 'CSV', '/csv', await csvPage(seats)));

  app.post(
    '/csv/import',
    bodyLimit({ maxSize: MAX_UPLOAD_BYTES + 64 * 1024, onError: (c) => page(c, 'CSV', '/csv', problem(`The upload is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`), 400) }),
    async (c) => {
      const form = await c.req.parseBody();
      const file = form.file;
      const input = file instanceof File && file.size > 0 ? file.stream() : text(form.text);
      const choice = { areaId: text(form.areaId), mode: form.mode === 'best-effort' ? 'best-effort' : 'all-or-nothing' } as const;
      const report = await importPeopleCsv(seats, input, {
        areaId: choice.areaId,
        mode: choice.mode,
        dryRun: form.action !== 'import',
        maxBytes: MAX_UPLOAD_BYTES,
        maxRows: MAX_UPLOAD_ROWS,
        ...by,
      });
      return page(c, 'CSV', '/csv', await csvPage(seats, report, choice));
    },
  );

  app.get('/sync', (c) => page(c, 'Directory sync', '/sync', syncPage(sampleFeed, null)));

  app.post('/sync/plan', bodyLimit({ maxSize: MAX_UPLOAD_BYTES }), async (c) => {
    const body = await c.req.parseBody();
    const form: SyncForm = { feed: text(body.feed), onMissing: body.onMissing === 'block' ? 'block' : 'keep', force: body.force === '1' };
    let entries: unknown;
    try {
      entries = JSON.parse(form.feed);
    } catch (error) {
      const notice: Notice = { kind: 'error', text: `The feed is not JSON: ${(error as Error).message}` };
      return c.html(layout('Directory sync', '/sync', syncPage(form, null), notice), 400);
    }
    if (!Array.isArray(entries)) {
      return c.html(layout('Directory sync', '/sync', syncPage(form, null), { kind: 'error', text: 'The feed must be a JSON array of entries.' }), 400);
    }
    const plan = await seats.planDirectorySync(entries, { onMissing: form.onMissing, force: form.force });
    const names = await readNames(seats);
    return page(c, 'Directory sync', '/sync', syncPage(form, { kind: 'plan', plan, planId: plans.put(plan) }, names.area));
  });

  app.post('/sync/apply', async (c) => {
    const plan = plans.take(text((await c.req.parseBody()).planId));
    if (plan === null) return redirectWith(c, '/sync', { kind: 'error', text: 'That dry run has expired or was applied already: run it again.' });
    const report = await seats.applyDirectorySync(plan, by);
    const names = await readNames(seats);
    return page(c, 'Directory sync', '/sync', syncPage(sampleFeed, { kind: 'report', report }, names.area));
  });

  app.get('/dormant', async (c) => page(c, 'Dormant users', '/dormant', dormantPage(DEFAULT_DORMANT_FORM, null, await readNames(seats))));

  app.post('/dormant/plan', async (c) => {
    const body = await c.req.parseBody();
    const days = Number.parseInt(text(body.days), 10);
    const form: DormantForm = {
      days: Number.isInteger(days) && days > 0 ? days : DEFAULT_DORMANT_FORM.days,
      areaId: text(body.areaId),
      exclude: text(body.exclude),
      force: body.force === '1',
    };
    const exclude = form.exclude.split(/\r?\n|,/).map((u) => u.trim()).filter((u) => u !== '');
    const plan = await seats.planDormantUsers({
      inactiveFor: { days: form.days },
      ...(form.areaId === '' ? {} : { areaIds: [form.areaId] }),
      ...(exclude.length === 0 ? {} : { exclude }),
      force: form.force,
    });
    const content = dormantPage(form, { kind: 'plan', plan, planId: dormantPlans.put(plan) }, await readNames(seats));
    return page(c, 'Dormant users', '/dormant', content);
  });

  app.post('/dormant/apply', async (c) => {
    const plan = dormantPlans.take(text((await c.req.parseBody()).planId));
    if (plan === null) return redirectWith(c, '/dormant', { kind: 'error', text: 'That dry run has expired or was applied already: run it again.' });
    const report = await seats.applyDormantUsers(plan, by);
    return page(c, 'Dormant users', '/dormant', dormantPage(DEFAULT_DORMANT_FORM, { kind: 'report', report }, await readNames(seats)));
  });

  app.notFound((c) => page(c, 'Not found', '', problem('No such page.'), 404));
  app.onError((error, c) => {
    // Hono's own refusals (a cross-site form post, an upload over the limit) keep their status.
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof UnknownUserError) return page(c, 'Not found', '', problem(error.message), 404);
    if (error instanceof InvalidInputError) return page(c, 'Invalid input', '', problem(issuesText(error)), 400);
    if (error instanceof SeatkeeperError) return page(c, 'Refused', '', problem(error.message), 400);
    console.error(error);
    return page(c, 'Error', '', problem('Something went wrong; the server log says what.'), 500);
  });
  return app;
}

/** What is wrong with an input, field by field: `email: must be a valid email address`. */
function issuesText(error: InvalidInputError): string {
  const issues = error.issues.map((i) => `${i.path.join('.')}${i.path.length > 0 ? ': ' : ''}${i.message}`);
  return issues.length === 0 ? error.message : issues.join('; ');
}

/** A problem, in words, where a page would be. */
function problem(message: string): Html {
  return html`<p class="notice notice-error" role="alert" data-testid="error">${message}</p>`;
}
