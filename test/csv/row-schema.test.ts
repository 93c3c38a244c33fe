import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastPeopleCsvRow, peopleCsvRowSchema, type PeopleCsvCells } from '../../src/csv/row-schema.js';
import { emailLike, trickyText } from '../support/text-arbitraries.js';

/** Near misses of the words the account columns accept: prefixes, extensions, case and padding. */
const nearWords = fc
  .tuple(
    fc.constantFrom('yes', 'no', 'active', 'blocked', 'licensed', 'system', 'true', 'n', 'y'),
    fc.integer({ min: -1, max: 1 }),
    fc.boolean(),
    fc.constantFrom('', ' ', '\t'),
  )
  .map(([word, change, upper, pad]) => {
    const cut = change < 0 ? word.slice(0, -1) : change > 0 ? `${word}s` : word;
    return `${pad}${upper ? cut.toUpperCase() : cut}${pad}`;
  });

const absent = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Cells as the row reader hands them over: every imported column, any text or none. */
const anyCells: fc.Arbitrary<PeopleCsvCells> = fc.record({
  username: trickyText,
  displayName: absent(trickyText),
  email: absent(emailLike),
  externalId: absent(trickyText),
  area: absent(trickyText),
  areaId: absent(trickyText),
  organization: absent(trickyText),
  organizationId: absent(trickyText),
  accountType: absent(fc.oneof(trickyText, nearWords)),
  accountState: absent(fc.oneof(trickyText, nearWords)),
});

/** Cells of rows that are mostly valid, so the accepted branch is exercised often and one near miss decides. */
const likelyValidCells: fc.Arbitrary<PeopleCsvCells> = fc.record({
  username: fc.constantFrom('alice', ' Bob ', 'zoë', "O'Brien", 'x\u0001'),
  displayName: absent(fc.constantFrom('Alice', '  spaced  ', 'Doe, "J"', '\tTab\u0001', 'x'.repeat(501))),
  email: absent(fc.constantFrom('a@example.com', ' b.c@mail.example.org ', 'not-an-email')),
  externalId: absent(fc.constantFrom('ext-1', ' e2 ', 'e\u00013', 'x'.repeat(201))),
  area: absent(fc.constantFrom('Primary Area', ' primary ', 'Area\u0001', 'x'.repeat(201))),
  areaId: absent(fc.constantFrom('primary', 'pri\u0001mary', 'x'.repeat(201))),
  organization: absent(fc.constantFrom('Acme, "Inc."', ' acme', 'Acme\u0007', 'x'.repeat(201))),
  organizationId: absent(fc.constantFrom('acme', 'ac\u0001me', 'x'.repeat(201))),
  accountType: absent(fc.oneof(fc.constantFrom('Licensed', ' system ', 'LICENSED'), nearWords)),
  accountState: absent(fc.oneof(fc.constantFrom('Yes', ' no', 'Active', 'blocked'), nearWords)),
});

describe('fastPeopleCsvRow', () => {
  it('accepts exactly the rows peopleCsvRowSchema accepts, with the same output', () => {
    fc.assert(
      fc.property(fc.oneof(anyCells, likelyValidCells), (cells) => {
        const parsed = peopleCsvRowSchema.safeParse(cells);
        const fast = fastPeopleCsvRow(cells);
        if (parsed.success) expect(fast).toStrictEqual(parsed.data);
        else expect(fast).toBeUndefined();
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads account type and state as the schema does: ignoring case and padding', () => {
    const none = { displayName: undefined, email: undefined, externalId: undefined, area: undefined, areaId: undefined, organization: undefined, organizationId: undefined };
    expect(fastPeopleCsvRow({ username: 'a', ...none, accountType: ' SYSTEM ', accountState: 'Blocked' })).toMatchObject({ username: 'a', accountType: 'system', accountState: 'blocked' });
    expect(fastPeopleCsvRow({ username: 'a', ...none, accountType: undefined, accountState: 'YES' })).toMatchObject({ accountState: 'active' });
    expect(fastPeopleCsvRow({ username: 'a', ...none, accountType: undefined, accountState: 'maybe' })).toBeUndefined();
  });
});
