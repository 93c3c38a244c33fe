import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportPeopleCsv, importPeopleCsv, toReadableStream, type PeopleColumnKey } from '../../src/csv/index.js';
import { emailSchema, type BulkUserInput, type Seatkeeper } from '../../src/index.js';
import { displayNameSchema, idSchema, usernameKey, usernameSchema } from '../../src/core/schemas.js';
import { usernameProblem } from '../../src/core/username.js';
import { collect, makeSite } from '../support/site.js';

const partners = [
  { id: 'acme', areaId: 'primary', name: 'Acme, "Inc."', maxUsers: 50 },
  { id: 'globex', areaId: 'extranet', name: '=Globex' },
];

/**
 * Text full of what breaks naive CSV: delimiters, quotes, formula triggers (and
 * their full-width look-alikes), apostrophes, any unicode. Stored text holds no
 * control characters (line breaks, tabs), so only text the schemas accept is
 * kept: the round trip is about every value that can be stored.
 */
const tricky = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(fc.constantFrom(',', ';', '"', '|', ' ', "'", '=', '+', '-', '@', '\uFF1D', '\uFE63', 'a', 'Z', 'é', 'e\u0301', '日', '🎉', '\u00a0', '\u200b'), { maxLength: 10 })
    .map((parts) => parts.join('')),
);

const accepted = (schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }) => (s: string) => {
  const result = schema.safeParse(s);
  return result.success && result.data === s;
};

/** Usernames createUser accepts: valid text, already trimmed, that could not pass for another name. */
const username = tricky.map((s) => s.trim()).filter((s) => accepted(usernameSchema)(s) && usernameProblem(s) === null);

const email = fc
  .tuple(
    fc.array(fc.constantFrom('a', 'b', 'Z', '0', '_', "'", '+', '-', '.'), { minLength: 1, maxLength: 8 }).map((c) => c.join('')),
    fc.constantFrom('example.com', 'mail.example.org'),
  )
  .map(([local, domain]) => `${local}@${domain}`)
  .filter((e) => emailSchema.safeParse(e).success);

const place = fc.constantFrom(
  { areaId: 'primary', organizationId: null },
  { areaId: 'primary', organizationId: 'acme' },
  { areaId: 'extranet', organizationId: null },
  { areaId: 'extranet', organizationId: 'globex' },
);

const user = fc.record({
  username,
  // A blank display name is stored as none, on both sides of the round trip.
  displayName: fc.option(tricky.filter((s) => s.length > 0 && displayNameSchema.safeParse(s).success), { nil: undefined }),
  email: fc.option(email, { nil: undefined }),
  externalId: fc.option(tricky.map((s) => s.trim()).filter(accepted(idSchema)), { nil: undefined }),
  place,
  state: fc.constantFrom('active' as const, 'blocked' as const),
});

const people = fc.uniqueArray(user, { maxLength: 25, selector: (u) => usernameKey(u.username) }).map((users) => {
  const seen = new Set<string>();
  // External ids are unique too: drop repeats rather than discard the whole case.
  return users.map((u) => {
    if (u.externalId === undefined || !seen.has(u.externalId)) {
      if (u.externalId !== undefined) seen.add(u.externalId);
      return u;
    }
    return { ...u, externalId: undefined };
  });
});

async function profiles(seats: Seatkeeper) {
  const list = [];
  for await (const u of seats.listUsers()) {
    list.push({
      username: u.username,
      displayName: u.displayName,
      email: u.email,
      externalId: u.externalId,
      areaId: u.areaId,
      organizationId: u.organizationId,
      kind: u.kind,
      state: u.state,
      blockReason: u.blockReason,
    });
  }
  return list;
}

/** How the file is written, and whether it is uploaded as a byte stream or as one string. */
const format = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|') as fc.Arbitrary<',' | ';' | '\t' | '|'>,
  newline: fc.constantFrom('\r\n', '\n') as fc.Arbitrary<'\r\n' | '\n'>,
  bom: fc.boolean(),
  streamed: fc.boolean(),
  /** With the Area id and Organization id columns, or with names only. */
  ids: fc.boolean(),
});

const named: PeopleColumnKey[] = ['username', 'displayName', 'email', 'area', 'organization', 'accountType', 'accountState', 'blockReason', 'source', 'created', 'externalId'];
const withIds: PeopleColumnKey[] = [...named, 'areaId', 'organizationId'];

describe('People CSV round trip', () => {
  it('export then import into an empty site gives back the same users', async () => {
    await fc.assert(
      fc.asyncProperty(people, format, async (users, { delimiter, newline, bom, streamed, ids }) => {
        const source = await makeSite({ maxUsers: 100, extranet: 100, partners });
        const entries: BulkUserInput[] = users.map((u) => ({
          username: u.username,
          areaId: u.place.areaId,
          organizationId: u.place.organizationId,
          state: u.state,
          ...(u.displayName === undefined ? {} : { displayName: u.displayName }),
          ...(u.email === undefined ? {} : { email: u.email }),
          ...(u.externalId === undefined ? {} : { externalId: u.externalId }),
        }));
        expect((await source.seats.createUsers(entries)).written).toBe(users.length > 0);

        const target = await makeSite({ maxUsers: 100, extranet: 100, partners });
        const exported = exportPeopleCsv(source.seats, { columns: ids ? withIds : named, delimiter, newline, bom, rowsPerChunk: 7 });
        const upload = streamed ? toReadableStream(exported) : await collect(exported);
        const report = await importPeopleCsv(target.seats, upload, { delimiter });
        expect(report.errors).toEqual([]);
        // An export of nobody is a header alone, which the import reports as an empty file.
        if (users.length === 0) expect(report).toMatchObject({ ok: false, rows: 0, created: 0, fileProblem: { code: 'EMPTY_FILE' } });
        else expect(report).toMatchObject({ ok: true, rows: users.length, created: users.length, fileProblem: null });
        expect(await profiles(target.seats)).toEqual(await profiles(source.seats));
      }),
      { numRuns: 60 },
    );
  });
});
