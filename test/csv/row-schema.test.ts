import { describe, expect, it } from 'vitest';
import { peopleCsvRowSchema } from '../../src/csv/index.js';

describe('peopleCsvRowSchema', () => {
  it('reads account type and state ignoring case and padding, Yes / Active as active and No / Blocked as blocked', () => {
    expect(peopleCsvRowSchema.parse({ username: 'a', accountType: ' SYSTEM ', accountState: 'Blocked' })).toMatchObject({ accountType: 'system', accountState: 'blocked' });
    expect(peopleCsvRowSchema.parse({ username: 'a', accountState: 'YES' })).toMatchObject({ accountState: 'active' });
    expect(peopleCsvRowSchema.parse({ username: 'a', accountState: ' no' })).toMatchObject({ accountState: 'blocked' });
    expect(peopleCsvRowSchema.safeParse({ username: 'a', accountState: 'maybe' }).error?.issues).toMatchObject([{ path: ['accountState'], message: 'must be Yes (active) or No (blocked)' }]);
  });

  it('checks area and organization references by the text rules only: they are matched to names or ids later', () => {
    expect(peopleCsvRowSchema.parse({ username: 'a', area: ' Primary Area ', organization: 'Acme, "Inc."' })).toMatchObject({ area: 'Primary Area', organization: 'Acme, "Inc."' });
    expect(peopleCsvRowSchema.safeParse({ username: 'a', area: 'x'.repeat(201) }).success).toBe(false);
  });

  it('holds every text cell to the rules of stored text: no control characters, no lone surrogates, one length-message style', () => {
    for (const field of ['username', 'displayName', 'email', 'externalId', 'area', 'areaId', 'organization', 'organizationId'] as const) {
      for (const [text, message] of [
        ['a\u0000b', 'must not contain control characters (NUL, line breaks, tabs...)'],
        ['a\u0085b', 'must not contain control characters (NUL, line breaks, tabs...)'],
        ['x\ud800', 'must be well-formed Unicode text (it contains a lone surrogate)'],
      ]) {
        const row = { username: 'a', [field]: field === 'email' ? `${text}@example.com` : text };
        const issues = peopleCsvRowSchema.safeParse(row).error?.issues ?? [];
        expect(issues.map((i) => i.path[0]), `${field}: ${JSON.stringify(text)}`).toEqual([field]);
        if (field !== 'email') expect(issues[0]?.message).toBe(message);
      }
    }
    expect(peopleCsvRowSchema.safeParse({ username: 'a', organization: 'o'.repeat(201) }).error?.issues[0]?.message).toBe('must be at most 200 characters');
  });
});
