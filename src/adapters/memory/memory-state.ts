import { usernameKey, type Area, type BlockReason, type Organization, type User } from '../../core/schemas.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, UsageSnapshot } from '../../ports/repository.js';
import { AreaCounter } from './seat-counter.js';

/** The committed state of an in-memory repository, with the indexes that keep every look-up O(1). */
export class MemoryState {
  readonly areas = new Map<string, Area>();
  readonly organizations = new Map<string, Organization>();
  readonly users = new Map<string, User>();
  /** username key -> user id */
  readonly byUsername = new Map<string, string>();
  /** externalId -> user id */
  readonly byExternalId = new Map<string, string>();
  readonly counters = new Map<string, AreaCounter>();
  /** `areaId + NUL + reason` -> ids of users blocked for that reason */
  readonly blockedIndex = new Map<string, Set<string>>();
  readonly settings = new Map<string, JsonValue>();
  readonly outbox = new Map<string, OutboxEntry>();
  readonly licenseChanges: LicenseChangeRecord[] = [];
  readonly snapshots: UsageSnapshot[] = [];
  /** Username keys in order, for paging; rebuilt lazily after the set of keys changes. */
  #sortedKeys: string[] | null = [];

  counter(areaId: string): AreaCounter {
    let counter = this.counters.get(areaId);
    if (counter === undefined) {
      counter = new AreaCounter();
      this.counters.set(areaId, counter);
    }
    return counter;
  }

  sortedKeys(): readonly string[] {
    if (this.#sortedKeys === null) this.#sortedKeys = [...this.byUsername.keys()].sort(compareKeys);
    return this.#sortedKeys;
  }

  /**
   * Applies committed user changes: every `before` is removed first, then every
   * `after` added, so swaps of usernames between users apply cleanly.
   */
  applyUserChanges(changes: ReadonlyArray<readonly [before: User | undefined, after: User | null]>): void {
    let keysChanged = false;
    for (const [before, after] of changes) {
      if (before === undefined) continue;
      this.#remove(before);
      if (after === null || usernameKey(after.username) !== usernameKey(before.username)) keysChanged = true;
    }
    for (const [before, after] of changes) {
      if (after === null) continue;
      this.#add(after);
      if (before === undefined) keysChanged = true;
    }
    if (keysChanged) this.#sortedKeys = null;
  }

  #remove(user: User): void {
    this.users.delete(user.id);
    const key = usernameKey(user.username);
    if (this.byUsername.get(key) === user.id) this.byUsername.delete(key);
    if (user.externalId !== null && this.byExternalId.get(user.externalId) === user.id) this.byExternalId.delete(user.externalId);
    if (user.blockReason !== null) this.blockedIndex.get(blockedKey(user.areaId, user.blockReason))?.delete(user.id);
    this.counter(user.areaId).apply(user, -1);
  }

  #add(user: User): void {
    this.users.set(user.id, user);
    this.byUsername.set(usernameKey(user.username), user.id);
    if (user.externalId !== null) this.byExternalId.set(user.externalId, user.id);
    if (user.blockReason !== null) {
      const key = blockedKey(user.areaId, user.blockReason);
      let ids = this.blockedIndex.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.blockedIndex.set(key, ids);
      }
      ids.add(user.id);
    }
    this.counter(user.areaId).apply(user, 1);
  }
}

/** The key of the blocked-users index. */
export function blockedKey(areaId: string, reason: BlockReason): string {
  return `${areaId}\u0000${reason}`;
}

/** Orders username keys by UTF-16 code units, the same order as a `C`-collated SQL index. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
