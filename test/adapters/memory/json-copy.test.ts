import { describe, expect, it } from 'vitest';
import { copyJson } from '../../../src/adapters/memory/json-copy.js';
import type { JsonValue } from '../../../src/index.js';

describe('copyJson', () => {
  it('copies objects and arrays all the way down: changing the copy never changes the original', () => {
    const original = { to: 'a@example.com', reminder: { days: 7 }, tags: ['a', { b: [1] }], none: null, on: true, n: 1.5 };
    const copy = copyJson(original) as { reminder: { days: number }; tags: [string, { b: number[] }] };
    expect(copy).toEqual(original);
    copy.reminder.days = 99;
    copy.tags[1].b.push(2);
    expect(original.reminder.days).toBe(7);
    expect(original.tags[1]).toEqual({ b: [1] });
  });

  it('primitives are returned as they are', () => {
    for (const value of ['text', 0, false, null] as JsonValue[]) expect(copyJson(value)).toBe(value);
  });

  it('a value that is not plain JSON is cloned structurally', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    const copy = copyJson({ at } as unknown as JsonValue) as unknown as { at: Date };
    expect(copy.at).toEqual(at);
    expect(copy.at).not.toBe(at);
  });
});
