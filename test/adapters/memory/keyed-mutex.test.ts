import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../src/adapters/memory/keyed-mutex.js';

describe('KeyedMutex', () => {
  it('a free key is taken at once; waiters get it in arrival order; other keys are independent', async () => {
    const mutex = new KeyedMutex();
    expect(mutex.lock('a')).toBeUndefined();
    expect(mutex.lock('b')).toBeUndefined();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => mutex.lock('a')?.then(() => order.push(n)));
    mutex.unlock('a');
    await waiting[0];
    expect(order).toEqual([1]);
    mutex.unlock('a');
    mutex.unlock('a');
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    mutex.unlock('a');
    expect(mutex.lock('a')).toBeUndefined(); // free again once the last holder unlocked
  });
});
