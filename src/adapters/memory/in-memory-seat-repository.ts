import { lastSeenAt } from '../../core/dormant.js';
import type { TimeCursor } from '../../core/audit.js';
import type { Area, BlockReason, Organization, User, UserFilter } from '../../core/schemas.js';
import { searchKey } from '../../core/search.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import type {
  AuditEventFilter,
  AuditEventPage,
  InactiveUserFilter,
  InactiveUserPage,
  JsonValue,
  LicenseChangeRecord,
  OutboxEntry,
  PageRequest,
  SeatRepository,
  SeatTransaction,
  TimePageRequest,
  TimeRange,
  TransactionScope,
  UsageSnapshot,
  UserPage,
} from '../../ports/repository.js';
import { KeyedMutex } from './keyed-mutex.js';
import { compareTimeKeys } from './memory-audit.js';
import { compareKeys, MemoryState } from './memory-state.js';
import { MemoryTransaction } from './memory-transaction.js';

/**
 * The embedded repository, and the reference implementation of
 * {@link SeatRepository}. Everything lives in this process's memory.
 *
 * - Transactions on the same area run one after another (a fair queue per area);
 *   their writes are staged and applied in one synchronous step at the end, so a
 *   throw leaves nothing behind and nobody sees half a transaction.
 * - Counts are maintained on every write, so `summary()` and a seat check cost
 *   the same at 10 users and at a million.
 * - Look-ups by id, username and external id are map look-ups; listing pages
 *   through usernames kept in order.
 *
 * Use it for a single-process host, tests and demos. Several processes sharing
 * one pool of seats need a shared store such as `PostgresSeatRepository`.
 *
 * Records are values: it keeps copies of what it is given and hands out copies
 * of what it keeps (`structuredClone`, Dates included), so changing either
 * never changes storage.
 *
 * @example
 * ```ts
 * const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
 * ```
 */
export class InMemorySeatRepository implements SeatRepository {
  readonly #state = new MemoryState();
  readonly #locks = new KeyedMutex();

  #view(): MemoryTransaction {
    return new MemoryTransaction(this.#state);
  }

  async transaction<T>(scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    // One fixed order (sorted ids), so two transactions naming the same areas never deadlock.
    const keys = [...new Set(scope.areaIds)].sort(compareKeys);
    for (const key of keys) await this.#locks.lock(key);
    const tx = new MemoryTransaction(this.#state);
    try {
      const result = await work(tx);
      tx.commit();
      return result;
    } catch (error) {
      tx.rollback();
      throw error;
    } finally {
      for (const key of keys) this.#locks.unlock(key);
    }
  }

  // Reads outside a transaction: a transaction with nothing staged reads the committed state, with no lock.
  getArea(areaId: string): Promise<Area | null> {
    return this.#view().getArea(areaId);
  }

  listAreas(): Promise<readonly Area[]> {
    return this.#view().listAreas();
  }

  getOrganization(organizationId: string): Promise<Organization | null> {
    return this.#view().getOrganization(organizationId);
  }

  listOrganizations(areaId?: string): Promise<readonly Organization[]> {
    return this.#view().listOrganizations(areaId);
  }

  getUser(userId: string): Promise<User | null> {
    return this.#view().getUser(userId);
  }

  findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]> {
    return this.#view().findUsersByUsernames(usernames);
  }

  findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]> {
    return this.#view().findUsersByExternalIds(externalIds);
  }

  listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]> {
    return this.#view().listBlockedUsers(areaId, reason, limit);
  }

  countUsers(areaIds?: readonly string[]): Promise<readonly AreaSeatCounts[]> {
    return this.#view().countUsers(areaIds);
  }

  getSetting(key: string): Promise<JsonValue | null> {
    return this.#view().getSetting(key);
  }

  async listUsers(filter: UserFilter, page: PageRequest): Promise<UserPage> {
    // The reference: walk the keys in order from the cursor, testing each user. Folded once, the search text.
    const search = filter.search === undefined ? '' : searchKey(filter.search);
    const keys = this.#state.sortedKeys();
    let index = page.after === null ? 0 : upperBound(keys, page.after);
    const users: User[] = [];
    let last: string | null = null;
    let more = false;
    while (index < keys.length) {
      const key = keys[index++] as string;
      const id = this.#state.byUsername.get(key);
      const user = id === undefined ? undefined : this.#state.users.get(id);
      if (user === undefined || !matches(user, filter) || (search !== '' && !this.#state.searchKeyOf(user).includes(search))) continue;
      // One match past a full page: another page follows.
      if (users.length === page.limit) {
        more = true;
        break;
      }
      users.push(user);
      last = key;
    }
    return { users: structuredClone(users), next: more ? last : null };
  }


  async claimDueNotifications(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxEntry[]> {
    const claimed: OutboxEntry[] = [];
    for (const entry of this.#state.outbox.values()) {
      if (claimed.length >= limit) break;
      if (entry.status !== 'pending' || entry.nextAttemptAt.getTime() > now.getTime()) continue;
      claimed.push(structuredClone(entry));
      this.#state.outbox.set(entry.id, { ...entry, nextAttemptAt: new Date(leaseUntil) });
    }
    return claimed;
  }

  async markNotificationDelivered(id: string, deliveredAt: Date): Promise<void> {
    const entry = this.#state.outbox.get(id);
    if (entry !== undefined) this.#state.outbox.set(id, { ...entry, status: 'delivered', deliveredAt: new Date(deliveredAt) });
  }

  async markNotificationFailed(
    id: string,
    failure: { readonly attempts: number; readonly nextAttemptAt: Date; readonly lastError: string },
  ): Promise<void> {
    const entry = this.#state.outbox.get(id);
    if (entry !== undefined && entry.status === 'pending') this.#state.outbox.set(id, { ...entry, ...structuredClone(failure) });
  }

  async listNotifications(filter: { readonly status?: 'pending' | 'delivered' } = {}): Promise<readonly OutboxEntry[]> {
    return structuredClone([...this.#state.outbox.values()].filter((e) => filter.status === undefined || e.status === filter.status));
  }

  async listAuditEvents(filter: AuditEventFilter, page: TimePageRequest): Promise<AuditEventPage> {
    return this.#state.audit.list(filter, page);
  }

  async purgeAuditEvents(before: Date): Promise<number> {
    return this.#state.audit.purge(before);
  }

  async recordActivity(userId: string, at: Date): Promise<User | null> {
    const user = this.#state.users.get(userId);
    if (user === undefined) return null;
    if (user.lastActivityAt === null || user.lastActivityAt.getTime() < at.getTime()) {
      // Only the activity changes: no key, count or index depends on it.
      this.#state.users.set(userId, { ...user, lastActivityAt: new Date(at) });
    }
    return structuredClone(this.#state.users.get(userId) ?? null);
  }

  /** The reference: a scan of every user. A store for large sites reads an index instead. */
  async listInactiveUsers(filter: InactiveUserFilter, page: TimePageRequest): Promise<InactiveUserPage> {
    const before = filter.before.getTime();
    const areas = filter.areaIds === null ? null : new Set(filter.areaIds);
    const after = page.after === null ? null : { at: page.after.at.getTime(), id: page.after.id };
    const found: { readonly at: number; readonly id: string; readonly user: User }[] = [];
    for (const user of this.#state.users.values()) {
      if (user.state !== 'active' || user.kind !== 'licensed' || (areas !== null && !areas.has(user.areaId))) continue;
      const key = { at: lastSeenAt(user).getTime(), id: user.id, user };
      if (key.at < before && (after === null || compareTimeKeys(key, after) > 0)) found.push(key);
    }
    found.sort(compareTimeKeys);
    const users = found.slice(0, page.limit).map((k) => k.user);
    const last = found[page.limit - 1];
    const next: TimeCursor | null = found.length > page.limit && last !== undefined ? { at: new Date(last.at), id: last.id } : null;
    return { users: structuredClone(users), next };
  }

  async purgeNotifications(deliveredBefore: Date): Promise<number> {
    let purged = 0;
    for (const entry of [...this.#state.outbox.values()]) {
      if (entry.status === 'delivered' && entry.deliveredAt !== null && entry.deliveredAt.getTime() < deliveredBefore.getTime()) {
        this.#state.outbox.delete(entry.id);
        purged++;
      }
    }
    return purged;
  }

  async listLicenseChanges(areaId?: string): Promise<readonly LicenseChangeRecord[]> {
    return structuredClone(this.#state.licenseChanges.filter((c) => areaId === undefined || c.areaId === areaId));
  }

  async listUsageSnapshots(areaId?: string, range: TimeRange = {}): Promise<readonly UsageSnapshot[]> {
    const from = range.from?.getTime() ?? -Infinity;
    const to = range.to?.getTime() ?? Infinity;
    const snapshots = this.#state.snapshots.filter(
      (s) => (areaId === undefined || s.areaId === areaId) && s.takenAt.getTime() >= from && s.takenAt.getTime() <= to,
    );
    return structuredClone(snapshots.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime()));
  }

}

/** The first index whose key sorts after `key`. */
function upperBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareKeys(keys[mid] as string, key) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether a user passes a listing filter's equality fields (the search is tested apart). */
function matches(user: User, filter: UserFilter): boolean {
  return (
    (filter.areaId === undefined || user.areaId === filter.areaId) &&
    (filter.organizationId === undefined || user.organizationId === filter.organizationId) &&
    (filter.state === undefined || user.state === filter.state) &&
    (filter.kind === undefined || user.kind === filter.kind) &&
    (filter.blockReason === undefined || user.blockReason === filter.blockReason) &&
    (filter.source === undefined || user.source === filter.source)
  );
}
