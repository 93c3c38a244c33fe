import { describe, expect, it } from 'vitest';
import { sameUsername, usernameKey } from '../../src/core/schemas.js';

describe('sameUsername', () => {
  it('usernames are the same ignoring case and surrounding spaces, as their keys are', () => {
    expect(sameUsername('ann', 'ann')).toBe(true);
    expect(sameUsername('Ann', 'aNN')).toBe(true);
    expect(sameUsername(' ann ', 'ANN')).toBe(true);
    expect(sameUsername('ann', 'anne')).toBe(false);
    expect(sameUsername('ann', 'a nn')).toBe(false);
    for (const [a, b] of [['Émile', 'émile'], ['x', 'X '], ['bob', 'b0b']] as const) expect(sameUsername(a, b)).toBe(usernameKey(a) === usernameKey(b));
  });
});
