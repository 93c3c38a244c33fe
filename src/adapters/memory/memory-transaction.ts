import { ConflictError, StorageError } from '../../errors.js';
import { usernameKey, type Area, type BlockReason, type Organization, type User } from '../../core/schemas.js';
import type { AreaSeatCounts } from '../../core/usage.js';
import type {
  JsonValue,
  LicenseChangeRecord,
  OutboxEntry,
  SeatTransaction,
  UsageSnapshot,
} from '../../ports/repository.js';
import { copyJson } from './json-copy.js';
import { blockedKey, type MemoryState } from './memory-state.js';
import { AreaCounter } from './seat-counter.js';

/**
 * A transaction over a {@link MemoryState}. Writes are staged and applied in
 * one synchronous step by `commit()`, so other transactions never see them
 * half-done and a throw discards them all.
 */
export class MemoryTransaction implements SeatTransaction {
  readonly #state: MemoryState;
  // Staging is created on first use: a seat write touches a few of these, and
  // a transaction runs on every seat write, so empty ones are not allocated.
  /** id -> staged user, or null when deleted */
  #users: Map<string, User | null> | null = null;
  /** username key -> id, or null when freed by this transaction */
  #usernames: Map<string, string | null> | null = null;
  /** externalId -> id, or null when freed by this transaction */
  #externalIds: Map<string, string | null> | null = null;
  /** areaId -> change in counts caused by staged writes */
  #deltas: Map<string, AreaCounter> | null = null;
  #areas: Map<string, Area> | null = null;
  #organizations: Map<string, Organization> | null = null;
  #settings: Map<string, JsonValue | null> | null = null;
  #outbox: OutboxEntry[] | null = null;
  #changes: LicenseChangeRecord[] | null = null;
  #snapshots: UsageSnapshot[] | null = null;
  #open = true;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  async getArea(areaId: string): Promise<Area | null> {
    this.#assertOpen();
    return this.#areas?.get(areaId) ?? this.#state.areas.get(areaId) ?? null;
  }

  async putArea(area: Area): Promise<void> {
    this.#assertOpen();
    (this.#areas ??= new Map()).set(area.id, Object.freeze({ ...area }));
  }

  async getOrganization(organizationId: string): Promise<Organization | null> {
    this.#assertOpen();
    return this.#organizations?.get(organizationId) ?? this.#state.organizations.get(organizationId) ?? null;
  }

  async listOrganizations(areaId: string): Promise<readonly Organization[]> {
    this.#assertOpen();
    const staged = this.#organizations;
    const found: Organization[] = [];
    for (const organization of this.#state.organizations.values()) {
      if (organization.areaId === areaId && staged?.has(organization.id) !== true) found.push(organization);
    }
    if (staged !== null) for (const organization of staged.values()) if (organization.areaId === areaId) found.push(organization);
    return found;
  }

  async putOrganization(organization: Organization): Promise<void> {
    this.#assertOpen();
    (this.#organizations ??= new Map()).set(organization.id, Object.freeze({ ...organization }));
  }

  async countUsers(areaId: string): Promise<AreaSeatCounts> {
    this.#assertOpen();
    return (this.#state.counters.get(areaId) ?? new AreaCounter()).plus(this.#deltas?.get(areaId), areaId);
  }

  async getUser(userId: string): Promise<User | null> {
    this.#assertOpen();
    return this.#user(userId);
  }

  async findUserByUsername(username: string): Promise<User | null> {
    this.#assertOpen();
    return this.#byUsername(usernameKey(username));
  }

  async findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]> {
    this.#assertOpen();
    return collect(new Set(usernames.map(usernameKey)), (key) => this.#byUsername(key));
  }

  async findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]> {
    this.#assertOpen();
    return collect(new Set(externalIds), (externalId) => this.#byExternalId(externalId));
  }

  async listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]> {
    this.#assertOpen();
    const ids = new Set(this.#state.blockedIndex.get(blockedKey(areaId, reason)));
    if (this.#users !== null) for (const id of this.#users.keys()) ids.add(id);
    const users: User[] = [];
    for (const id of ids) {
      const user = this.#user(id);
      if (user !== null && user.areaId === areaId && user.blockReason === reason) users.push(user);
    }
    users.sort((a, b) => (a.blockedAt?.getTime() ?? 0) - (b.blockedAt?.getTime() ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return users.slice(0, limit);
  }

  async insertUsers(users: readonly User[]): Promise<void> {
    this.#assertOpen();
    // Keys claimed earlier in this batch, so a batch cannot collide with itself (one user cannot).
    const claimed = users.length > 1 ? new Map<string, string>() : null;
    for (const user of users) {
      if (this.#user(user.id) !== null || claimed?.has(`id:${user.id}`) === true) throw new ConflictError('id', user.id);
      claimed?.set(`id:${user.id}`, user.id);
      this.#assertFree(user, claimed);
    }
    for (const user of users) this.#stage(null, user);
  }

  async updateUsers(users: readonly User[]): Promise<void> {
    this.#assertOpen();
    const claimed = users.length > 1 ? new Map<string, string>() : null;
    const befores: User[] = [];
    for (const user of users) {
      const before = this.#user(user.id);
      if (before === null) throw new StorageError(`Cannot update user "${user.id}": it does not exist.`);
      befores.push(before);
      this.#assertFree(user, claimed);
    }
    users.forEach((user, index) => this.#stage(befores[index] ?? null, user));
  }

  async deleteUser(userId: string): Promise<boolean> {
    this.#assertOpen();
    const before = this.#user(userId);
    if (before === null) return false;
    this.#unstageKeys(before);
    this.#delta(before.areaId).apply(before, -1);
    (this.#users ??= new Map()).set(userId, null);
    return true;
  }

  async getSetting(key: string): Promise<JsonValue | null> {
    this.#assertOpen();
    const staged = this.#settings?.get(key);
    return staged !== undefined ? staged : (this.#state.settings.get(key) ?? null);
  }

  async putSetting(key: string, value: JsonValue | null): Promise<void> {
    this.#assertOpen();
    (this.#settings ??= new Map()).set(key, value === null ? null : copyJson(value));
  }

  async enqueueNotification(entry: OutboxEntry): Promise<void> {
    this.#assertOpen();
    (this.#outbox ??= []).push(Object.freeze({ ...entry }));
  }

  async appendLicenseChange(change: LicenseChangeRecord): Promise<void> {
    this.#assertOpen();
    (this.#changes ??= []).push(Object.freeze({ ...change }));
  }

  async appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void> {
    this.#assertOpen();
    (this.#snapshots ??= []).push(Object.freeze({ ...snapshot }));
  }

  /**
   * Applies every staged write in one synchronous step. Unique keys are checked
   * again against the committed state first: a transaction on another area may
   * have taken a username meanwhile, and then nothing is applied.
   */
  commit(): void {
    this.#assertOpen();
    this.#open = false;
    const state = this.#state;
    if (this.#usernames !== null) {
      for (const [key, id] of this.#usernames) {
        if (id === null) continue;
        const owner = state.byUsername.get(key);
        if (owner !== undefined && owner !== id && !this.#freedByThis(owner)) {
          throw new ConflictError('username', this.#users?.get(id)?.username ?? key);
        }
      }
    }
    if (this.#externalIds !== null) {
      for (const [externalId, id] of this.#externalIds) {
        if (id === null) continue;
        const owner = state.byExternalId.get(externalId);
        if (owner !== undefined && owner !== id && !this.#freedByThis(owner)) throw new ConflictError('externalId', externalId);
      }
    }
    if (this.#users !== null) state.applyUserChanges([...this.#users].map(([id, user]) => [state.users.get(id), user] as const));
    if (this.#areas !== null) {
      for (const area of this.#areas.values()) {
        state.areas.set(area.id, area);
        state.counter(area.id);
      }
    }
    if (this.#organizations !== null) for (const organization of this.#organizations.values()) state.organizations.set(organization.id, organization);
    if (this.#settings !== null) {
      for (const [key, value] of this.#settings) {
        if (value === null) state.settings.delete(key);
        else state.settings.set(key, value);
      }
    }
    if (this.#outbox !== null) for (const entry of this.#outbox) state.outbox.set(entry.id, entry);
    if (this.#changes !== null) state.licenseChanges.push(...this.#changes);
    if (this.#snapshots !== null) state.snapshots.push(...this.#snapshots);
  }

  /** Ends the transaction without applying anything. */
  rollback(): void {
    this.#open = false;
  }

  /** True when a committed user is deleted or renamed away by this transaction, freeing its keys. */
  #freedByThis(committedId: string): boolean {
    return this.#users?.has(committedId) === true;
  }

  #user(userId: string): User | null {
    const staged = this.#users?.get(userId);
    if (staged !== undefined) return staged;
    return this.#state.users.get(userId) ?? null;
  }

  #byUsername(key: string): User | null {
    const staged = this.#usernames?.get(key);
    if (staged !== undefined) return staged === null ? null : this.#user(staged);
    const id = this.#state.byUsername.get(key);
    if (id === undefined) return null;
    const user = this.#user(id);
    return user !== null && usernameKey(user.username) === key ? user : null;
  }

  #byExternalId(externalId: string): User | null {
    const staged = this.#externalIds?.get(externalId);
    if (staged !== undefined) return staged === null ? null : this.#user(staged);
    const id = this.#state.byExternalId.get(externalId);
    if (id === undefined) return null;
    const user = this.#user(id);
    return user !== null && user.externalId === externalId ? user : null;
  }

  /** Throws ConflictError unless the user's username and external id are free (or already its own). */
  #assertFree(user: User, claimed: Map<string, string> | null): void {
    const key = usernameKey(user.username);
    const owner = this.#byUsername(key);
    if ((owner !== null && owner.id !== user.id) || (claimed !== null && claimed.has(`u:${key}`) && claimed.get(`u:${key}`) !== user.id)) {
      throw new ConflictError('username', user.username);
    }
    claimed?.set(`u:${key}`, user.id);
    if (user.externalId !== null) {
      const externalOwner = this.#byExternalId(user.externalId);
      const claimKey = `x:${user.externalId}`;
      if ((externalOwner !== null && externalOwner.id !== user.id) || (claimed !== null && claimed.has(claimKey) && claimed.get(claimKey) !== user.id)) {
        throw new ConflictError('externalId', user.externalId);
      }
      claimed?.set(claimKey, user.id);
    }
  }

  #stage(before: User | null, after: User): void {
    // Records are values: freezing (rather than copying) keeps them immutable at no allocation cost.
    const frozen = Object.isFrozen(after) ? after : Object.freeze(after);
    if (before !== null) {
      this.#unstageKeys(before);
      this.#delta(before.areaId).apply(before, -1);
    }
    (this.#users ??= new Map()).set(frozen.id, frozen);
    (this.#usernames ??= new Map()).set(usernameKey(frozen.username), frozen.id);
    if (frozen.externalId !== null) (this.#externalIds ??= new Map()).set(frozen.externalId, frozen.id);
    this.#delta(frozen.areaId).apply(frozen, 1);
  }

  #unstageKeys(before: User): void {
    (this.#usernames ??= new Map()).set(usernameKey(before.username), null);
    if (before.externalId !== null) (this.#externalIds ??= new Map()).set(before.externalId, null);
  }

  #delta(areaId: string): AreaCounter {
    const deltas = (this.#deltas ??= new Map());
    let delta = deltas.get(areaId);
    if (delta === undefined) {
      delta = new AreaCounter();
      deltas.set(areaId, delta);
    }
    return delta;
  }

  #assertOpen(): void {
    if (!this.#open) throw new StorageError('This transaction has ended; do all work inside the transaction callback.');
  }
}

function collect<K>(keys: Iterable<K>, find: (key: K) => User | null): User[] {
  const users: User[] = [];
  for (const key of keys) {
    const user = find(key);
    if (user !== null) users.push(user);
  }
  return users;
}
