/**
 * The admin console in headless Chromium: what an admin sees on each page.
 *
 * Needs Chromium (Debian's `chromium` package at /usr/bin/chromium, or the
 * path in `CHROMIUM`). Without it the tests are skipped with the reason
 * printed, unless SEATKEEPER_REQUIRE_BROWSER=1 (CI), where that is a failure.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { PartnerLicenseView, User } from 'seatkeeper';
import { CHROMIUM_PATH, launchChromium } from '../../examples/admin-console/browser.js';
import { startConsole, type RunningConsole } from '../../examples/admin-console/server.js';
import { DORMANT_USERNAMES, sampleDirectoryFeed, ZOE } from '../../examples/admin-console/site.js';

const browserInstalled = existsSync(CHROMIUM_PATH);
const browserRequired = process.env.SEATKEEPER_REQUIRE_BROWSER === '1';

if (!browserInstalled) {
  if (browserRequired) {
    test('Chromium is installed (SEATKEEPER_REQUIRE_BROWSER=1)', () => {
      expect.fail(`no Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM to its path`);
    });
  } else {
    console.warn(
      `Skipping the admin console browser tests: no Chromium at ${CHROMIUM_PATH} ` +
        '(apt-get install chromium, or set CHROMIUM; SEATKEEPER_REQUIRE_BROWSER=1 makes this a failure).',
    );
  }
}

/** Every whole number in a text, as numbers (thousands separators joined). */
function numbersIn(text: string): number[] {
  return (text.match(/\d[\d,]*/g) ?? []).map((n) => Number(n.replaceAll(',', '')));
}

async function allUsers(running: RunningConsole): Promise<User[]> {
  const users: User[] = [];
  for await (const user of running.seats.listUsers()) users.push(user);
  return users;
}

describe.skipIf(!browserInstalled)('the admin console in Chromium', () => {
  let browser: Browser;
  let running: RunningConsole;
  let context: BrowserContext;
  let page: Page;

  // A fresh browser (on a temporary profile of its own) for the file, a fresh context and console per test.
  beforeAll(async () => {
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    running = await startConsole({ port: 0 });
    context = await browser.newContext({ baseURL: running.url, viewport: { width: 1200, height: 800 }, acceptDownloads: true });
    context.setDefaultTimeout(30_000);
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    await running?.close();
  });

  const areaRow = (areaId: string): Locator => page.getByTestId('host-view').locator(`tr[data-area="${areaId}"]`);
  const stopIn = (locator: Locator): Locator => locator.locator('[data-mark="stop"]');
  const warningIn = (locator: Locator): Locator => locator.locator('[data-mark="warning"]');

  /** Creates a user through the People page's form; returns the notice the page shows. */
  async function createThroughForm(username: string, placement: string, email = ''): Promise<string> {
    await page.goto('/people');
    const form = page.getByTestId('create-user');
    await form.locator('input[name="username"]').fill(username);
    // The browser checks the email field too; the server's own check is what is tested here.
    if (email !== '') await form.locator('input[name="email"]').evaluate((input: HTMLInputElement, value) => { input.type = 'text'; input.value = value; }, email);
    await form.locator('select[name="placement"]').selectOption({ label: placement });
    await form.getByRole('button', { name: 'Create' }).click();
    return (await page.getByTestId('notice').textContent()) ?? '';
  }

  /** Creates users through the form until one is refused; returns how many were created and the refusal. */
  async function createUntilRefused(prefix: string, placement: string): Promise<{ created: number; refusal: string }> {
    for (let i = 1; i <= 20; i++) {
      const notice = await createThroughForm(`${prefix}${i}`, placement);
      if (!notice.startsWith('Created')) return { created: i - 1, refusal: notice };
    }
    throw new Error(`20 users of ${placement} were created and none refused`);
  }

  test('the host admin sees every area with its Using and Remaining, the warning and stop marks, and the Company Admin List as users (active licensed)', async () => {
    await page.goto('/license');
    const primary = areaRow('primary');
    await expect(primary.locator('[data-figure="using"]').textContent()).resolves.toBe('115');
    await expect(primary.locator('[data-figure="remaining"]').textContent()).resolves.toBe('5');
    expect(await warningIn(primary.locator('[data-figure="remaining"]')).getAttribute('aria-label')).toMatch(/^Warning/);
    await expect(stopIn(primary).count()).resolves.toBe(0);

    const suppliers = areaRow('suppliers');
    await expect(suppliers.locator('[data-figure="remaining"]').textContent()).resolves.toBe('0');
    expect(await stopIn(suppliers.locator('[data-figure="remaining"]')).getAttribute('aria-label')).toMatch(/^Stop/);
    await expect(stopIn(areaRow('customers')).count()).resolves.toBe(0);
    await expect(warningIn(areaRow('customers')).count()).resolves.toBe(0);

    const northwind = page.getByTestId('company-list-primary').locator('tr[data-organization="northwind"]');
    await expect(northwind.locator('[data-figure="users"]').textContent()).resolves.toBe('12 (4)');
    await expect(page.getByTestId('totals').textContent()).resolves.toContain('Total intranet users115 of 120');
  });

  test("a partner admin's column shows only its own view: no area, no host figure, no other partner", async () => {
    const summary = await running.seats.summary();
    const organizations = await running.seats.listOrganizations();
    expect(organizations.length).toBe(4);
    for (const organization of organizations) {
      await page.goto(`/license?partner=${encodeURIComponent(organization.id)}`);
      const column = page.getByTestId('partner-view');
      const text = (await column.innerText()).replaceAll(/\s+/g, ' ');
      const markup = await column.innerHTML();
      const view = (await running.seats.licenseView(
        { role: 'partner-admin', organizationId: organization.id },
        'partner-user-admin-list',
      )) as PartnerLicenseView;

      expect(text).toContain(organization.name);
      for (const other of organizations.filter((o) => o.id !== organization.id)) {
        expect(text, `${organization.name}'s admin sees ${other.name}`).not.toContain(other.name);
        expect(markup, `${organization.name}'s admin is sent ${other.id}`).not.toContain(other.id);
      }
      for (const area of summary.areas) expect(text).not.toContain(area.name);
      for (const hostLabel of ['Max users', 'Allocated', 'Host remaining', 'Total active', 'Blocked', 'intranet']) {
        expect(text).not.toContain(hostLabel);
      }
      // Every number shown is one of the partner's own figures.
      const own = [view.using, view.remaining, view.maxUsers, view.usingRatio === null ? null : Math.round(view.usingRatio * 100)];
      for (const n of numbersIn(text)) expect(own, `${organization.name}'s admin sees ${n}`).toContain(n);
      const area = summary.areas.find((a) => a.organizations.some((o) => o.organizationId === organization.id));
      for (const hostFigure of [area?.maxUsers, area?.remaining, area?.unallocatedRemaining, area?.allocated]) {
        if (!own.includes(hostFigure ?? null)) expect(numbersIn(text)).not.toContain(hostFigure);
      }

      await expect(column.locator('[data-figure="using"]').textContent()).resolves.toBe(String(view.using));
      await expect(column.locator('[data-figure="remaining"]').count()).resolves.toBe(view.remainingVisible ? 1 : 0);
      await expect(column.getByTestId('remaining-hidden').count()).resolves.toBe(view.remainingVisible ? 0 : 1);
    }

    // Every partner of the Primary Area has a quota, so its admins see Remaining: the denied Fabrikam sees the stop.
    await page.goto('/license?partner=fabrikam');
    const fabrikam = page.getByTestId('partner-view').locator('[data-figure="remaining"]');
    await expect(fabrikam.textContent()).resolves.toBe('0');
    await expect(stopIn(fabrikam).count()).resolves.toBe(1);
    // Contoso has no quota in the Supplier Extranet, so Litware's admin sees its Using only.
    await page.goto('/license?partner=litware');
    await expect(page.getByTestId('partner-view').getByTestId('remaining-hidden').isVisible()).resolves.toBe(true);
  });

  test('the stop mark appears when the last seat of an area is taken through the People page, and goes when a user is blocked', async () => {
    await page.goto('/license');
    await expect(stopIn(areaRow('primary')).count()).resolves.toBe(0);

    // The host company has one seat of its own left; then it is refused, and its Host remaining shows the stop.
    const host = await createUntilRefused('hostnew', 'Primary Area · Host company');
    expect(host.created).toBe(1);
    expect(host.refusal).toContain('LICENSE_LIMIT_REACHED');
    await page.goto('/license');
    await expect(stopIn(areaRow('primary').locator('[data-figure="host-remaining"]')).count()).resolves.toBe(1);
    await expect(stopIn(areaRow('primary').locator('[data-figure="remaining"]')).count()).resolves.toBe(0);

    // Northwind takes the area's last seats: the area's Remaining shows the stop.
    const partner = await createUntilRefused('northwindnew', 'Primary Area · Northwind Traders');
    expect(partner.created).toBe(4);
    await page.goto('/license');
    await expect(areaRow('primary').locator('[data-figure="remaining"]').textContent()).resolves.toBe('0');
    expect(await stopIn(areaRow('primary').locator('[data-figure="remaining"]')).getAttribute('data-status')).toBe('exhausted');
    await page.goto('/license?partner=northwind');
    await expect(stopIn(page.getByTestId('partner-view')).count()).resolves.toBe(1);

    // Blocking a user frees a seat: the stop goes; reinstating takes it back.
    await page.goto('/people?search=northwindnew1');
    await page.locator('tr[data-user="northwindnew1"] button[data-action="block"]').click();
    await expect(page.getByTestId('notice').textContent()).resolves.toContain('Blocked "northwindnew1"');
    await page.goto('/license');
    await expect(stopIn(areaRow('primary').locator('[data-figure="remaining"]')).count()).resolves.toBe(0);
    await expect(areaRow('primary').locator('[data-figure="remaining"]').textContent()).resolves.toBe('1');

    await page.goto('/people?search=northwindnew1');
    await page.locator('tr[data-user="northwindnew1"] button[data-action="reinstate"]').click();
    await expect(page.getByTestId('notice').textContent()).resolves.toContain('Reinstated "northwindnew1"');
    await page.goto('/license');
    await expect(stopIn(areaRow('primary').locator('[data-figure="remaining"]')).count()).resolves.toBe(1);
  });

  test('a malformed field of a new user is named on the People page, and nothing is created', async () => {
    const notice = await createThroughForm('new.person', 'Customer Portal · Host company', 'not-an-address');
    expect(notice).toBe('Not created: email: must be a valid email address.');
    expect(await running.seats.findUserByUsername('new.person')).toBeNull();
    await expect(page.getByTestId('people').count()).resolves.toBe(1);
  });

  test("moving a user needs a license where it goes: refused into the full extranet, done into the Customer Portal, and the Primary Area's warning goes", async () => {
    const zoe = await running.seats.findUserByUsername(ZOE.username);
    await page.goto(`/people/${encodeURIComponent(zoe?.id ?? '')}`);
    const move = page.getByTestId('move-user');
    await move.locator('select[name="placement"]').selectOption({ label: 'Supplier Extranet · Host company' });
    await move.getByRole('button', { name: 'Move' }).click();
    await expect(page.getByTestId('notice').textContent()).resolves.toMatch(/^Not moved \(LICENSE_LIMIT_REACHED\)/);

    await page.getByTestId('move-user').locator('select[name="placement"]').selectOption({ label: 'Customer Portal · Host company' });
    await page.getByTestId('move-user').getByRole('button', { name: 'Move' }).click();
    await expect(page.getByTestId('notice').textContent()).resolves.toBe(`Moved "${ZOE.username}" to Customer Portal · Host company.`);
    await page.goto('/license');
    await expect(areaRow('primary').locator('[data-figure="remaining"]').textContent()).resolves.toBe('6');
    await expect(warningIn(areaRow('primary').locator('[data-figure="remaining"]')).count()).resolves.toBe(0);
    await expect(areaRow('customers').locator('[data-figure="using"]').textContent()).resolves.toBe('19');
  });

  test('a CSV upload with errors lists them by line; a dry run writes nothing, an import creates the users', async () => {
    await page.goto('/csv');
    const upload = page.getByTestId('upload');
    const withErrors = [
      'Username,Display name,Email',
      'ok.one,Okay One,ok.one@example.com',
      ',No Name,noname@example.com',
      'bad.mail,Bad Mail,not-an-address',
      'ok.two,Okay Two,',
    ].join('\r\n');
    await upload.locator('input[name="file"]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(withErrors) });
    await upload.locator('select[name="areaId"]').selectOption({ label: 'Customer Portal' });
    await upload.getByRole('button', { name: 'Dry run' }).click();

    const errors = page.getByTestId('import-errors');
    await expect(errors.locator('tbody tr').count()).resolves.toBe(2);
    await expect(errors.locator('tr[data-line="3"] td').first().textContent()).resolves.toBe('3');
    await expect(errors.locator('tr[data-line="4"]').innerText()).resolves.toMatch(/^4\s+Email\s+\S/);
    await expect(page.getByTestId('import-message').textContent()).resolves.toContain('2 errors');
    expect(await running.seats.findUserByUsername('ok.one')).toBeNull();

    // The same rows without the broken ones, imported for real.
    await page.goto('/csv');
    const fixed = ['Username,Display name,Email', 'ok.one,Okay One,ok.one@example.com', 'ok.two,Okay Two,'].join('\r\n');
    await page.getByTestId('upload').locator('textarea[name="text"]').fill(fixed);
    await page.getByTestId('upload').locator('select[name="areaId"]').selectOption({ label: 'Customer Portal' });
    await page.getByTestId('upload').getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByTestId('import-message').textContent()).resolves.toContain('Imported 2 users');
    expect((await running.seats.findUserByUsername('ok.one'))?.areaId).toBe('customers');
  });

  test('the People search finds a user by a name typed without its accents', async () => {
    await page.goto('/people');
    await page.getByTestId('search').fill('zoe');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.getByTestId('people').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().getAttribute('data-user')).resolves.toBe(ZOE.username);
    await expect(rows.first().innerText()).resolves.toContain(ZOE.displayName);

    await page.goto('/people?search=LEFEVRE');
    await expect(page.getByTestId('people').locator(`tr[data-user="${ZOE.username}"]`).count()).resolves.toBe(1);
  });

  test('paging walks every user once, in username order, and keeps the search from page to page', async () => {
    for (const search of ['', 'intranet']) {
      const expected: string[] = [];
      for await (const user of running.seats.listUsers(search === '' ? {} : { search })) expected.push(user.username);
      expect(expected.length).toBeGreaterThan(75);
      await page.goto(search === '' ? '/people' : `/people?search=${search}`);
      const seen: string[] = [];
      for (let pages = 1; ; pages++) {
        const names = await page.getByTestId('people').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user') ?? ''));
        expect(names.length).toBeLessThanOrEqual(25);
        seen.push(...names);
        await expect(page.getByTestId('search').inputValue()).resolves.toBe(search);
        const next = page.getByTestId('next-page');
        if ((await next.count()) === 0) break;
        expect(names.length).toBe(25);
        expect(pages).toBeLessThan(50);
        await next.click();
      }
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  test('the CSV download has the People columns and Yes/No account states', async () => {
    await page.goto('/csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(download.suggestedFilename()).toBe('people.csv');
    const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Username,Display name,Email,Area,Area id,Organization,Organization id,Account type,Account state,Block reason,Source,Created,Last activity');
    expect(lines.length).toBe((await allUsers(running)).length + 1);
    expect(lines.find((l) => l.startsWith(`${ZOE.username},`))).toContain(',Licensed,Yes,,');
    expect(lines.some((l) => l.includes(',Licensed,No,admin,'))).toBe(true);

    // From the People page, the download holds the users the search lists.
    await page.goto('/people?search=zoe');
    const [listed] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-listed').click()]);
    const rows = (await readFile(await listed.path(), 'utf8')).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(new RegExp(`^${ZOE.username},${ZOE.displayName},`));
  });

  test('the directory sync dry run counts each action; applying it writes them, and the same feed then changes nothing', async () => {
    const expected = await running.seats.planDirectorySync(sampleDirectoryFeed());
    await page.goto('/sync');
    await page.getByTestId('dry-run').click();
    const counts = page.getByTestId('sync-plan').getByTestId('sync-counts');
    const shown = async (action: string) => Number(await counts.locator(`li[data-action="${action}"] b`).textContent());
    // The sample feed shows every kind of line: a new hire gets the seat a disabled user frees, another waits for a license.
    expect(expected.totals).toMatchObject({ create: 2, createBlocked: 1, update: 1, block: 1, invalid: 1 });
    for (const action of ['create', 'createBlocked', 'activate', 'block', 'update', 'unchanged', 'invalid', 'waitingForLicense'] as const) {
      expect(await shown(action), action).toBe(expected.totals[action]);
    }
    await expect(page.getByTestId('sync-invalid').innerText()).resolves.toContain('broken.entry');
    expect(await running.seats.findUserByExternalId('ad-9001')).toBeNull();

    await page.getByTestId('apply-sync').click();
    const report = page.getByTestId('sync-report').getByTestId('sync-counts');
    await expect(report.locator('li[data-action="create"] b').textContent()).resolves.toBe('2');
    expect((await running.seats.findUserByExternalId('ad-0002'))?.blockReason).toBe('directory-disabled');
    expect((await running.seats.findUserByExternalId('ad-9001'))?.state).toBe('active');
    expect((await running.seats.findUserByExternalId('ad-9003'))?.blockReason).toBe('license-limit');

    await page.goto('/sync');
    await page.getByTestId('dry-run').click();
    for (const action of ['create', 'createBlocked', 'update', 'block', 'activate']) expect(await shown(action)).toBe(0);
  });

  test('the dormant-user dry run lists who has not signed in for 90 days; applying it frees their licenses, and a sign-in brings one back', async () => {
    await page.goto('/dormant');
    await page.getByTestId('dormant-dry-run').click();
    const listed = await page.getByTestId('dormant-users').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user') ?? ''));
    expect([...listed].sort()).toEqual([...DORMANT_USERNAMES].sort());
    await expect(page.getByTestId('dormant-areas').innerText()).resolves.toMatch(/Primary Area\s+8\s+115/);
    expect((await running.seats.findUserByUsername(DORMANT_USERNAMES[0] ?? ''))?.state).toBe('active');

    await page.getByTestId('apply-dormant').click();
    await expect(page.getByTestId('dormant-report').locator('h2').textContent()).resolves.toBe('Applied: 10 blocked');
    await page.goto('/license');
    await expect(areaRow('primary').locator('[data-figure="remaining"]').textContent()).resolves.toBe('13');
    await expect(warningIn(areaRow('primary').locator('[data-figure="remaining"]')).count()).resolves.toBe(0);

    // A dormant user signs in again: a license is free, so the account is active at once.
    const sleeper = await running.seats.findUserByUsername(DORMANT_USERNAMES[0] ?? '');
    expect(sleeper?.blockReason).toBe('dormant');
    await page.goto(`/people/${encodeURIComponent(sleeper?.id ?? '')}`);
    await page.locator('button[data-action="sign-in"]').click();
    await expect(page.getByTestId('notice').textContent()).resolves.toContain('was dormant and is active again');
    await expect(page.getByTestId('account-state').textContent()).resolves.toBe('Yes (active)');
  });

  test("a user's audit trail shows who did what, newest first, a page at a time", async () => {
    const zoe = await running.seats.findUserByUsername(ZOE.username);
    const here = `/people/${encodeURIComponent(zoe?.id ?? '')}`;
    await page.goto(here);
    await page.locator('button[data-action="block"]').click();
    await expect(page.getByTestId('notice').textContent()).resolves.toContain('Blocked');
    await page.locator('button[data-action="reinstate"]').click();
    await expect(page.getByTestId('notice').textContent()).resolves.toContain('Reinstated');

    const rows = page.getByTestId('audit-trail').locator('tbody tr');
    const trail = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-action'), tr.children[1]?.textContent ?? '']));
    expect(trail).toEqual([
      ['user.activated', 'Console admin'],
      ['user.blocked', 'Console admin'],
      ['user.created', 'IT admin'],
    ]);
    await expect(rows.nth(1).innerText()).resolves.toMatch(/state\s+active → blocked/);
    await expect(rows.nth(2).innerText()).resolves.toContain('Primary Area');

    // Thirteen events: ten on the first page, the three oldest on the next.
    for (let i = 0; i < 5; i++) {
      await running.seats.blockUser(zoe?.id ?? '', { actor: { id: 'helpdesk' } });
      await running.seats.reinstateUser(zoe?.id ?? '', { actor: { id: 'helpdesk' } });
    }
    await page.goto(here);
    await expect(rows.count()).resolves.toBe(10);
    await expect(rows.first().locator('td').nth(1).textContent()).resolves.toBe('helpdesk');
    await page.getByTestId('older-events').click();
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.last().getAttribute('data-action')).resolves.toBe('user.created');
    await expect(page.getByTestId('older-events').count()).resolves.toBe(0);
  });
});
