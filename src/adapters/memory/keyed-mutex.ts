/**
 * A fair (FIFO) mutex per key. Taking a free key costs no promise turn, so an
 * uncontended transaction stays cheap.
 */
export class KeyedMutex {
  readonly #waiters = new Map<string, Array<() => void>>();

  /** Resolves once `key` is held by the caller. */
  lock(key: string): Promise<void> | undefined {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) {
      this.#waiters.set(key, []);
      return undefined;
    }
    return new Promise<void>((resolve) => waiters.push(resolve));
  }

  /** Hands `key` to the next waiter, or frees it. */
  unlock(key: string): void {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) return;
    const next = waiters.shift();
    if (next === undefined) this.#waiters.delete(key);
    else next();
  }
}
