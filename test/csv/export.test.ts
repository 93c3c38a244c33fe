import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { exportPeopleCsv, type PeopleExportSource } from '../../src/csv/index.js';
import { InvalidInputError, type ListUsersOptions, type SiteSummary, type User } from '../../src/index.js';
import { user } from '../../src/testing/fixtures.js';
import { collect, makeSite } from '../support/site.js';

function parse(text: string, delimiter = ','): string[][] {
  const result = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: true });
  expect(result.errors).toEqual([]);
  return result.data;
}

async function sampleSite() {
  const site = await makeSite({ maxUsers: 10, extranet: 5, partners: [{ id: 'acme', areaId: 'extranet', name: 'Acme Corp' }] });
  const { seats, clock } = site;
  await seats.createUser({ username: 'bob', areaId: 'primary', email: 'bob@example.com', displayName: 'Bob Builder' });
  clock.advance(60_000);
  await seats.createUser({ username: 'Alice', areaId: 'extranet', organizationId: 'acme' });
  const carol = await seats.createUser({ username: 'carol', areaId: 'primary' });
  if (carol.ok) await seats.blockUser(carol.user.id);
  await seats.ensureSystemUsers();
  return site;
}

describe('exportPeopleCsv', () => {
  it('writes the default columns, area and organization by name and by id, one row per user ordered by username ignoring case', async () => {
    const { seats } = await sampleSite();
    const rows = parse(await collect(exportPeopleCsv(seats)));
    expect(rows[0]).toEqual(['Username', 'Display name', 'Email', 'Area', 'Area id', 'Organization', 'Organization id', 'Account type', 'Account state', 'Block reason', 'Source', 'Created']);
    expect(rows.slice(1)).toEqual([
      ['Alice', '', '', 'Partner Extranet', 'extranet', 'Acme Corp', 'acme', 'Licensed', 'Yes', '', 'manual', '2026-03-01T09:31:00.000Z'],
      ['bob', 'Bob Builder', 'bob@example.com', 'Primary Area', 'primary', '', '', 'Licensed', 'Yes', '', 'manual', '2026-03-01T09:30:00.000Z'],
      ['carol', '', '', 'Primary Area', 'primary', '', '', 'Licensed', 'No', 'admin', 'manual', '2026-03-01T09:31:00.000Z'],
      ['guest', expect.any(String), '', 'Primary Area', 'primary', '', '', 'System', 'Yes', '', 'system', '2026-03-01T09:31:00.000Z'],
      ['superuser', expect.any(String), '', 'Primary Area', 'primary', '', '', 'System', 'Yes', '', 'system', '2026-03-01T09:31:00.000Z'],
    ]);
  });

  it('account state is Yes for active and No for blocked', async () => {
    const { seats } = await sampleSite();
    const rows = parse(await collect(exportPeopleCsv(seats, { columns: ['username', 'accountState'] })));
    expect(Object.fromEntries(rows.slice(1))).toMatchObject({ Alice: 'Yes', bob: 'Yes', carol: 'No' });
  });

  it('selects columns in the given order, relabels headers, and filters users', async () => {
    const { seats } = await sampleSite();
    const text = await collect(
      exportPeopleCsv(seats, {
        columns: ['email', 'username', 'areaId', 'organizationId', 'externalId', 'updated'],
        headers: { email: 'E-mail address', username: 'Login' },
        filter: { areaId: 'primary', kind: 'licensed' },
      }),
    );
    expect(parse(text)).toEqual([
      ['E-mail address', 'Login', 'Area id', 'Organization id', 'External id', 'Updated'],
      ['bob@example.com', 'bob', 'primary', '', '', '2026-03-01T09:30:00.000Z'],
      ['', 'carol', 'primary', '', '', '2026-03-01T09:31:00.000Z'],
    ]);
  });

  it('starts with a byte order mark only when asked, and uses the delimiter and line break asked for', async () => {
    const { seats } = await sampleSite();
    const plain = await collect(exportPeopleCsv(seats, { columns: ['username'] }));
    expect(plain.startsWith('Username\r\n')).toBe(true);
    const excel = await collect(exportPeopleCsv(seats, { columns: ['username', 'displayName'], bom: true, delimiter: ';', newline: '\n' }));
    expect(excel.startsWith('\uFEFFUsername;Display name\n')).toBe(true);
    expect(excel).not.toContain('\r');
    expect(excel.endsWith('\n')).toBe(true);
  });

  it('quotes cells with the delimiter, quotes or edge spaces, and they read back unchanged', async () => {
    const { seats } = await makeSite();
    const names = ['Doe, Jane', 'The "Boss"', ' padded ', 'semi;colon', 'pipe|here', 'Zoë 日本 🎉', 'e\u0301mile', 'zero\u200bwidth'];
    for (const [i, displayName] of names.entries()) await seats.createUser({ username: `user${i}`, areaId: 'primary', displayName });
    for (const delimiter of [',', ';', '\t', '|'] as const) {
      const text = await collect(exportPeopleCsv(seats, { columns: ['username', 'displayName'], delimiter }));
      expect(parse(text, delimiter).slice(1).map((row) => row[1])).toEqual(names);
    }
    const text = await collect(exportPeopleCsv(seats, { columns: ['displayName'] }));
    expect(text).toContain('"Doe, Jane"\r\n"The ""Boss"""\r\n" padded "\r\n');
  });

  it('has no cell with a line break or tab from stored text: no stored text can hold one', async () => {
    const { seats } = await makeSite();
    for (const displayName of ['two\nlines', 'cr\r\nlf', 'tab\there']) {
      await expect(seats.createUser({ username: 'user', areaId: 'primary', displayName })).rejects.toBeInstanceOf(InvalidInputError);
    }
  });

  it('neutralises every cell that could start a formula', async () => {
    const { seats } = await makeSite();
    await seats.createUser({ username: '=cmd', areaId: 'primary', displayName: "@SUM(1+1)*cmd|' /C calc'!A0" });
    await seats.createUser({ username: '+1', areaId: 'primary', displayName: '-1', email: '-x@example.com' });
    await seats.createUser({ username: 'spaced', areaId: 'primary', displayName: '  =1+1' });
    await seats.createUser({ username: 'wide', areaId: 'primary', displayName: '\uFF1D1+1' });
    await seats.createUser({ username: "'=quoted", areaId: 'primary', displayName: "'tis fine" });
    const rows = parse(await collect(exportPeopleCsv(seats, { columns: ['username', 'displayName', 'email'] })));
    expect(rows.slice(1)).toEqual([
      ["''=quoted", "'tis fine", ''],
      ["'+1", "'-1", "'-x@example.com"],
      ["'=cmd", "'@SUM(1+1)*cmd|' /C calc'!A0", ''],
      ['spaced', "'  =1+1", ''],
      ['wide', "'\uFF1D1+1", ''],
    ]);
  });

  it('neutralises relabelled headers too', async () => {
    const { seats } = await makeSite();
    const text = await collect(exportPeopleCsv(seats, { columns: ['username'], headers: { username: '=HYPERLINK("x")' } }));
    expect(parse(text)).toEqual([["'=HYPERLINK(\"x\")"]]);
  });

  it('quotes a row of one empty cell, which would otherwise be a blank line', async () => {
    const { seats } = await makeSite();
    await seats.createUser({ username: 'a', areaId: 'primary' });
    expect(await collect(exportPeopleCsv(seats, { columns: ['email'] }))).toBe('Email\r\n""\r\n');
  });

  it('an export of no users is the header line alone', async () => {
    const { seats } = await makeSite();
    expect(await collect(exportPeopleCsv(seats, { columns: ['username', 'email'] }))).toBe('Username,Email\r\n');
  });

  it('yields the header with the first rows, then one chunk per rowsPerChunk rows', async () => {
    const { seats } = await makeSite();
    await seats.createUsers(Array.from({ length: 5 }, (_, i) => ({ username: `u${i}`, areaId: 'primary' })));
    const chunks: string[] = [];
    for await (const chunk of exportPeopleCsv(seats, { columns: ['username'], rowsPerChunk: 2 })) chunks.push(chunk);
    expect(chunks).toEqual(['Username\r\nu0\r\nu1\r\n', 'u2\r\nu3\r\n', 'u4\r\n']);
  });

  it('reads users lazily, page by page: a million-user site yields its first chunk after reading one chunk of users', async () => {
    let pulled = 0;
    let pageSize: number | undefined;
    const template: User = user('', { areaId: 'primary', createdAt: new Date(0), updatedAt: new Date(0) });
    const source: PeopleExportSource = {
      summary: async () => ({ areas: [], totals: {} }) as unknown as SiteSummary,
      listUsers(options?: ListUsersOptions) {
        pageSize = options?.pageSize;
        return {
          async *[Symbol.asyncIterator]() {
            for (let i = 0; i < 1_000_000; i++) {
              pulled++;
              yield { ...template, id: `id${i}`, username: `user${i}` };
            }
          },
        };
      },
    };
    const iterator = exportPeopleCsv(source, { rowsPerChunk: 500 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.split('\r\n')).toHaveLength(1 + 500 + 1);
    expect(pulled).toBe(500);
    expect(pageSize).toBe(500);
    await iterator.next();
    expect(pulled).toBe(1_000);
    await iterator.return?.();
  });

  it('validates options when called, before reading anything', () => {
    let read = false;
    const source: PeopleExportSource = {
      summary: async () => {
        read = true;
        return { areas: [], totals: {} } as unknown as SiteSummary;
      },
      listUsers: () => {
        read = true;
        return { async *[Symbol.asyncIterator]() {} };
      },
    };
    expect(() => exportPeopleCsv(source, { columns: ['username', 'username'] })).toThrow(InvalidInputError);
    expect(() => exportPeopleCsv(source, { columns: [] })).toThrow(InvalidInputError);
    expect(() => exportPeopleCsv(source, { columns: ['password' as never] })).toThrow(InvalidInputError);
    expect(() => exportPeopleCsv(source, { delimiter: '"' as never })).toThrow(InvalidInputError);
    expect(() => exportPeopleCsv(source, { headers: { username: '' } })).toThrow(InvalidInputError);
    expect(() => exportPeopleCsv(source, { filter: { state: 'sleeping' as never } })).toThrow(InvalidInputError);
    expect(read).toBe(false);
  });
});
