import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportPeopleCsv, importPeopleCsv } from '../../src/csv/index.js';
import { InvalidInputError, StreamFailedError, UnknownAreaError, UnknownOrganizationError } from '../../src/index.js';
import { collect, makeSite } from '../support/site.js';

const crlf = (...lines: string[]) => lines.join('\r\n') + '\r\n';

describe('importPeopleCsv: reading the file', () => {
  it('re-imports its own export into an empty site', async () => {
    const source = await makeSite({ extranet: 5, partners: [{ id: 'acme', areaId: 'extranet', name: 'Acme Corp', maxUsers: 3 }] });
    await source.seats.createUser({ username: 'bob', areaId: 'primary', email: 'bob@example.com', displayName: 'Bob, "B" Builder' });
    await source.seats.createUser({ username: 'alice', areaId: 'extranet', organizationId: 'acme', displayName: '=1+1' });
    await source.seats.createUsers([{ username: 'carol', areaId: 'primary', state: 'blocked' }]);
    const csv = await collect(exportPeopleCsv(source.seats));

    const target = await makeSite({ extranet: 5, partners: [{ id: 'acme', areaId: 'extranet', name: 'Acme Corp', maxUsers: 3 }] });
    const report = await importPeopleCsv(target.seats, csv);
    expect(report).toMatchObject({ ok: true, written: true, rows: 3, created: 3, errors: [], refused: [], skipped: [], ignoredColumns: [] });
    expect(report.message).toBe('Imported 3 users from 3 rows.');
    expect(await target.seats.findUserByUsername('bob')).toMatchObject({ areaId: 'primary', organizationId: null, email: 'bob@example.com', displayName: 'Bob, "B" Builder', state: 'active', source: 'csv' });
    expect(await target.seats.findUserByUsername('alice')).toMatchObject({ areaId: 'extranet', organizationId: 'acme', displayName: '=1+1', source: 'csv' });
    expect(await target.seats.findUserByUsername('carol')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'csv import', source: 'csv' });
  });

  it('matches headers ignoring case, spaces and punctuation, and knows common aliases', async () => {
    const { seats } = await makeSite();
    const csv = crlf('LOGIN;e-mail;display_name;ACCOUNT STATE', 'ann;ann@example.com;Ann;no');
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary', delimiter: ';' });
    expect(report.ok).toBe(true);
    expect(await seats.findUserByUsername('ann')).toMatchObject({ email: 'ann@example.com', displayName: 'Ann', state: 'blocked' });
  });

  it('maps the caller’s own header labels with the columns option, and reports columns it ignores', async () => {
    const { seats } = await makeSite();
    const csv = crlf('Staff number,Mail,Shoe size,', 'ann,ann@example.com,42,');
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary', columns: { username: 'Staff number' } });
    expect(report).toMatchObject({ ok: true, created: 1, ignoredColumns: ['Shoe size'] });
    expect(await seats.findUserByUsername('ann')).toMatchObject({ email: 'ann@example.com' });
  });

  it('re-imports an export with relabelled headers when given the same labels', async () => {
    const source = await makeSite();
    await source.seats.createUser({ username: 'ann', areaId: 'primary', email: 'ann@example.com' });
    const headers = { username: 'Benutzer', email: 'Adresse' } as const;
    const csv = await collect(exportPeopleCsv(source.seats, { headers }));
    const target = await makeSite();
    expect((await importPeopleCsv(target.seats, csv, { columns: headers })).ok).toBe(true);
    expect(await target.seats.findUserByUsername('ann')).toMatchObject({ email: 'ann@example.com' });
  });

  it('ignores the export’s informational columns: block reason, source and dates belong to the new profile', async () => {
    const { seats, clock } = await makeSite();
    const csv = crlf('Username,Block reason,Source,Created,Updated', 'ann,license-limit,directory,1999-01-01T00:00:00.000Z,not a date');
    expect((await importPeopleCsv(seats, csv, { areaId: 'primary' })).ok).toBe(true);
    expect(await seats.findUserByUsername('ann')).toMatchObject({ state: 'active', blockReason: null, source: 'csv', createdAt: clock() });
  });

  it('refuses a file without a Username column at line 1, hinting at the delimiter, and writes nothing', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('Username;Email', 'ann;ann@example.com'), { areaId: 'primary' });
    expect(report).toMatchObject({ ok: false, written: false, rows: 0, errors: [{ line: 1, column: null, field: null }] });
    expect(report.errors[0]?.message).toContain('No Username column');
    expect(report.errors[0]?.message).toContain('pass that as delimiter');
    expect(report.message).toBe('Nothing was imported. 1 error in the file.');
  });

  it('refuses a file without an Area column unless an areaId is given', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('Username', 'ann'));
    expect(report.errors).toMatchObject([{ line: 1, message: expect.stringContaining('No Area column and no areaId option') }]);
    expect((await importPeopleCsv(seats, crlf('Username', 'ann'), { areaId: 'primary' })).ok).toBe(true);
  });

  it('refuses a header with two columns meaning the same', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('Username,Email,Mail', 'ann,a@example.com,b@example.com'), { areaId: 'primary' });
    expect(report.errors).toMatchObject([{ line: 1, message: 'The columns "Email" and "Mail" are both Email; keep one.' }]);
    expect(report.written).toBe(false);
  });

  it('reads a string, a Web stream of bytes, a Node stream and an async iterable alike, split anywhere', async () => {
    // A cell of a column the import ignores may span lines; the lines after it still count.
    const csv = '\uFEFF' + crlf('Username,Display name,Notes', 'zoë,"Zoë ""Z""","two', 'lines"', 'björn,Björn 🎉,', 'chén,陈,');
    const bytes = new TextEncoder().encode(csv);
    const inputs = {
      string: () => csv,
      webBytes: () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
            controller.close();
          },
        }),
      nodeBytes: () => Readable.from([bytes.slice(0, 1), bytes.slice(1, 20), bytes.slice(20)]),
      iterableStrings: () => (async function* () {
        for (const ch of csv) yield ch;
      })(),
    };
    for (const [name, input] of Object.entries(inputs)) {
      const { seats } = await makeSite();
      const report = await importPeopleCsv(seats, input(), { areaId: 'primary' });
      expect(report, name).toMatchObject({ ok: true, created: 3, ignoredColumns: ['Notes'] });
      expect(report.accepted.map((a) => a.line), name).toEqual([2, 4, 5]);
      expect((await seats.findUserByUsername('zoë'))?.displayName, name).toBe('Zoë "Z"');
      expect((await seats.findUserByUsername('björn'))?.displayName, name).toBe('Björn 🎉');
    }
  });

  it('reads a stream larger than papaparse’s first chunk, delivered a few characters at a time, whatever its line breaks', async () => {
    for (const newline of ['\r\n', '\n', '\r']) {
      const { seats } = await makeSite({ maxUsers: 30_000 });
      const rows = Array.from({ length: 20_000 }, (_, i) => (i % 1_000 === 7 ? `u${i},Name ${i},"two${newline}lines"` : `u${i},Name ${i},`));
      const csv = ['Username,Display name,Notes', ...rows].join(newline) + newline;
      const pieces = (async function* () {
        for (let i = 0; i < csv.length; i += 7) yield csv.slice(i, i + 7);
      })();
      const report = await importPeopleCsv(seats, pieces, { areaId: 'primary', dryRun: true });
      expect(report, JSON.stringify(newline)).toMatchObject({ errors: [], rows: 20_000 });
      // 20 notes span two lines (u7, u1007, ...), so u1007 starts one line down and the last row 20.
      expect(report.accepted.at(-1)?.line).toBe(20_001 + 20);
      expect(report.accepted.find((a) => a.user.username === 'u1007')).toMatchObject({ line: 1_010, user: { displayName: 'Name 1007' } });
    }
  });

  it('stops reading a stream once its header is unusable', async () => {
    const { seats } = await makeSite();
    let pulled = 0;
    const upload = (async function* () {
      yield 'Email\r\n';
      for (let i = 0; i < 1_000_000; i++, pulled++) yield `u${i}@example.com\r\n`;
    })();
    const report = await importPeopleCsv(seats, upload, { areaId: 'primary' });
    expect(report.errors).toMatchObject([{ line: 1, message: expect.stringContaining('No Username column') }]);
    expect(pulled).toBeLessThan(100_000);
  });

  it('decodes other encodings when told, and refuses bytes that are not valid text', async () => {
    const latin1 = Uint8Array.from([...'Username,Display name\r\nrene,Ren'].map((c) => c.charCodeAt(0)).concat([0xe9, 0x0d, 0x0a]));
    const site = await makeSite();
    expect((await importPeopleCsv(site.seats, Readable.from([latin1]), { areaId: 'primary', encoding: 'windows-1252' })).ok).toBe(true);
    expect((await site.seats.findUserByUsername('rene'))?.displayName).toBe('René');
    const other = await makeSite();
    await expect(importPeopleCsv(other.seats, Readable.from([latin1]), { areaId: 'primary' })).rejects.toBeInstanceOf(InvalidInputError);
    expect((await other.seats.summary()).totals.users).toBe(0);
  });

  it('treats \\r\\n, \\n and \\r line breaks alike', async () => {
    for (const newline of ['\r\n', '\n', '\r']) {
      const { seats } = await makeSite();
      const csv = ['Username,Notes', 'ann,"two', 'lines"', 'bob,Bob'].join(newline);
      const report = await importPeopleCsv(seats, csv, { areaId: 'primary' });
      expect(report.accepted.map((a) => [a.line, a.user.username])).toEqual([
        [2, 'ann'],
        [4, 'bob'],
      ]);
    }
  });

  it('skips blank lines and rows of empty cells, still counting their lines', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('Username,Email', '', 'ann,', ',', 'bob,bad'), { areaId: 'primary', mode: 'best-effort' });
    expect(report.rows).toBe(2);
    expect(report.errors).toMatchObject([{ line: 5, column: 'Email' }]);
  });

  it('a stream that fails rejects with StreamFailedError and writes nothing', async () => {
    const { seats } = await makeSite();
    const failing = (async function* () {
      yield 'Username\r\nann\r\n';
      throw new Error('connection reset');
    })();
    await expect(importPeopleCsv(seats, failing, { areaId: 'primary' })).rejects.toBeInstanceOf(StreamFailedError);
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('throws typed errors for malformed options, unknown default area or organization, and input that is not CSV', async () => {
    const { seats } = await makeSite({ partners: [{ id: 'acme' }] });
    await expect(importPeopleCsv(seats, 'Username', { mode: 'maybe' as never })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(importPeopleCsv(seats, 'Username', { encoding: 'klingon' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(importPeopleCsv(seats, 42 as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(importPeopleCsv(seats, 'Username', { areaId: 'mars' })).rejects.toBeInstanceOf(UnknownAreaError);
    await expect(importPeopleCsv(seats, 'Username', { areaId: 'primary', organizationId: 'nobody' })).rejects.toBeInstanceOf(UnknownOrganizationError);
  });
});

describe('importPeopleCsv: validating rows', () => {
  it('reports each invalid cell by physical line and column label, counting line breaks inside quoted cells; a display name may not span lines', async () => {
    const { seats } = await makeSite();
    const csv = crlf(
      'User name,E-Mail,Display name,Account state',
      'ann,ann@example.com,"three',
      'line',
      'name",Yes',
      'bob,not-an-email,Bob,Yes',
      ',x@example.com,Nobody,Yes',
      'carol,carol@example.com,Carol,perhaps',
    );
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary' });
    expect(report.errors).toEqual([
      { line: 2, column: 'Display name', field: 'displayName', message: 'must not contain control characters (NUL, line breaks, tabs...)' },
      { line: 5, column: 'E-Mail', field: 'email', message: 'must be a valid email address' },
      { line: 6, column: 'User name', field: 'username', message: 'must not be empty' },
      { line: 7, column: 'Account state', field: 'accountState', message: 'must be Yes (active) or No (blocked)' },
    ]);
    expect(report).toMatchObject({ ok: false, written: false, rows: 4, created: 0, accepted: [] });
    expect(report.message).toBe('Nothing was imported. 4 errors in the file.');
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('best-effort creates the valid rows and reports the invalid ones', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('Username,Email', 'ann,ann@example.com', 'bob,nope', 'carol,'), { areaId: 'primary', mode: 'best-effort' });
    expect(report).toMatchObject({ ok: false, written: true, created: 2, errors: [{ line: 3, column: 'Email' }] });
    expect(report.message).toBe('Imported 2 users from 3 rows. 1 error in the file.');
    expect(await seats.findUserByUsername('bob')).toBeNull();
  });

  it('a username or external id repeated in the file is an error on the later line, naming the first', async () => {
    const { seats } = await makeSite();
    const csv = crlf('Username,External id', 'Ann,e1', 'bob,e2', 'ANN,e3', 'carol,e2');
    const report = await importPeopleCsv(seats, csv, { areaId: 'primary', mode: 'best-effort' });
    expect(report.errors).toEqual([
      { line: 4, column: 'Username', field: 'username', message: 'The username "ANN" is already on line 2 (usernames are unique ignoring case, width and accent composition).' },
      { line: 5, column: 'External id', field: 'externalId', message: 'The external id "e2" is already on line 3.' },
    ]);
    expect(report.created).toBe(2);
  });

  it('restores neutralised cells, keeping real leading apostrophes', async () => {
    const { seats } = await makeSite();
    const csv = crlf('Username,Display name', "'=ann,'+1", "bob,''@home", "carol,'tis me", "'-dan,'  -1", "eve,'\uFF1D1");
    expect((await importPeopleCsv(seats, csv, { areaId: 'primary' })).ok).toBe(true);
    expect((await seats.findUserByUsername('=ann'))?.displayName).toBe('+1');
    expect((await seats.findUserByUsername('bob'))?.displayName).toBe("'@home");
    expect((await seats.findUserByUsername('carol'))?.displayName).toBe("'tis me");
    expect((await seats.findUserByUsername('-dan'))?.displayName).toBe('  -1');
    expect((await seats.findUserByUsername('eve'))?.displayName).toBe('\uFF1D1');
  });

  it('keeps a display name exactly, but reads a blank display name or email as none, as createUser does', async () => {
    const { seats } = await makeSite();
    expect((await importPeopleCsv(seats, crlf('Username,Display name,Email', 'ann,"  spaced  ",   ', 'bob,"   ",'), { areaId: 'primary' })).ok).toBe(true);
    expect(await seats.findUserByUsername('ann')).toMatchObject({ displayName: '  spaced  ', email: null });
    expect(await seats.findUserByUsername('bob')).toMatchObject({ displayName: null });
  });

  it('reports a row with malformed quotes, and a row with more values than columns', async () => {
    const { seats } = await makeSite();
    // A stray quote opens a quoted cell that swallows the rest of the file: that is how CSV reads it.
    const report = await importPeopleCsv(seats, crlf('Username,Email', 'bob,b@example.com,extra', 'carol,,', '"ann"x,a@example.com', 'dan,'), {
      areaId: 'primary',
      mode: 'best-effort',
    });
    expect(report.errors).toEqual([
      { line: 2, column: null, field: null, message: 'The row has 3 values but the header has 2 columns; quote values that contain ",".' },
      { line: 4, column: null, field: null, message: expect.stringContaining('The row is malformed') },
    ]);
    expect(report.accepted.map((a) => a.user.username)).toEqual(['carol']);
  });

  it('skips system accounts and says why', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('Username,Account type', 'superuser,System', 'ann,Licensed', 'bob,'), { areaId: 'primary' });
    expect(report).toMatchObject({ ok: true, created: 2, skipped: [{ line: 2, username: 'superuser' }] });
    expect(report.message).toBe('Imported 2 users from 3 rows. 1 system account skipped.');
    expect(await seats.findUserByUsername('superuser')).toBeNull();
  });

  it('an unknown account type is an error', async () => {
    const { seats } = await makeSite();
    const report = await importPeopleCsv(seats, crlf('Username,Account type', 'ann,robot'), { areaId: 'primary' });
    expect(report.errors).toEqual([{ line: 2, column: 'Account type', field: 'accountType', message: 'must be Licensed or System' }]);
  });
});

describe('importPeopleCsv: areas and organizations', () => {
  const partners = [
    { id: 'acme', areaId: 'primary', name: 'Acme Corp' },
    { id: 'globex', areaId: 'extranet', name: 'Globex' },
  ];

  it('names areas and organizations by id or by name ignoring case, organizations within the row’s area', async () => {
    const { seats } = await makeSite({ extranet: 10, partners });
    const csv = crlf('Username,Area,Organization', 'a1,primary,', 'a2,PRIMARY AREA,acme', 'a3,partner extranet,GLOBEX', 'a4,extranet,globex');
    expect((await importPeopleCsv(seats, csv)).ok).toBe(true);
    const where = async (u: string) => {
      const user = await seats.findUserByUsername(u);
      return [user?.areaId, user?.organizationId];
    };
    expect(await where('a1')).toEqual(['primary', null]);
    expect(await where('a2')).toEqual(['primary', 'acme']);
    expect(await where('a3')).toEqual(['extranet', 'globex']);
    expect(await where('a4')).toEqual(['extranet', 'globex']);
  });

  it('Area id and Organization id columns take ids only and win over the name columns', async () => {
    const { seats } = await makeSite({ extranet: 10, partners });
    const csv = crlf('Username,Area,Area id,Organization,Organization id', 'a1,Primary Area,extranet,Acme Corp,globex', 'a2,,Partner Extranet,,');
    const report = await importPeopleCsv(seats, csv, { mode: 'best-effort' });
    expect(await seats.findUserByUsername('a1')).toMatchObject({ areaId: 'extranet', organizationId: 'globex' });
    expect(report.errors).toEqual([{ line: 3, column: 'Area id', field: 'areaId', message: 'Unknown area id "Partner Extranet".' }]);
  });

  it('reports unknown areas and organizations, and organizations of another area', async () => {
    const { seats } = await makeSite({ extranet: 10, partners });
    const csv = crlf('Username,Area,Organization', 'a1,Mars,', 'a2,Primary Area,Globex', 'a3,Primary Area,Initech');
    const report = await importPeopleCsv(seats, csv);
    expect(report.errors).toEqual([
      { line: 2, column: 'Area', field: 'area', message: 'Unknown area "Mars": use the name or id of a defined area.' },
      { line: 3, column: 'Organization', field: 'organization', message: 'The organization "Globex" belongs to area "Partner Extranet", not "Primary Area".' },
      {
        line: 4,
        column: 'Organization',
        field: 'organization',
        message: 'Unknown organization "Initech" in area "Primary Area": use the name or id of one of its partners, or leave it empty for the host company.',
      },
    ]);
  });

  it('rows without an area or organization cell take the areaId and organizationId options', async () => {
    const { seats } = await makeSite({ extranet: 10, partners });
    const csv = crlf('Username,Area,Organization', 'a1,,', 'a2,primary,', 'a3,primary,acme');
    expect((await importPeopleCsv(seats, csv, { areaId: 'extranet', organizationId: 'globex', mode: 'best-effort' })).errors).toEqual([
      { line: 3, column: 'Organization', field: 'organization', message: 'The organizationId option "globex" is not a partner of area "Primary Area"; fill in the Organization cell.' },
    ]);
    expect(await seats.findUserByUsername('a1')).toMatchObject({ areaId: 'extranet', organizationId: 'globex' });
    expect(await seats.findUserByUsername('a3')).toMatchObject({ areaId: 'primary', organizationId: 'acme' });
  });
});

describe('importPeopleCsv: seats', () => {
  const rows = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

  it('all-or-nothing writes nothing when seats are short, and says how many and the smallest purchase', async () => {
    const { seats } = await makeSite({ maxUsers: 10 });
    await seats.createUsers(rows(8, 'old').map((username) => ({ username, areaId: 'primary' })));
    const report = await importPeopleCsv(seats, crlf('Username', ...rows(5)), { areaId: 'primary' });
    expect(report).toMatchObject({ ok: false, written: false, created: 0, errors: [] });
    expect(report.refused.map((r) => [r.line, r.username, r.reason.code])).toEqual([
      [4, 'u3', 'LICENSE_LIMIT_REACHED'],
      [5, 'u4', 'LICENSE_LIMIT_REACHED'],
      [6, 'u5', 'LICENSE_LIMIT_REACHED'],
    ]);
    expect(report.shortages).toMatchObject([{ areaId: 'primary', needed: 5, short: 3, smallestPurchase: 5 }]);
    expect(report.message).toBe(
      'Nothing was imported. 3 rows refused. Primary Area is 3 seats short for 5 new active users. The smallest purchase that covers it is 5 seats (the minimum purchase); or block or delete profiles that are no longer needed.',
    );
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 8 });
  });

  it('all-or-nothing imports a file that fills the area exactly', async () => {
    const { seats } = await makeSite({ maxUsers: 10 });
    await seats.createUsers(rows(8, 'old').map((username) => ({ username, areaId: 'primary' })));
    expect(await importPeopleCsv(seats, crlf('Username', ...rows(2)), { areaId: 'primary' })).toMatchObject({ ok: true, created: 2, shortages: [] });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 10, status: 'exhausted' });
  });

  it('all-or-nothing with invalid rows still reports the seats short for the valid ones, without writing', async () => {
    const { seats } = await makeSite({ maxUsers: 1 });
    const report = await importPeopleCsv(seats, crlf('Username,Email', 'a,', 'b,bad', 'c,'), { areaId: 'primary' });
    expect(report).toMatchObject({ written: false, errors: [{ line: 3 }], refused: [{ line: 4, username: 'c' }], shortages: [{ short: 1, smallestPurchase: 5 }] });
    expect((await seats.summary()).totals.users).toBe(0);
  });

  it('best-effort creates rows in order until seats run out, and refuses the rest with reasons', async () => {
    const { seats } = await makeSite({ maxUsers: 3 });
    const report = await importPeopleCsv(seats, crlf('Username,Account state', 'a,Yes', 'b,Yes', 'c,No', 'd,Yes', 'e,Yes', 'f,No'), { areaId: 'primary', mode: 'best-effort' });
    expect(report.accepted.map((a) => a.user.username)).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(report.refused).toMatchObject([{ line: 6, username: 'e', reason: { code: 'LICENSE_LIMIT_REACHED', maxUsers: 3, using: 3 } }]);
    expect(report).toMatchObject({ written: true, created: 5, shortages: [{ short: 1 }] });
    expect((await seats.summary()).areas[0]).toMatchObject({ using: 3, blocked: 2 });
  });

  it('rows with account state No are created blocked by an admin and take no seat, even in a full area', async () => {
    const { seats } = await makeSite({ maxUsers: 0 });
    const report = await importPeopleCsv(seats, crlf('Username,Account state', 'a,No', 'b,blocked'), { areaId: 'primary' });
    expect(report).toMatchObject({ ok: true, created: 2 });
    expect(await seats.findUserByUsername('a')).toMatchObject({ state: 'blocked', blockReason: 'admin', blockedBy: 'csv import' });
  });

  it('an existing username is refused as USERNAME_TAKEN, and all-or-nothing then writes nothing', async () => {
    const { seats } = await makeSite();
    await seats.createUser({ username: 'Ann', areaId: 'primary' });
    const report = await importPeopleCsv(seats, crlf('Username', 'bob', 'ann'), { areaId: 'primary' });
    expect(report).toMatchObject({ ok: false, written: false, refused: [{ line: 3, username: 'ann', reason: { code: 'USERNAME_TAKEN' } }] });
    expect(await seats.findUserByUsername('bob')).toBeNull();
  });

  it('checks partner quotas and denied partners', async () => {
    const { seats } = await makeSite({
      maxUsers: 20,
      partners: [
        { id: 'acme', name: 'Acme', maxUsers: 1 },
        { id: 'gone', name: 'Gone', access: 'denied' },
      ],
    });
    const report = await importPeopleCsv(seats, crlf('Username,Organization', 'p1,Acme', 'p2,Acme', 'd1,Gone', 'h1,'), { areaId: 'primary', mode: 'best-effort' });
    expect(report.refused.map((r) => [r.username, r.reason.code])).toEqual([
      ['p2', 'PARTNER_QUOTA_REACHED'],
      ['d1', 'PARTNER_ACCESS_DENIED'],
    ]);
    expect(report.shortages).toMatchObject([{ short: 0, partnerQuotas: [{ organizationId: 'acme', short: 1 }] }]);
  });

  it('a dry run reports what would be imported and writes nothing', async () => {
    const { seats } = await makeSite({ maxUsers: 2 });
    const report = await importPeopleCsv(seats, crlf('Username', 'a', 'b', 'c'), { areaId: 'primary', dryRun: true, mode: 'best-effort' });
    expect(report).toMatchObject({ dryRun: true, written: false, created: 0, refused: [{ line: 4 }] });
    expect(report.accepted.map((a) => a.user.username)).toEqual(['a', 'b']);
    expect(report.message).toBe(
      'Dry run: 2 rows of 3 can be imported. 1 row refused. Primary Area is 1 seat short for 3 new active users. The smallest purchase that covers it is 5 seats (the minimum purchase); or block or delete profiles that are no longer needed.',
    );
    expect((await seats.summary()).totals.users).toBe(0);
  });
});
