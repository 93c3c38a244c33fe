/**
 * A fair (FIFO) mutex per key. Taking a free key costs no promise turn, so an
 * uncontended transaction stays cheap.
 */
export class KeyedMutex {
  /** Held keys, with their waiters in arrival order; `null` while nobody waits (no queue allocated). */
  readonly #waiters = new Map<string, Array<() => void> | null>();

  /** Resolves once `key` is held by the caller. */
  lock(key: string): Promise<void> | undefined {
    if (!this.#waiters.has(key)) {
      this.#waiters.set(key, null);
      return undefined;
    }
    return new Promise<void>((resolve) => {
      const waiters = this.#waiters.get(key);
      if (waiters == null) this.#waiters.set(key, [resolve]);
      else waiters.push(resolve);
    });
  }

  /** Hands `key` to the next waiter, or frees it. */
  unlock(key: string): void {
    const waiters = this.#waiters.get(key);
    const next = waiters?.shift();
    if (next === undefined) this.#waiters.delete(key);
    else next();
  }
}
