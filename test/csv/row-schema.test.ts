import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastPeopleCsvRow, peopleCsvRowSchema } from '../../src/csv/row-schema.js';
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

/** Cells as the row reader hands them over: any of the imported columns, any text. */
const anyCells = fc.record(
  {
    username: trickyText,
    displayName: trickyText,
    email: emailLike,
    externalId: trickyText,
    area: trickyText,
    areaId: trickyText,
    organization: trickyText,
    organizationId: trickyText,
    accountType: fc.oneof(trickyText, nearWords),
    accountState: fc.oneof(trickyText, nearWords),
  },
  { requiredKeys: [] },
);

/** Cells of rows that are mostly valid, so the accepted branch is exercised often and a near miss decides. */
const likelyValidCells = fc.record(
  {
    username: fc.constantFrom('alice', ' Bob ', 'zoë', "O'Brien"),
    displayName: fc.constantFrom('Alice', '  spaced  ', 'Doe, "J"'),
    email: fc.constantFrom('a@example.com', ' b.c@mail.example.org ', 'not-an-email'),
    externalId: fc.constantFrom('ext-1', ' e2 '),
    area: fc.constantFrom('Primary Area', ' primary '),
    areaId: fc.constantFrom('primary'),
    organization: fc.constantFrom('Acme, "Inc."', ' acme'),
    organizationId: fc.constantFrom('acme'),
    accountType: fc.oneof(fc.constantFrom('Licensed', ' system ', 'LICENSED'), nearWords),
    accountState: fc.oneof(fc.constantFrom('Yes', ' no', 'Active', 'blocked'), nearWords),
  },
  { requiredKeys: ['username'] },
);

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
    expect(fastPeopleCsvRow({ username: 'a', accountType: ' SYSTEM ', accountState: 'Blocked' })).toStrictEqual({ username: 'a', accountType: 'system', accountState: 'blocked' });
    expect(fastPeopleCsvRow({ username: 'a', accountState: 'YES' })).toStrictEqual({ username: 'a', accountState: 'active' });
    expect(fastPeopleCsvRow({ username: 'a', accountState: 'maybe' })).toBeUndefined();
  });
});
