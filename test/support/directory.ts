import { type DirectoryEntryInput, type Seatkeeper, type SeatRepository, type SeatTransaction, type User } from '../../src/index.js';

/** An hour in milliseconds. */
export const HOUR = 3_600_000;

/** A directory entry for `username`, external id `ad-<username>`, in the primary area. */
export const dir = (username: string, extra: Partial<DirectoryEntryInput> = {}): DirectoryEntryInput => ({
  externalId: `ad-${username}`,
  username,
  email: `${username}@example.com`,
  areaId: 'primary',
  ...extra,
});

/** The user with this username; fails the test when there is none. */
export async function user(seats: Seatkeeper, username: string): Promise<User> {
  const found = await seats.findUserByUsername(username);
  if (found === null) throw new Error(`no user ${username}`);
  return found;
}

/** Every user, by id. */
export async function allUsers(seats: Seatkeeper): Promise<User[]> {
  const users: User[] = [];
  for await (const u of seats.listUsers()) users.push(u);
  return users.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The primary area's figures. */
export const primaryUsage = async (seats: Seatkeeper) => (await seats.summary()).areas.find((a) => a.areaId === 'primary');

/** Wraps a repository to count calls, on it and on its transactions, and to run a hook before a transaction method. */
export function instrumented(inner: SeatRepository, hooks: { beforeTx?: (method: string) => Promise<void> } = {}) {
  const calls = new Map<string, number>();
  const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
  const wrapTx = (tx: SeatTransaction): SeatTransaction =>
    new Proxy(tx, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          count(`tx.${String(property)}`);
          await hooks.beforeTx?.(String(property));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const repository = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'transaction') {
        return (scope: Parameters<SeatRepository['transaction']>[0], work: (tx: SeatTransaction) => Promise<unknown>) => {
          count('transaction');
          return target.transaction(scope, (tx) => work(wrapTx(tx)));
        };
      }
      return (...args: unknown[]) => {
        count(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { repository, calls, reset: () => calls.clear(), get: (name: string) => calls.get(name) ?? 0 };
}


/** `n` entries of new users `<prefix>0` ... `<prefix>(n-1)`, in the primary area unless `extra` says otherwise. */
export const many = (n: number, prefix: string, extra: Partial<DirectoryEntryInput> = {}): DirectoryEntryInput[] =>
  Array.from({ length: n }, (_, i) => dir(`${prefix}${i}`, extra));

/**
 * The entries as an async iterable, as a directory reader yields them: one
 * entry at a time (`pageSize` 0), or in pages of `pageSize`.
 */
export async function* streamOf(entries: readonly unknown[], pageSize = 0): AsyncGenerator<DirectoryEntryInput | DirectoryEntryInput[], void, undefined> {
  if (pageSize === 0) for (const entry of entries) yield entry as DirectoryEntryInput;
  else for (let start = 0; start < entries.length; start += pageSize) yield entries.slice(start, start + pageSize) as DirectoryEntryInput[];
}
