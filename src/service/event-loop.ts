/**
 * Giving the event loop a turn during long work, so that a server importing a
 * large CSV still answers its other requests.
 *
 * @module
 */

/**
 * Resolves after timers and I/O have had a turn: through `setImmediate` where
 * the runtime has it (Node, Bun), else a zero-delay timer (browsers, Deno,
 * Workers). A global, not a `node:` import.
 *
 * @returns resolves on a later turn of the event loop
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
