import { describe, expect, it } from 'vitest';
import { AreaCounter } from '../../../src/adapters/memory/seat-counter.js';
import type { User } from '../../../src/index.js';
import { blocked, expectedCounts, normalizeCounts, user } from '../../../src/testing/fixtures.js';

function counter(users: readonly User[], sign: 1 | -1 = 1): AreaCounter {
  const c = new AreaCounter();
  for (const u of users) c.apply(u, sign);
  return c;
}

describe('AreaCounter', () => {
  const committed = [user('h1'), blocked(user('h2'), 'admin'), user('p1', { organizationId: 'acme' }), user('s1', { kind: 'system', systemRole: 'guest' })];

  it('reports the counts of the users applied, per organization', () => {
    expect(normalizeCounts(counter(committed).plus(undefined, 'a'))).toEqual(expectedCounts(committed, 'a'));
  });

  it("a transaction's delta overlays the committed counts, new organizations included", () => {
    const added = [user('p2', { organizationId: 'acme' }), user('q1', { organizationId: 'beta' }), blocked(user('q2', { organizationId: 'beta' }), 'license-limit')];
    expect(normalizeCounts(counter(committed).plus(counter(added), 'a'))).toEqual(expectedCounts([...committed, ...added], 'a'));
  });

  it('an organization whose last profile the delta removes is left out', () => {
    const removed = counter([committed[2] as User], -1);
    const counts = counter(committed).plus(removed, 'a');
    expect(counts.organizations).toEqual([]);
    expect(counts).toMatchObject({ users: 3, using: 1, blocked: 1, activeSystem: 1 });
  });
});
