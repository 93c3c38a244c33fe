import type { SeatRepository, SeatTransaction } from '../../src/index.js';

/** A point where a call waits until the test lets it go on. */
export interface Gate {
  /** Resolves once a call reached the gate. */
  readonly reached: Promise<void>;
  /** Lets the waiting call (and any later one) go on. */
  open(): void;
}

/** A gate and the call that waits at it. */
interface HeldGate extends Gate {
  /** Marks the gate reached and waits until it is opened. */
  pass(): Promise<void>;
}

function heldGate(): HeldGate {
  let reach!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    reached,
    open,
    async pass() {
      reach();
      await opened;
    },
  };
}

/** A repository method, or a transaction method as `tx.<name>`. */
type Method = keyof SeatRepository | `tx.${keyof SeatTransaction}`;

/** A repository whose calls a test can hold at chosen points, to force one interleaving of several seatkeeper instances. */
export interface ControlledRepository {
  /** The wrapped repository, to hand to `createSeatkeeper`. */
  readonly repository: SeatRepository;
  /**
   * Holds the next call of `method` after it returned, before its caller sees
   * the result: what the caller read is then stale by the time it goes on.
   */
  holdAfterNext(method: Method): Gate;
  /** Runs `hook` before every call of `method` until the returned function is called. */
  before(method: Method, hook: (...args: unknown[]) => Promise<void>): () => void;
  /** Runs `hook` after every call of `method` returned (before its caller sees the result) until the returned function is called. */
  after(method: Method, hook: (...args: unknown[]) => Promise<void>): () => void;
}

/**
 * Wraps a repository (the in-memory one keeps private fields, so every call
 * goes to the real object) so a test can hold calls of one instance while
 * other instances change the store.
 */
export function controlled(inner: SeatRepository): ControlledRepository {
  const afterNext = new Map<Method, HeldGate[]>();
  const before = new Map<Method, Set<(...args: unknown[]) => Promise<void>>>();
  const after = new Map<Method, Set<(...args: unknown[]) => Promise<void>>>();
  const add = (hooks: Map<Method, Set<(...args: unknown[]) => Promise<void>>>, method: Method, hook: (...args: unknown[]) => Promise<void>) => {
    const set = hooks.get(method) ?? new Set();
    set.add(hook);
    hooks.set(method, set);
    return () => {
      set.delete(hook);
    };
  };
  /** Calls `value` on `target` with the hooks of `method` around it. */
  const around =
    (method: Method, target: object, value: (...a: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]): Promise<unknown> => {
      for (const hook of before.get(method) ?? []) await hook(...args);
      const result = await value.apply(target, args);
      for (const hook of after.get(method) ?? []) await hook(...args);
      const held = afterNext.get(method)?.shift();
      if (held !== undefined) await held.pass();
      return result;
    };
  const wrapTx = (tx: SeatTransaction): SeatTransaction =>
    new Proxy(tx, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        return around(`tx.${String(property)}` as Method, target, value as (...a: unknown[]) => Promise<unknown>);
      },
    });
  const repository = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'transaction') {
        const transaction = (scope: unknown, work: (tx: SeatTransaction) => Promise<unknown>) =>
          (value as SeatRepository['transaction']).call(target, scope as never, (tx) => work(wrapTx(tx)));
        return around('transaction', target, transaction as (...a: unknown[]) => Promise<unknown>);
      }
      return around(property as Method, target, value as (...a: unknown[]) => Promise<unknown>);
    },
  });
  return {
    repository,
    holdAfterNext(method) {
      const g = heldGate();
      afterNext.set(method, [...(afterNext.get(method) ?? []), g]);
      return g;
    },
    before: (method, hook) => add(before, method, hook),
    after: (method, hook) => add(after, method, hook),
  };
}

/** Resolves to `'settled'` if `promise` settles within `ms`, else `'pending'`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    return await Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
