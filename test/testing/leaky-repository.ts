import { InMemorySeatRepository } from '../../src/index.js';
import type { SeatTransaction, TransactionScope, User } from '../../src/index.js';

/**
 * A deliberately broken repository: the in-memory one, except that it keeps
 * the user objects it is given (once their transaction committed) and
 * hands those very objects back from `getUser`.
 * Every rule of the port holds except value semantics: a caller that changes
 * a user it passed in or got back, a `Date` included, changes what the next
 * reader sees.
 */
export class LeakySeatRepository extends InMemorySeatRepository {
  readonly #handedOut = new Map<string, User>();

  override async transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    const written = new Map<string, User | null>();
    const result = await super.transaction(scope, (tx) => {
      const keep = async (users: readonly User[], write: (users: readonly User[]) => Promise<void>) => {
        await write(users);
        for (const u of users) written.set(u.id, u);
      };
      const leaky: Partial<SeatTransaction> = {
        insertUsers: (users) => keep(users, (u) => tx.insertUsers(u)),
        updateUsers: (users) => keep(users, (u) => tx.updateUsers(u)),
        deleteUser: async (id) => {
          const deleted = await tx.deleteUser(id);
          written.set(id, null);
          return deleted;
        },
      };
      return work(new Proxy(tx, { get: (target, key) => (key in leaky ? leaky[key as keyof SeatTransaction] : bound(target, key)) }));
    });
    for (const [id, user] of written) {
      // The store keeps the later activity (a write never moves it back): then the caller's object is not what it holds.
      const stored = user === null ? null : await super.getUser(id);
      if (user === null || stored?.lastActivityAt?.getTime() !== user.lastActivityAt?.getTime()) this.#handedOut.delete(id);
      else this.#handedOut.set(id, user);
    }
    return result;
  }

  /** Activity is written by the store itself: the next read hands out (and keeps) the stored user. */
  override async recordActivity(userId: string, at: Date): Promise<User | null> {
    this.#handedOut.delete(userId);
    return super.recordActivity(userId, at);
  }

  override async getUser(userId: string): Promise<User | null> {
    const kept = this.#handedOut.get(userId) ?? (await super.getUser(userId));
    if (kept !== null) this.#handedOut.set(userId, kept);
    return kept;
  }
}

/** A method of the real transaction, bound to it (its private fields are not reachable through the proxy). */
function bound(target: SeatTransaction, key: string | symbol): unknown {
  const value: unknown = Reflect.get(target, key);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}
