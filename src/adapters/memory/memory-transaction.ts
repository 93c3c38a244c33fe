import { ConflictError, StorageError } from '../../errors.js';
import { usernameKey, type Area, type BlockReason, type Organization, type User } from '../../core/schemas.js';
import { addToCounts, type AreaSeatCounts } from '../../core/usage.js';
import type { AuditEvent } from '../../core/audit.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, SeatTransaction, UsageSnapshot } from '../../ports/repository.js';
import { blockedKey, reportCounts, withLaterActivity, type MemoryState } from './memory-state.js';

/**
 * A transaction over a {@link MemoryState}; with nothing staged, also the
 * repository's view of committed data. Writes are staged and applied in
 * one synchronous step by `commit()`, so other transactions never see them
 * half-done and a throw discards them all. Records are copied on the way in
 * and on the way out (`structuredClone`, Dates included), so a caller never
 * shares an object with storage.
 */
export class MemoryTransaction implements SeatTransaction {
  readonly #state: MemoryState;
  /** id -> staged user, or null when deleted */
  readonly #users = new Map<string, User | null>();
  /** username key -> id, or null when freed by this transaction */
  readonly #usernames = new Map<string, string | null>();
  /** externalId -> id, or null when freed by this transaction */
  readonly #externalIds = new Map<string, string | null>();
  /** areaId -> its counts with this transaction's user writes, for the areas it wrote users in */
  readonly #counts = new Map<string, AreaSeatCounts>();
  /** areaId -> staged area, or null when deleted */
  readonly #areas = new Map<string, Area | null>();
  /** organizationId -> staged organization, or null when deleted */
  readonly #organizations = new Map<string, Organization | null>();
  readonly #settings = new Map<string, JsonValue | null>();
  readonly #outbox: OutboxEntry[] = [];
  readonly #changes: LicenseChangeRecord[] = [];
  readonly #snapshots: UsageSnapshot[] = [];
  readonly #audit: AuditEvent[] = [];
  /** Users whose audit events are redacted at commit, after this transaction's own events are kept. */
  readonly #redactions: string[] = [];
  #open = true;

  constructor(state: MemoryState) {
    this.#state = state;
  }

  async getArea(areaId: string): Promise<Area | null> {
    this.#assertOpen();
    const staged = this.#areas.get(areaId);
    return structuredClone(staged !== undefined ? staged : (this.#state.areas.get(areaId) ?? null));
  }

  async putArea(area: Area): Promise<void> {
    this.#assertOpen();
    this.#areas.set(area.id, structuredClone(area));
  }

  async deleteArea(areaId: string): Promise<boolean> {
    this.#assertOpen();
    if ((await this.getArea(areaId)) === null) return false;
    this.#areas.set(areaId, null);
    return true;
  }

  async getOrganization(organizationId: string): Promise<Organization | null> {
    this.#assertOpen();
    const staged = this.#organizations.get(organizationId);
    return structuredClone(staged !== undefined ? staged : (this.#state.organizations.get(organizationId) ?? null));
  }

  async listAreas(): Promise<readonly Area[]> {
    this.#assertOpen();
    return structuredClone(present(new Map<string, Area | null>([...this.#state.areas, ...this.#areas]).values()));
  }

  async listOrganizations(areaId?: string): Promise<readonly Organization[]> {
    this.#assertOpen();
    const merged = present(new Map<string, Organization | null>([...this.#state.organizations, ...this.#organizations]).values());
    return structuredClone(areaId === undefined ? merged : merged.filter((o) => o.areaId === areaId));
  }

  async putOrganization(organization: Organization): Promise<void> {
    this.#assertOpen();
    this.#organizations.set(organization.id, structuredClone(organization));
  }

  async deleteOrganization(organizationId: string): Promise<boolean> {
    this.#assertOpen();
    if ((await this.getOrganization(organizationId)) === null) return false;
    this.#organizations.set(organizationId, null);
    return true;
  }

  async countUsers(areaIds?: readonly string[]): Promise<readonly AreaSeatCounts[]> {
    this.#assertOpen();
    const ids = areaIds ?? (await this.listAreas()).map((a) => a.id);
    return ids.map((areaId) => reportCounts(this.#counts.get(areaId) ?? this.#state.countsOf(areaId)));
  }

  async getUser(userId: string): Promise<User | null> {
    this.#assertOpen();
    return structuredClone(this.#user(userId));
  }

  async findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]> {
    this.#assertOpen();
    return structuredClone(collect(new Set(usernames.map(usernameKey)), (key) => this.#byUsername(key)));
  }

  async findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]> {
    this.#assertOpen();
    return structuredClone(collect(new Set(externalIds), (externalId) => this.#byExternalId(externalId)));
  }

  async listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]> {
    this.#assertOpen();
    const ids = new Set([...(this.#state.blockedIndex.get(blockedKey(areaId, reason)) ?? []), ...this.#users.keys()]);
    const users = collect(ids, (id) => this.#user(id)).filter((u) => u.areaId === areaId && u.blockReason === reason);
    users.sort((a, b) => (a.blockedAt?.getTime() ?? 0) - (b.blockedAt?.getTime() ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return structuredClone(users.slice(0, limit));
  }

  async insertUsers(users: readonly User[]): Promise<void> {
    this.#assertOpen();
    // Keys claimed earlier in this batch, so a batch cannot collide with itself.
    const claimed = new Map<string, string>();
    for (const user of users) {
      if (this.#user(user.id) !== null || claimed.has(`id:${user.id}`)) throw new ConflictError('id', user.id);
      claimed.set(`id:${user.id}`, user.id);
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
    this.#unstage(before);
    this.#users.set(userId, null);
    return true;
  }

  async getSetting(key: string): Promise<JsonValue | null> {
    this.#assertOpen();
    const staged = this.#settings.get(key);
    return structuredClone(staged !== undefined ? staged : (this.#state.settings.get(key) ?? null));
  }

  async putSetting(key: string, value: JsonValue | null): Promise<void> {
    this.#assertOpen();
    this.#settings.set(key, structuredClone(value));
  }

  async enqueueNotification(entry: OutboxEntry): Promise<void> {
    this.#assertOpen();
    this.#outbox.push(structuredClone(entry));
  }

  async appendLicenseChange(change: LicenseChangeRecord): Promise<void> {
    this.#assertOpen();
    this.#changes.push(structuredClone(change));
  }

  async appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void> {
    this.#assertOpen();
    this.#snapshots.push(structuredClone(snapshot));
  }

  async appendAuditEvents(events: readonly AuditEvent[]): Promise<void> {
    this.#assertOpen();
    // One by one: a spread of a million events (a bulk write) would overflow the call stack.
    for (const event of structuredClone(events)) this.#audit.push(event);
  }

  async redactAuditEvents(userId: string): Promise<void> {
    this.#assertOpen();
    this.#redactions.push(userId);
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
      const owner = state.byUsername.get(key);
      if (id !== null && owner !== undefined && owner !== id && !this.#users.has(owner)) {
        throw new ConflictError('username', this.#users.get(id)?.username ?? key);
      }
    }
    for (const [externalId, id] of this.#externalIds) {
      const owner = state.byExternalId.get(externalId);
      if (id !== null && owner !== undefined && owner !== id && !this.#users.has(owner)) throw new ConflictError('externalId', externalId);
    }
    state.applyUserChanges(
      [...this.#users].map(([id, user]) => {
        const stored = state.users.get(id);
        return [stored, user === null ? null : withLaterActivity(user, stored)] as const;
      }),
    );
    for (const [id, area] of this.#areas) {
      if (area !== null) state.areas.set(id, area);
      else state.deleteArea(id);
    }
    for (const [id, organization] of this.#organizations) {
      if (organization !== null) state.organizations.set(id, organization);
      else state.organizations.delete(id);
    }
    for (const [key, value] of this.#settings) {
      if (value === null) state.settings.delete(key);
      else state.settings.set(key, value);
    }
    for (const entry of this.#outbox) state.outbox.set(entry.id, entry);
    state.licenseChanges.push(...this.#changes);
    state.snapshots.push(...this.#snapshots);
    state.audit.append(this.#audit);
    for (const userId of this.#redactions) state.audit.redact(userId);
  }

  /** Ends the transaction without applying anything. */
  rollback(): void {
    this.#open = false;
  }

  #user(userId: string): User | null {
    const staged = this.#users.get(userId);
    return staged !== undefined ? staged : (this.#state.users.get(userId) ?? null);
  }

  #byUsername(key: string): User | null {
    const staged = this.#usernames.get(key);
    if (staged !== undefined) return staged === null ? null : this.#user(staged);
    const id = this.#state.byUsername.get(key);
    const user = id === undefined ? null : this.#user(id);
    return user !== null && usernameKey(user.username) === key ? user : null;
  }

  #byExternalId(externalId: string): User | null {
    const staged = this.#externalIds.get(externalId);
    if (staged !== undefined) return staged === null ? null : this.#user(staged);
    const id = this.#state.byExternalId.get(externalId);
    const user = id === undefined ? null : this.#user(id);
    return user !== null && user.externalId === externalId ? user : null;
  }

  /** Throws ConflictError unless the user's username and external id are free (or already its own), here and in its batch. */
  #assertFree(user: User, claimed: Map<string, string>): void {
    const takenByOther = (owner: string | undefined) => owner !== undefined && owner !== user.id;
    const key = usernameKey(user.username);
    if (takenByOther(this.#byUsername(key)?.id) || takenByOther(claimed.get(`u:${key}`))) throw new ConflictError('username', user.username);
    claimed.set(`u:${key}`, user.id);
    if (user.externalId !== null) {
      const claim = `x:${user.externalId}`;
      if (takenByOther(this.#byExternalId(user.externalId)?.id) || takenByOther(claimed.get(claim))) throw new ConflictError('externalId', user.externalId);
      claimed.set(claim, user.id);
    }
  }

  /** Stages `user` (a copy of it) in place of `before`, and advances the counts. */
  #stage(before: User | null, user: User): void {
    if (before !== null) this.#unstage(before);
    const after = structuredClone(user);
    this.#users.set(after.id, after);
    this.#usernames.set(usernameKey(after.username), after.id);
    if (after.externalId !== null) this.#externalIds.set(after.externalId, after.id);
    this.#count(after, 1);
  }

  /** Frees the keys of a user about to be replaced or deleted, and takes it out of the counts. */
  #unstage(before: User): void {
    this.#usernames.set(usernameKey(before.username), null);
    if (before.externalId !== null) this.#externalIds.set(before.externalId, null);
    this.#count(before, -1);
  }

  #count(user: User, times: 1 | -1): void {
    const counts = this.#counts.get(user.areaId) ?? this.#state.countsOf(user.areaId);
    this.#counts.set(user.areaId, addToCounts(counts, user, times));
  }

  #assertOpen(): void {
    if (!this.#open) throw new StorageError('This transaction has ended; do all work inside the transaction callback.');
  }
}

/** The records that are not deleted (`null`). */
function present<T>(records: Iterable<T | null>): T[] {
  return [...records].filter((record) => record !== null);
}

/** The users found for these keys. */
function collect<K>(keys: Iterable<K>, find: (key: K) => User | null): User[] {
  return [...keys].map(find).filter((user) => user !== null);
}
