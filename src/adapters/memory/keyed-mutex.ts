/** A fair (first come, first served) mutex per key. */
export class KeyedMutex {
  /** Held keys, each with the callers waiting for it in arrival order. */
  readonly #waiters = new Map<string, Array<() => void>>();

  /** Resolves once `key` is held by the caller. */
  async lock(key: string): Promise<void> {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) this.#waiters.set(key, []);
    else await new Promise<void>((resolve) => waiters.push(resolve));
  }

  /** Hands `key` to the next waiter, or frees it. */
  unlock(key: string): void {
    const next = this.#waiters.get(key)?.shift();
    if (next === undefined) this.#waiters.delete(key);
    else next();
  }
}
