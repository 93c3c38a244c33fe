import { usernameKey, type Area, type BlockReason, type Organization, type User } from '../../core/schemas.js';
import { userSearchKey } from '../../core/search.js';
import { addToCounts, emptyAreaCounts, type AreaSeatCounts } from '../../core/usage.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, UsageSnapshot } from '../../ports/repository.js';
import { MemoryAuditTrail } from './memory-audit.js';

/**
 * The committed state of an in-memory repository, with the indexes that keep
 * every look-up O(1) and the counts maintained on every write. It holds
 * private copies: callers copy records on the way in and on the way out.
 */
export class MemoryState {
  readonly areas = new Map<string, Area>();
  readonly organizations = new Map<string, Organization>();
  readonly users = new Map<string, User>();
  /** username key -> user id */
  readonly byUsername = new Map<string, string>();
  /** externalId -> user id */
  readonly byExternalId = new Map<string, string>();
  /** areaId -> its counts, advanced by {@link addToCounts} on every user write */
  readonly counts = new Map<string, AreaSeatCounts>();
  /** `areaId + NUL + reason` -> ids of users blocked for that reason */
  readonly blockedIndex = new Map<string, Set<string>>();
  readonly settings = new Map<string, JsonValue>();
  readonly outbox = new Map<string, OutboxEntry>();
  readonly licenseChanges: LicenseChangeRecord[] = [];
  readonly snapshots: UsageSnapshot[] = [];
  readonly audit = new MemoryAuditTrail();
  /** Username keys in order, for paging; rebuilt on the next listing after the set of keys changed. */
  #sortedKeys: string[] | null = [];
  /**
   * Search keys of stored users, computed by the first search that reads them.
   * Keyed by the stored record, which a write replaces: a changed user is
   * folded again, and writes pay nothing for searching.
   */
  readonly #searchKeys = new WeakMap<User, string>();

  /** The area's committed counts; zeros for an area without users. */
  countsOf(areaId: string): AreaSeatCounts {
    return this.counts.get(areaId) ?? emptyAreaCounts(areaId);
  }

  /** Forgets an area: its record, and its counts once no user is left in it. */
  deleteArea(areaId: string): void {
    this.areas.delete(areaId);
    if (this.countsOf(areaId).users === 0) this.counts.delete(areaId);
  }

  /** The stored user's search key (`userSearchKey`). */
  searchKeyOf(user: User): string {
    let key = this.#searchKeys.get(user);
    if (key === undefined) {
      key = userSearchKey(user);
      this.#searchKeys.set(user, key);
    }
    return key;
  }

  sortedKeys(): readonly string[] {
    this.#sortedKeys ??= [...this.byUsername.keys()].sort(compareKeys);
    return this.#sortedKeys;
  }

  /**
   * Applies committed user changes: every `before` is removed first, then every
   * `after` added, so swaps of usernames between users apply cleanly.
   */
  applyUserChanges(changes: ReadonlyArray<readonly [before: User | undefined, after: User | null]>): void {
    for (const [before] of changes) if (before !== undefined) this.#remove(before);
    for (const [, after] of changes) if (after !== null) this.#add(after);
    // Paging order depends on the set of username keys only: most updates keep it.
    const keysChanged = changes.some(([before, after]) => before === undefined || after === null || usernameKey(before.username) !== usernameKey(after.username));
    if (keysChanged) this.#sortedKeys = null;
  }

  #remove(user: User): void {
    this.users.delete(user.id);
    const key = usernameKey(user.username);
    if (this.byUsername.get(key) === user.id) this.byUsername.delete(key);
    if (user.externalId !== null && this.byExternalId.get(user.externalId) === user.id) this.byExternalId.delete(user.externalId);
    if (user.blockReason !== null) this.blockedIndex.get(blockedKey(user.areaId, user.blockReason))?.delete(user.id);
    this.counts.set(user.areaId, addToCounts(this.countsOf(user.areaId), user, -1));
  }

  #add(user: User): void {
    this.users.set(user.id, user);
    this.byUsername.set(usernameKey(user.username), user.id);
    if (user.externalId !== null) this.byExternalId.set(user.externalId, user.id);
    if (user.blockReason !== null) {
      const key = blockedKey(user.areaId, user.blockReason);
      const ids = this.blockedIndex.get(key) ?? new Set();
      this.blockedIndex.set(key, ids.add(user.id));
    }
    this.counts.set(user.areaId, addToCounts(this.countsOf(user.areaId), user, 1));
  }
}

/**
 * Counts as the port reports them: a partner whose last profile left is not
 * listed ({@link addToCounts} keeps it at zero), and the caller gets its own
 * copy.
 */
export function reportCounts(counts: AreaSeatCounts): AreaSeatCounts {
  return { ...counts, organizations: counts.organizations.filter((o) => o.users !== 0).map((o) => ({ ...o })) };
}

/**
 * The user as a write leaves it: with the later of its own `lastActivityAt`
 * and the stored one, so a write never undoes a `recordActivity` that came
 * after the writer read the user.
 */
export function withLaterActivity(user: User, stored: User | undefined): User {
  const mine = user.lastActivityAt?.getTime() ?? -Infinity;
  const theirs = stored?.lastActivityAt?.getTime() ?? -Infinity;
  return theirs > mine ? { ...user, lastActivityAt: stored?.lastActivityAt ?? null } : user;
}

/** The key of the blocked-users index. */
export function blockedKey(areaId: string, reason: BlockReason): string {
  return `${areaId}\u0000${reason}`;
}

/** Orders username keys by UTF-16 code units, the same order as a `C`-collated SQL index. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
