/**
 * The admin console's app without a browser: what a request gets back.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Hono } from 'hono';
import type { Seatkeeper } from 'seatkeeper';
import { createConsoleApp } from '../../examples/admin-console/app.js';
import { createDemoSite, ZOE } from '../../examples/admin-console/site.js';

describe('the admin console app', () => {
  let seats: Seatkeeper;
  let app: Hono;
  const origin = 'http://localhost';
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (path: string, fields: Record<string, string>, from: string | null = origin) =>
    app.request(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(from === null ? {} : { origin: from }) },
      body: form(fields),
    });

  beforeAll(async () => {
    seats = await createDemoSite();
    app = createConsoleApp(seats);
  });

  test('a form posted from another site, or by a client that names no origin, is refused and changes nothing', async () => {
    const zoe = await seats.findUserByUsername(ZOE.username);
    for (const from of ['http://evil.example', null]) {
      const response = await post(`/people/${zoe?.id ?? ''}/block`, { back: '/people' }, from);
      expect(response.status).toBe(403);
    }
    expect((await seats.getUser(zoe?.id ?? ''))?.state).toBe('active');
  });

  test('a form posted from the console changes the site and comes back to the page with a one-time notice', async () => {
    const created = await post('/people', { username: 'console.test', placement: 'customers|', back: '/people?search=console' });
    expect(created.status).toBe(303);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/people\?search=console&notice=/);
    expect((await seats.findUserByUsername('console.test'))?.areaId).toBe('customers');
    expect(await (await app.request(`${origin}${location}`)).text()).toContain('Created &quot;console.test&quot;.');
    expect(await (await app.request(`${origin}${location}`)).text()).not.toContain('data-testid="notice"');
  });

  test('a form never sends the admin to another site afterwards', async () => {
    for (const back of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const response = await post('/people', { username: `x${back.length}`, placement: 'customers|', back });
      expect(response.headers.get('location')).toMatch(/^\/people\?notice=/);
    }
  });

  test('names are shown as text, never as markup', async () => {
    await seats.createUser({ username: 'markup.name', displayName: '<img src=x onerror=alert(1)>', areaId: 'customers' });
    const page = await (await app.request(`${origin}/people?search=markup`)).text();
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img src=x');
  });

  test('the People CSV is a download, and unknown pages and users are 404 pages', async () => {
    const csv = await app.request(`${origin}/people.csv?search=zoe`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="people.csv"');
    expect((await csv.text()).split('\r\n')[1]).toMatch(new RegExp(`^${ZOE.username},`));
    expect((await app.request(`${origin}/people/no-such-user`)).status).toBe(404);
    expect((await app.request(`${origin}/no-such-page`)).status).toBe(404);
  });

  test('a sync feed that is not JSON, or not an array, is explained on the sync page', async () => {
    const notJson = await post('/sync/plan', { feed: '[{"externalId": ', onMissing: 'keep' });
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toContain('The feed is not JSON');
    const notArray = await post('/sync/plan', { feed: '{}', onMissing: 'keep' });
    expect(await notArray.text()).toContain('The feed must be a JSON array of entries.');
  });
});
