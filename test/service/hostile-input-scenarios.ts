import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPeopleCsv, importPeopleCsv, PEOPLE_COLUMN_KEYS } from '../../src/csv/index.js';
import { idSchema, usernameKey } from '../../src/core/schemas.js';
import { usernameProblem } from '../../src/core/username.js';
import {
  createSeatkeeper,
  createUserInputSchema,
  emailSchema,
  blockUserOptionsSchema,
  InvalidInputError,
  SeatkeeperError,
  UnknownOrganizationError,
  usernameSchema,
  type DirectoryEntryInput,
  type Seatkeeper,
  type SeatRepository,
  type User,
} from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { collect } from '../support/site.js';

/** A fresh, empty repository and how to dispose of it. */
export interface HostileInputFixture {
  readonly repository: SeatRepository;
  readonly dispose: () => Promise<void>;
}

/**
 * Strings that break naive validation or a store: invisible and reordering
 * code points, control characters, malformed UTF-16, look-alikes, other
 * normalization forms, lengths over every limit, spreadsheet formula starters
 * and emoji. Each is tried in every text field.
 */
export const HOSTILE_STRINGS: readonly (readonly [label: string, text: string])[] = [
  ['zero-width space', 'ad\u200bmin'],
  ['trailing zero-width space', 'admin\u200b'],
  ['soft hyphen', 'ad\u00admin'],
  ['word joiner', 'ad\u2060min'],
  ['variation selector', 'admin\ufe0f'],
  ['zero-width space alone', '\u200b'],
  ['byte order mark', '\ufeffadmin'],
  ['right-to-left override', 'ab\u202ecd'],
  ['left-to-right mark', 'ab\u200ecd'],
  ['NUL', 'a\u0000b'],
  ['BEL', 'a\u0007b'],
  ['tab', 'a\tb'],
  ['line feed', 'a\nb'],
  ['carriage return', 'a\rb'],
  ['DEL', 'a\u007fb'],
  ['C1 next line', 'a\u0085b'],
  ['C1 CSI', 'a\u009bb'],
  ['lone high surrogate', 'x\ud800'],
  ['another lone high surrogate', 'x\udbff'],
  ['lone low surrogate', '\udc00x'],
  ['Cyrillic а among Latin', '\u0430dmin'],
  ['Greek ο among Latin', '\u03bfpen'],
  ['all Cyrillic', '\u0430\u0434\u043c\u0438\u043d'],
  ['NFD é', 'e\u0301mile'],
  ['NFC é', '\u00e9mile'],
  ['sharp s', 'straße'],
  ['SS', 'STRASSE'],
  ['full-width letters', '\uff41\uff44\uff4d\uff49\uff4e'],
  ['private use', 'x\ue000'],
  ['unassigned', 'x\u0378'],
  ['201 characters', 'x'.repeat(201)],
  ['256 characters', 'y'.repeat(256)],
  ['501 characters', 'z'.repeat(501)],
  ['2001 characters', 'w'.repeat(2001)],
  ['formula =', '=1+1'],
  ['formula +', '+1'],
  ['formula -', '-1'],
  ['formula @', '@SUM(A1)'],
  ['formula after spaces', '  =HYPERLINK("http://x")'],
  ['full-width formula ＝', '\uff1d1+1'],
  ['small-form formula ﹣', '\ufe631'],
  ['apostrophe and formula', "'=x"],
  ['emoji', '\u{1f600}cool'],
  ['emoji ZWJ sequence', '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}'],
  ['CSV quoting', 'a,"b";c|d'],
  ['spaces only', '   '],
  ['padded', '  bob  '],
];

/** What a call came to: a value, a refusal value, or a typed error. */
type Outcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'invalid'; readonly error: InvalidInputError }
  | { readonly kind: 'other'; readonly error: SeatkeeperError };

/**
 * Runs a call and says how it ended. Any throw but an `InvalidInputError` (or
 * another typed error the caller expects) fails the test: no untyped error, no
 * storage error, no conflict escaping as a throw.
 */
async function attempt<T>(what: string, call: () => Promise<T>, expected: readonly (abstract new (...args: never[]) => SeatkeeperError)[] = []): Promise<Outcome<T>> {
  try {
    const value = await call();
    const result = value as { ok?: unknown; reason?: { code?: unknown } };
    if (typeof result === 'object' && result !== null && result.ok === false && typeof result.reason?.code === 'string') return { kind: 'refused', code: result.reason.code };
    return { kind: 'ok', value };
  } catch (error) {
    expect(error, `${what}: only typed errors`).toBeInstanceOf(SeatkeeperError);
    if (expected.some((type) => error instanceof type)) return { kind: 'other', error: error as SeatkeeperError };
    expect(error, `${what}: ${(error as Error).message}`).toBeInstanceOf(InvalidInputError);
    return { kind: 'invalid', error: error as InvalidInputError };
  }
}

/** The users of a site, by id. */
async function everyone(seats: Seatkeeper): Promise<User[]> {
  const users: User[] = [];
  for await (const user of seats.listUsers()) users.push(user);
  return users;
}

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;

/** What must hold of every site after any of this: no two users of one name, no name that could pass for another, no text a store would change. */
async function expectSound(seats: Seatkeeper): Promise<void> {
  const users = await everyone(seats);
  expect(new Set(users.map((u) => usernameKey(u.username))).size, 'no two stored users have the same canonical name').toBe(users.length);
  for (const user of users) {
    expect(usernameSchema.safeParse(user.username).success, user.username).toBe(true);
    expect(usernameProblem(user.username), `"${user.username}" could pass for another`).toBeNull();
    for (const text of [user.username, user.displayName, user.email, user.externalId, user.blockedBy]) {
      if (text === null) continue;
      expect(LONE_SURROGATE.test(text), JSON.stringify(text)).toBe(false);
      expect(CONTROL.test(text), JSON.stringify(text)).toBe(false);
    }
  }
}

/**
 * A corpus of hostile strings goes through every write on any repository: in
 * memory (hostile-input.test.ts) and on PostgreSQL (hostile-input-postgres.test.ts).
 * Nothing ends in an untyped or storage error; what is accepted is stored
 * exactly; no two users share a name; a dry run accepts exactly what the write
 * accepts; an export re-imports without changing a value.
 */
export function describeHostileInputScenarios(name: string, makeRepository: () => Promise<HostileInputFixture>): void {
  describe(`hostile input on ${name}`, () => {
    const fixtures: HostileInputFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    async function site(): Promise<Seatkeeper> {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const seats = createSeatkeeper({ repository: fixture.repository, clock: fixedClock('2026-03-01T09:00:00Z') });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10_000 });
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 1_000 });
      return seats;
    }

    it('createUser: every hostile string in every field is stored exactly as validated, or refused with a typed error or a refusal value; the exported schema accepts exactly what createUser does', async () => {
      const seats = await site();
      let n = 0;
      for (const [label, text] of HOSTILE_STRINGS) {
        const inputs = [
          { username: text, areaId: 'primary' },
          { username: `u${++n}`, areaId: 'primary', displayName: text },
          { username: `u${++n}`, areaId: 'primary', email: `${text}@example.com` },
          { username: `u${++n}`, areaId: 'primary', email: text },
          { username: `u${++n}`, areaId: 'primary', externalId: text },
          { username: `u${++n}`, areaId: 'primary', organizationId: text },
        ];
        for (const input of inputs) {
          const what = `${label}: createUser(${JSON.stringify(input)})`;
          const outcome = await attempt(what, () => seats.createUser(input), [UnknownOrganizationError]);
          const parsed = createUserInputSchema.safeParse(input);
          // A well-formed organization id that is not defined is the one other typed error.
          if (input.organizationId !== undefined && parsed.success) {
            expect(outcome.kind, what).toBe('other');
            continue;
          }
          expect(outcome.kind === 'invalid', `${what}: the schema hosts validate forms with agrees`).toBe(!parsed.success);
          if (outcome.kind === 'refused') {
            expect(['USERNAME_NOT_ALLOWED', 'USERNAME_TAKEN'], what).toContain(outcome.code);
            if (outcome.code === 'USERNAME_NOT_ALLOWED') expect(usernameProblem(parsed.data?.username ?? ''), what).not.toBeNull();
          }
          if (outcome.kind === 'ok' && parsed.success) {
            const created = (outcome.value as { user: User }).user;
            const stored = await seats.getUser(created.id);
            expect(stored, `${what}: stored as validated`).toMatchObject({
              username: parsed.data.username,
              displayName: parsed.data.displayName ?? null,
              email: parsed.data.email ?? null,
              externalId: parsed.data.externalId ?? null,
            });
            expect(stored, what).toEqual(created);
          }
        }
      }
      await expectSound(seats);
    });

    it('updateUser and blockUser: a hostile new value is stored as validated or refused; a refused rename changes nothing', async () => {
      const seats = await site();
      const alice = await seats.createUser({ username: 'alice', areaId: 'primary', displayName: 'Alice', email: 'alice@example.com' });
      const bob = await seats.createUser({ username: 'bob', areaId: 'primary' });
      if (!alice.ok || !bob.ok) throw new Error('setup');
      for (const [label, text] of HOSTILE_STRINGS) {
        for (const changes of [{ username: text }, { displayName: text }, { email: `${text}@example.com` }, { externalId: text }]) {
          const what = `${label}: updateUser(${JSON.stringify(changes)})`;
          const before = await seats.getUser(bob.user.id);
          const outcome = await attempt(what, () => seats.updateUser(bob.user.id, changes));
          if (outcome.kind === 'ok') {
            const updated = (outcome.value as { user: User }).user;
            expect(await seats.getUser(bob.user.id), what).toEqual(updated);
            // Put bob back, so every string is tried against the same profile.
            await seats.updateUser(bob.user.id, { username: 'bob', displayName: null, email: null, externalId: null });
          } else {
            expect(await seats.getUser(bob.user.id), `${what}: nothing changed`).toEqual(before);
          }
        }
        const block = await attempt(`${label}: blockUser`, () => seats.blockUser(alice.user.id, { blockedBy: text }));
        const options = blockUserOptionsSchema.safeParse({ blockedBy: text });
        expect(block.kind === 'invalid', label).toBe(!options.success);
        if (block.kind === 'ok') {
          expect((await seats.getUser(alice.user.id))?.blockedBy, label).toBe(options.data?.blockedBy);
          await seats.reinstateUser(alice.user.id);
        }
      }
      await expectSound(seats);
    });

    it('areas and organizations: a hostile name is stored as validated or refused with a typed error', async () => {
      const seats = await site();
      let n = 0;
      for (const [label, text] of HOSTILE_STRINGS) {
        const areaId = `area-${++n}`;
        const area = await attempt(`${label}: defineArea`, () => seats.defineArea({ id: areaId, kind: 'extranet', name: text, maxUsers: 1 }));
        if (area.kind === 'ok') expect((await seats.summary()).areas.find((a) => a.areaId === areaId)?.name, label).toBe(text.trim());
        const organization = await attempt(`${label}: defineOrganization`, () =>
          seats.defineOrganization({ id: `org-${n}`, areaId: 'primary', name: text, access: 'granted', maxUsers: null }),
        );
        if (organization.kind === 'ok') expect((organization.value as { name: string }).name, label).toBe(text.trim());
        const id = await attempt(`${label}: defineArea id`, () => seats.defineArea({ id: text, kind: 'extranet', name: 'X', maxUsers: 1 }));
        if (id.kind === 'ok') expect((id.value as { id: string }).id, label).toBe(text.trim());
        expect(id.kind === 'invalid', label).toBe(!idSchema.safeParse(text).success);
      }
    });

    it('directory sync: the plan (the dry run) accepts exactly the entries the sync writes, and no two users end up with one name', async () => {
      const seats = await site();
      await seats.createUser({ username: 'straße', areaId: 'primary' });
      const feed: DirectoryEntryInput[] = HOSTILE_STRINGS.flatMap(([, text], i) => [
        { externalId: `ext-u${i}`, username: text, areaId: 'primary' },
        { externalId: `ext-d${i}`, username: `dir-d${i}`, displayName: text, email: `d${i}@example.com`, areaId: 'primary' },
        { externalId: `ext-e${i}`, username: `dir-e${i}`, email: `${text}@example.com`, areaId: 'primary' },
        { externalId: text, username: `dir-x${i}`, areaId: 'primary' },
      ]);
      const plan = await attempt('planDirectorySync', () => seats.planDirectorySync(feed, { force: true }));
      expect(plan.kind).toBe('ok');
      if (plan.kind !== 'ok') return;
      const report = await attempt('syncDirectory', () => seats.syncDirectory(feed, { force: true }));
      expect(report.kind).toBe('ok');
      if (report.kind !== 'ok') return;
      expect(report.value.invalid.map((e) => e.index)).toEqual(plan.value.invalid.map((e) => e.index));
      expect(report.value.lines.map((l) => [l.index, l.action])).toEqual(plan.value.lines.map((l) => [l.index, l.action]));
      expect(report.value.skipped).toEqual([]);
      for (const line of report.value.lines) {
        expect(await seats.getUser(line.user.id), `${line.username}: stored as validated`).toEqual(line.user);
      }
      // Names that could pass for another are refused, not created beside the names they imitate.
      for (const [, text] of HOSTILE_STRINGS) {
        const parsed = usernameSchema.safeParse(text);
        if (parsed.success && usernameProblem(parsed.data) !== null) expect(report.value.lines.some((l) => l.username === parsed.data), text).toBe(false);
      }
      expect(report.value.invalid.find((e) => e.username === '\u0430dmin')?.issues.map((i) => i.code)).toEqual(['username_not_allowed']);
      expect((await seats.findUserByUsername('STRASSE'))?.source).toBe('manual');
      await expectSound(seats);
      // The same feed again changes nothing.
      const again = await seats.syncDirectory(feed, { force: true });
      expect(again.lines.every((l) => l.action === 'unchanged')).toBe(true);
    });

    it('CSV import: the dry run accepts exactly the rows the import writes; export then import changes no value', async () => {
      const seats = await site();
      const header = ['Username', 'Display name', 'Email', 'External id', 'Area', 'Organization', 'Account state'];
      const rows = HOSTILE_STRINGS.flatMap(([, text], i) => [
        [text, '', '', '', 'primary', '', 'Yes'],
        [`csv-d${i}`, text, `${i}@example.com`, `csv-x${i}`, 'Primary Area', 'Acme', 'No'],
        [`csv-e${i}`, '', `${text}@example.com`, '', 'primary', '', 'Yes'],
        [`csv-x${i}`, '', '', text, 'primary', '', 'Yes'],
        [`csv-a${i}`, '', '', '', text, '', 'Yes'],
        [`csv-o${i}`, '', '', '', 'primary', text, 'Yes'],
      ]);
      // Cells are written as a spreadsheet would (Papa.unparse quotes what needs quoting); formula starters are left as typed.
      const csv = Papa.unparse([header, ...rows], { newline: '\r\n' });
      const dry = await attempt('dry run', () => importPeopleCsv(seats, csv, { mode: 'best-effort', dryRun: true, maxErrors: 10_000 }));
      const real = await attempt('import', () => importPeopleCsv(seats, csv, { mode: 'best-effort', maxErrors: 10_000 }));
      expect(dry.kind).toBe('ok');
      expect(real.kind).toBe('ok');
      if (dry.kind !== 'ok' || real.kind !== 'ok') return;
      expect(real.value.fileProblem).toBeNull();
      expect(real.value.errors.map((e) => [e.line, e.field])).toEqual(dry.value.errors.map((e) => [e.line, e.field]));
      expect(real.value.refused.map((r) => [r.line, r.reason.code])).toEqual(dry.value.refused.map((r) => [r.line, r.reason.code]));
      expect(real.value.accepted.map((a) => a.line)).toEqual(dry.value.accepted.map((a) => a.line));
      expect(real.value.created).toBe(real.value.accepted.length);
      for (const { user } of real.value.accepted) expect(await seats.getUser(user.id)).toEqual(user);
      await expectSound(seats);

      // Add what createUser and a directory sync accept, then export and re-import everything.
      for (const [label, text] of HOSTILE_STRINGS) {
        await attempt(label, () => seats.createUser({ username: `m-${text.slice(0, 50)}`, areaId: 'primary', displayName: text }));
      }
      await seats.syncDirectory(HOSTILE_STRINGS.map(([, text], i) => ({ externalId: `sync-${i}`, username: text, displayName: text, areaId: 'primary' })), { force: true });
      const exported = await collect(exportPeopleCsv(seats, { columns: [...PEOPLE_COLUMN_KEYS] }));
      const target = await site();
      const reimport = await importPeopleCsv(target, exported, { maxErrors: 10_000 });
      expect(reimport).toMatchObject({ ok: true, errors: [], refused: [], fileProblem: null });
      const profile = (u: User) => [u.username, u.displayName, u.email, u.externalId, u.areaId, u.organizationId, u.state];
      expect((await everyone(target)).map(profile)).toEqual((await everyone(seats)).map(profile));
      await expectSound(target);
    });

    it('email: the RFC 5321 limits, 254 characters and 64 before the @, are refused as input, never by the store', async () => {
      const seats = await site();
      const local64 = 'a'.repeat(64);
      const long = `${'b'.repeat(60)}@${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(63)}.com`;
      expect((await seats.createUser({ username: 'ok', areaId: 'primary', email: `${local64}@example.com` })).ok).toBe(true);
      for (const email of [`a${local64}@example.com`, long]) {
        expect(emailSchema.safeParse(email).success).toBe(false);
        expect((await attempt(email, () => seats.createUser({ username: 'no', areaId: 'primary', email }))).kind).toBe('invalid');
      }
    });
  });
}
