import { describe, expect, it } from 'vitest';
import { peopleCsvRowSchema } from '../../src/csv/index.js';

describe('peopleCsvRowSchema', () => {
  it('reads account type and state ignoring case and padding, Yes / Active as active and No / Blocked as blocked', () => {
    expect(peopleCsvRowSchema.parse({ username: 'a', accountType: ' SYSTEM ', accountState: 'Blocked' })).toMatchObject({ accountType: 'system', accountState: 'blocked' });
    expect(peopleCsvRowSchema.parse({ username: 'a', accountState: 'YES' })).toMatchObject({ accountState: 'active' });
    expect(peopleCsvRowSchema.parse({ username: 'a', accountState: ' no' })).toMatchObject({ accountState: 'blocked' });
    expect(peopleCsvRowSchema.safeParse({ username: 'a', accountState: 'maybe' }).error?.issues).toMatchObject([{ path: ['accountState'], message: 'must be Yes (active) or No (blocked)' }]);
  });

  it('checks area and organization references by length only: they are matched to names or ids later', () => {
    expect(peopleCsvRowSchema.parse({ username: 'a', area: ' Primary Area ', organization: 'Acme, "Inc."' })).toMatchObject({ area: 'Primary Area', organization: 'Acme, "Inc."' });
    expect(peopleCsvRowSchema.safeParse({ username: 'a', area: 'x'.repeat(201) }).success).toBe(false);
  });
});
