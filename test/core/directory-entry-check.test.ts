import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDirectoryEntry } from '../../src/core/directory-entry-check.js';
import { directoryEntrySchema, parseDirectoryFeed } from '../../src/core/directory-entry.js';

/** Strings at and around every bound of the entry's fields. */
const TEXT_VALUES = [
  'a',
  'alice',
  '  padded  ',
  '',
  '   ',
  'x'.repeat(200),
  'x'.repeat(201),
  ` ${'x'.repeat(200)} `,
  'x'.repeat(255),
  'x'.repeat(256),
  'x'.repeat(500),
  'x'.repeat(501),
  'tab\tinside',
  'bell\u0007',
  'del\u007f',
  '\u001f',
  'nul\u0000inside',
  'a\u001fb',
  'a\u0080b',
  'a b',
  'ünïcødé',
  'alice@example.com',
  ' alice@example.com ',
  "o'neil+tag@mail.example.co",
  'a.b@x.io',
  'not-an-email',
  'a@b',
  '@example.com',
  'alice@example.com\n',
];
const text = fc.constantFrom(...TEXT_VALUES);
const value = fc.oneof({ weight: 6, arbitrary: text }, fc.constantFrom(null, undefined, 0, 1, true, false, {}, [], 'true'));
const rawEntry = fc.record(
  {
    externalId: value,
    username: value,
    email: value,
    displayName: value,
    areaId: value,
    organizationId: value,
    enabled: fc.oneof(fc.boolean(), value),
    enable: fc.boolean(),
  },
  { requiredKeys: [] },
);
/** Mostly plausible entries (required keys present, no typo'd key), some arbitrary. */
const entry = fc.oneof(
  rawEntry.map(({ enable: _typo, ...rest }) => rest),
  fc.record({ externalId: text, username: text, areaId: text }).chain((keys) => rawEntry.map(({ enable: _typo, ...rest }) => ({ ...rest, ...keys }))),
  rawEntry,
);

describe('checkDirectoryEntry', () => {
  it('accepts exactly the plain entries the schema accepts, and returns what the schema returns, keys in the same order', () => {
    fc.assert(
      fc.property(entry, (raw) => {
        const parsed = directoryEntrySchema.safeParse(raw);
        const checked = checkDirectoryEntry(raw);
        expect(checked !== null).toBe(parsed.success);
        if (checked !== null && parsed.success) {
          expect(checked).toStrictEqual(parsed.data);
          expect(Object.keys(checked)).toEqual(Object.keys(parsed.data));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the schema at every bound of every field, one field varied at a time', () => {
    const base = { externalId: 'e1', username: 'ann', email: 'ann@example.com', displayName: 'Ann', areaId: 'primary', organizationId: 'acme', enabled: true };
    const samples = [...TEXT_VALUES, null, undefined, 0, 1, true, false, {}, [], 'true'];
    for (const field of Object.keys(base) as (keyof typeof base)[]) {
      for (const sample of samples) {
        const raw = { ...base, [field]: sample };
        const parsed = directoryEntrySchema.safeParse(raw);
        const checked = checkDirectoryEntry(raw);
        expect({ field, sample, accepted: checked !== null }).toEqual({ field, sample, accepted: parsed.success });
        if (parsed.success) expect(checked).toStrictEqual(parsed.data);
      }
      const { [field]: _omitted, ...without } = base;
      expect(checkDirectoryEntry(without) !== null).toBe(directoryEntrySchema.safeParse(without).success);
    }
  });

  it('trims ids, usernames and emails, keeps display names as given, and defaults enabled to true', () => {
    expect(checkDirectoryEntry({ externalId: ' e1 ', username: ' Ann ', email: ' ann@example.com ', displayName: ' Ann B. ', areaId: ' primary ' })).toStrictEqual({
      externalId: 'e1',
      username: 'Ann',
      email: 'ann@example.com',
      displayName: ' Ann B. ',
      areaId: 'primary',
      enabled: true,
    });
  });

  it('keeps an explicit undefined or null of an optional field, as the schema does', () => {
    const checked = checkDirectoryEntry({ externalId: 'e1', username: 'ann', email: undefined, displayName: null, areaId: 'primary', organizationId: null, enabled: undefined });
    expect(checked).toStrictEqual({ externalId: 'e1', username: 'ann', email: undefined, displayName: null, areaId: 'primary', organizationId: null, enabled: true });
    expect(Object.keys(checked ?? {})).toEqual(['externalId', 'username', 'email', 'displayName', 'areaId', 'organizationId', 'enabled']);
  });

  it('leaves to the schema anything that is not a plain object', () => {
    class Account {
      externalId = 'e1';
      username = 'ann';
      areaId = 'primary';
    }
    for (const raw of [null, undefined, 'ann', 1, [], new Account(), new Date(0)]) expect(checkDirectoryEntry(raw)).toBeNull();
    expect(checkDirectoryEntry(Object.assign(Object.create(null) as object, { externalId: 'e1', username: 'ann', areaId: 'primary' }))).toStrictEqual({
      externalId: 'e1',
      username: 'ann',
      areaId: 'primary',
      enabled: true,
    });
  });

  it('knows every field of the schema, so a new field cannot pass unchecked nor send every entry to zod', () => {
    const full = { externalId: 'e1', username: 'ann', email: 'ann@example.com', displayName: 'Ann', areaId: 'primary', organizationId: 'acme', enabled: false };
    expect(Object.keys(full).sort()).toEqual(Object.keys(directoryEntrySchema.shape).sort());
    expect(checkDirectoryEntry(full)).toStrictEqual(directoryEntrySchema.parse(full));
  });
});

describe('parseDirectoryFeed with the fast check', () => {
  it('an entry the fast check leaves to the schema is still valid when the schema accepts it', () => {
    class Account {
      externalId = 'e1';
      username = 'ann';
      areaId = 'primary';
    }
    const { valid, invalid } = parseDirectoryFeed([new Account()]);
    expect(invalid).toEqual([]);
    expect(valid).toEqual([{ index: 0, entry: { externalId: 'e1', username: 'ann', areaId: 'primary', enabled: true } }]);
  });

  it('reads a hole in a sparse feed as an invalid entry, like any undefined entry', () => {
    const feed: unknown[] = [];
    feed[1] = { externalId: 'e1', username: 'ann', areaId: 'primary' };
    const { valid, invalid } = parseDirectoryFeed(feed);
    expect(valid.map((v) => v.index)).toEqual([1]);
    expect(invalid.map((i) => [i.index, i.issues[0]?.code])).toEqual([[0, 'invalid_type']]);
  });

  it('counts every occurrence of a repeated key, valid entries or not', () => {
    const { invalid } = parseDirectoryFeed([
      { externalId: 'e1', username: 'ann', areaId: 'primary' },
      { externalId: 'e1', username: 'bob', areaId: 'primary', email: 'bad' },
      { externalId: ' e1 ', username: 'cy', areaId: 'primary' },
    ]);
    expect(invalid.map((i) => i.issues.map((x) => x.message))).toEqual([
      ['external id "e1" appears 3 times in the feed; every occurrence is left out'],
      [expect.stringContaining('email') as unknown as string, 'external id "e1" appears 3 times in the feed; every occurrence is left out'],
      ['external id "e1" appears 3 times in the feed; every occurrence is left out'],
    ]);
  });
});
