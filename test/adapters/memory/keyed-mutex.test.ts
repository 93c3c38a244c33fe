import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../src/adapters/memory/keyed-mutex.js';

describe('KeyedMutex', () => {
  it('a free key is taken at once; waiters get it in arrival order; other keys are independent', async () => {
    const mutex = new KeyedMutex();
    await mutex.lock('a');
    await mutex.lock('b');
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => mutex.lock('a').then(() => order.push(n)));
    await Promise.resolve();
    expect(order).toEqual([]);
    mutex.unlock('a');
    await waiting[0];
    expect(order).toEqual([1]);
    mutex.unlock('a');
    mutex.unlock('a');
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    mutex.unlock('a');
    let taken = false;
    void mutex.lock('a').then(() => (taken = true));
    await Promise.resolve();
    expect(taken).toBe(true); // free again once the last holder unlocked
  });
});
