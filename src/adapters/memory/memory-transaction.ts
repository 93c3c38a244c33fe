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
import { blockedKey, type MemoryState } from './memory-state.js';
import { AreaCounter } from './seat-counter.js';

/**
 * A transaction over a {@link MemoryState}. Writes are staged and applied in
 * one synchronous step by `commit()`, so other transactions never see them
 * half-done and a throw discards them all.
 */
export class MemoryTransaction implements SeatTransaction {
  readonly #state: MemoryState;
  /** id -> staged user, or null when deleted */
  readonly #users = new Map<string, User | null>();
  /** username key -> id, or null when freed by this transaction */
  readonly #usernames = new Map<string, string | null>();
  /** externalId -> id, or null when freed by this transaction */
  readonly #externalIds = new Map<string, string | null>();
  /** areaId -> change in counts caused by staged writes */
  readonly #deltas = new Map<string, AreaCounter>();
  readonly #areas = new Map<string, Area>();
  readonly #organizations = new Map<string, Organization>();
  readonly #settings = new Map<string, JsonValue | null>();
  readonly #outbox: OutboxEntry[] = [];
  readonly #changes: LicenseChangeRecord[] = [];
  readonly #snapshots: UsageSnapshot[] = [];
  #open = true;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  async getArea(areaId: string): Promise<Area | null> {
    this.#assertOpen();
    return this.#areas.get(areaId) ?? this.#state.areas.get(areaId) ?? null;
  }

  async putArea(area: Area): Promise<void> {
    this.#assertOpen();
    this.#areas.set(area.id, Object.freeze({ ...area }));
  }

  async getOrganization(organizationId: string): Promise<Organization | null> {
    this.#assertOpen();
    return this.#organizations.get(organizationId) ?? this.#state.organizations.get(organizationId) ?? null;
  }

  async listOrganizations(areaId: string): Promise<readonly Organization[]> {
    this.#assertOpen();
    const found: Organization[] = [];
    for (const organization of this.#state.organizations.values()) {
      if (!this.#organizations.has(organization.id) && organization.areaId === areaId) found.push(organization);
    }
    for (const organization of this.#organizations.values()) if (organization.areaId === areaId) found.push(organization);
    return found;
  }

  async putOrganization(organization: Organization): Promise<void> {
    this.#assertOpen();
    this.#organizations.set(organization.id, Object.freeze({ ...organization }));
  }

  async countUsers(areaId: string): Promise<AreaSeatCounts> {
    this.#assertOpen();
    return (this.#state.counters.get(areaId) ?? new AreaCounter()).plus(this.#deltas.get(areaId), areaId);
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
    for (const id of this.#users.keys()) ids.add(id);
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
    // Keys claimed earlier in this batch, so a batch cannot collide with itself.
    const claimed = new Map<string, string>();
    for (const user of users) {
      if (this.#user(user.id) !== null || claimed.has(`id:${user.id}`)) throw new ConflictError('id', user.id);
      if (users.length > 1) claimed.set(`id:${user.id}`, user.id);
      this.#assertFree(user, claimed);
    }
    for (const user of users) this.#stage(null, user);
  }

  async updateUsers(users: readonly User[]): Promise<void> {
    this.#assertOpen();
    const claimed = new Map<string, string>();
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
    this.#users.set(userId, null);
    return true;
  }

  async getSetting(key: string): Promise<JsonValue | null> {
    this.#assertOpen();
    return this.#settings.has(key) ? (this.#settings.get(key) ?? null) : (this.#state.settings.get(key) ?? null);
  }

  async putSetting(key: string, value: JsonValue | null): Promise<void> {
    this.#assertOpen();
    this.#settings.set(key, value === null ? null : structuredClone(value));
  }

  async enqueueNotification(entry: OutboxEntry): Promise<void> {
    this.#assertOpen();
    this.#outbox.push(Object.freeze({ ...entry }));
  }

  async appendLicenseChange(change: LicenseChangeRecord): Promise<void> {
    this.#assertOpen();
    this.#changes.push(Object.freeze({ ...change }));
  }

  async appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void> {
    this.#assertOpen();
    this.#snapshots.push(Object.freeze({ ...snapshot }));
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
    for (const [key, id] of this.#usernames) {
      if (id === null) continue;
      const owner = state.byUsername.get(key);
      if (owner !== undefined && owner !== id && !this.#freedByThis(owner)) {
        throw new ConflictError('username', this.#users.get(id)?.username ?? key);
      }
    }
    for (const [externalId, id] of this.#externalIds) {
      if (id === null) continue;
      const owner = state.byExternalId.get(externalId);
      if (owner !== undefined && owner !== id && !this.#freedByThis(owner)) throw new ConflictError('externalId', externalId);
    }
    state.applyUserChanges([...this.#users].map(([id, user]) => [state.users.get(id), user] as const));
    for (const area of this.#areas.values()) {
      state.areas.set(area.id, area);
      state.counter(area.id);
    }
    for (const organization of this.#organizations.values()) state.organizations.set(organization.id, organization);
    for (const [key, value] of this.#settings) {
      if (value === null) state.settings.delete(key);
      else state.settings.set(key, value);
    }
    for (const entry of this.#outbox) state.outbox.set(entry.id, entry);
    state.licenseChanges.push(...this.#changes);
    state.snapshots.push(...this.#snapshots);
  }

  /** Ends the transaction without applying anything. */
  rollback(): void {
    this.#open = false;
  }

  /** True when a committed user is deleted or renamed away by this transaction, freeing its keys. */
  #freedByThis(committedId: string): boolean {
    return this.#users.has(committedId);
  }

  #user(userId: string): User | null {
    const staged = this.#users.get(userId);
    if (staged !== undefined) return staged;
    return this.#state.users.get(userId) ?? null;
  }

  #byUsername(key: string): User | null {
    const staged = this.#usernames.get(key);
    if (staged !== undefined) return staged === null ? null : this.#user(staged);
    const id = this.#state.byUsername.get(key);
    if (id === undefined) return null;
    const user = this.#user(id);
    return user !== null && usernameKey(user.username) === key ? user : null;
  }

  #byExternalId(externalId: string): User | null {
    const staged = this.#externalIds.get(externalId);
    if (staged !== undefined) return staged === null ? null : this.#user(staged);
    const id = this.#state.byExternalId.get(externalId);
    if (id === undefined) return null;
    const user = this.#user(id);
    return user !== null && user.externalId === externalId ? user : null;
  }

  /** Throws ConflictError unless the user's username and external id are free (or already its own). */
  #assertFree(user: User, claimed: Map<string, string>): void {
    const key = usernameKey(user.username);
    const owner = this.#byUsername(key);
    if ((owner !== null && owner.id !== user.id) || (claimed.has(`u:${key}`) && claimed.get(`u:${key}`) !== user.id)) {
      throw new ConflictError('username', user.username);
    }
    claimed.set(`u:${key}`, user.id);
    if (user.externalId !== null) {
      const externalOwner = this.#byExternalId(user.externalId);
      const claimKey = `x:${user.externalId}`;
      if ((externalOwner !== null && externalOwner.id !== user.id) || (claimed.has(claimKey) && claimed.get(claimKey) !== user.id)) {
        throw new ConflictError('externalId', user.externalId);
      }
      claimed.set(claimKey, user.id);
    }
  }

  #stage(before: User | null, after: User): void {
    // Records are values: freezing (rather than copying) keeps them immutable at no allocation cost.
    const frozen = Object.isFrozen(after) ? after : Object.freeze(after);
    if (before !== null) {
      this.#unstageKeys(before);
      this.#delta(before.areaId).apply(before, -1);
    }
    this.#users.set(frozen.id, frozen);
    this.#usernames.set(usernameKey(frozen.username), frozen.id);
    if (frozen.externalId !== null) this.#externalIds.set(frozen.externalId, frozen.id);
    this.#delta(frozen.areaId).apply(frozen, 1);
  }

  #unstageKeys(before: User): void {
    this.#usernames.set(usernameKey(before.username), null);
    if (before.externalId !== null) this.#externalIds.set(before.externalId, null);
  }

  #delta(areaId: string): AreaCounter {
    let delta = this.#deltas.get(areaId);
    if (delta === undefined) {
      delta = new AreaCounter();
      this.#deltas.set(areaId, delta);
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
