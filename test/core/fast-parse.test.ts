import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { bulkUserInputSchema } from '../../src/core/bulk-schemas.js';
import { fastBulkUserInput, fastDisplayName, fastEmail, fastId, fastUsername } from '../../src/core/fast-parse.js';
import { displayNameSchema, emailSchema, idSchema, usernameSchema } from '../../src/core/schemas.js';
import { emailLike, trickyText } from '../support/text-arbitraries.js';

const anyValue = fc.oneof(trickyText, emailLike, fc.constant(null), fc.constant(undefined), fc.integer(), fc.boolean());

/** The twin agrees with its schema: it accepts exactly what the schema accepts, with exactly the same output. */
function expectTwin<S extends z.ZodType>(schema: S, twin: (value: unknown) => unknown, value: unknown): void {
  const parsed = schema.safeParse(value);
  const fast = twin(value);
  if (parsed.success) expect(fast).toStrictEqual(parsed.data);
  else expect(fast).toBeUndefined();
}

describe('hand-written twins of the text schemas', () => {
  it.each([
    ['usernameSchema', usernameSchema, fastUsername],
    ['idSchema', idSchema, fastId],
    ['emailSchema', emailSchema, fastEmail],
    ['displayNameSchema', displayNameSchema, fastDisplayName],
  ] as const)('%s and its twin accept the same values and give the same output', (_, schema, twin) => {
    fc.assert(fc.property(anyValue, (value) => expectTwin(schema, twin, value)), { numRuns: 2_000 });
  });

  it('agree at the exact length limits', () => {
    for (const [schema, twin, max] of [
      [idSchema, fastId, 200],
      [usernameSchema, fastUsername, 255],
      [displayNameSchema, fastDisplayName, 500],
    ] as const) {
      expect(twin('x'.repeat(max))).toBe('x'.repeat(max));
      expect(twin('x'.repeat(max + 1))).toBeUndefined();
      expect(schema.safeParse('x'.repeat(max + 1)).success).toBe(false);
    }
    expect(fastId(`  ${'x'.repeat(200)}  `)).toBe('x'.repeat(200));
  });
});

const entryValue = fc.record(
  {
    username: fc.oneof(trickyText, fc.constant('alice')),
    areaId: fc.oneof(trickyText, fc.constant('primary')),
    organizationId: fc.oneof(fc.constant(null), trickyText, fc.constant('acme')),
    email: fc.oneof(emailLike, fc.constant('a@example.com')),
    displayName: trickyText,
    externalId: trickyText,
    state: fc.oneof(fc.constantFrom('active', 'blocked', 'Active', 'sleeping'), fc.integer()),
    extra: fc.string(),
  },
  { requiredKeys: [] },
);

/** Entries whose fields, when present, are mostly valid, so the success branch is exercised often and one near miss decides. */
const likelyValidEntry = fc.record(
  {
    username: fc.constantFrom('alice', ' Bob ', 'zoë', 'a\u0001'),
    areaId: fc.constantFrom('primary', ' extranet', 'x'.repeat(201)),
    organizationId: fc.constantFrom(null, 'acme', undefined, 'ac\u0001me', 42),
    email: fc.constantFrom('a@example.com', ' b.c@mail.example.org ', undefined, 'a@b', null),
    displayName: fc.constantFrom('Alice', '  spaced  ', '', undefined, 'x'.repeat(501), null),
    externalId: fc.constantFrom('ext-1', ' e2 ', undefined, '', null),
    state: fc.constantFrom('active', 'blocked', undefined, 'Active', null),
  },
  { requiredKeys: ['username', 'areaId'] },
);

describe('fastBulkUserInput', () => {
  it('accepts exactly the plain-object entries bulkUserInputSchema accepts, with the same output', () => {
    fc.assert(
      fc.property(fc.oneof(entryValue, likelyValidEntry), (entry) => expectTwin(bulkUserInputSchema, fastBulkUserInput, entry)),
      { numRuns: 3_000 },
    );
  });

  it('keeps an optional key given as undefined, as zod does, and leaves absent keys absent', () => {
    const entry = fastBulkUserInput({ username: 'alice', areaId: 'primary', email: undefined });
    expect(entry).toStrictEqual(bulkUserInputSchema.parse({ username: 'alice', areaId: 'primary', email: undefined }));
    expect(Object.keys(entry ?? {})).toEqual(['username', 'areaId', 'email']);
  });

  it('accepts frozen entries alike, and uses one already in parsed form as it is instead of copying it', () => {
    fc.assert(
      fc.property(fc.oneof(entryValue, likelyValidEntry), (entry) => expectTwin(bulkUserInputSchema, fastBulkUserInput, Object.freeze({ ...entry }))),
      { numRuns: 1_000 },
    );
    const parsed = Object.freeze({ username: 'alice', areaId: 'primary', email: 'a@example.com', state: 'active' as const });
    expect(fastBulkUserInput(parsed)).toBe(parsed);
    const padded = Object.freeze({ username: ' alice ', areaId: 'primary' });
    expect(fastBulkUserInput(padded)).toStrictEqual({ username: 'alice', areaId: 'primary' });
    const open = { username: 'alice', areaId: 'primary' };
    expect(fastBulkUserInput(open)).not.toBe(open);
  });

  it('leaves to the schema whatever is not a plain object, and any unknown key', () => {
    class Entry {
      username = 'alice';
      areaId = 'primary';
    }
    for (const value of [new Entry(), Object.create({ username: 'alice', areaId: 'primary' }), ['alice'], 'alice', null, { username: 'alice', areaId: 'primary', role: 'admin' }]) {
      expect(fastBulkUserInput(value)).toBeUndefined();
    }
  });
});
