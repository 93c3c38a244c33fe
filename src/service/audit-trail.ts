/**
 * The audit recorder: the one mechanism that writes the audit trail. Every
 * write transaction of the service (`inAreaTransaction`) runs on an
 * {@link AuditedTransaction}, which passes every call to the repository's
 * transaction and notes, per record, the value it first read (or fetched
 * before writing) and the value it last wrote. When the work is done, still
 * inside the transaction, it appends one event per changed user, area,
 * organization, license change and audited setting (`appendAuditEvents`), and
 * redacts the events of users it deleted: the trail commits or rolls back with
 * the change, and no write path can forget it.
 *
 * @module
 */
import {
  areaAuditEvent,
  licenseAuditEvent,
  organizationAuditEvent,
  settingAuditEvent,
  userAuditEvent,
  type AuditActor,
  type AuditEvent,
  type AuditEventDraft,
  type AuditValue,
} from '../core/audit.js';
import type { Area, BlockReason, Organization, User } from '../core/schemas.js';
import type { AreaSeatCounts } from '../core/usage.js';
import type { Clock } from '../ports/clock.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, SeatTransaction, UsageSnapshot } from '../ports/repository.js';
import { RESPONSIBLE_PERSON_KEY } from './notifications/watch-state.js';

/** The settings whose changes are recorded, each with the field name its events use. */
const AUDITED_SETTINGS: ReadonlyMap<string, string> = new Map([[RESPONSIBLE_PERSON_KEY, 'email']]);

/** A record's value before the transaction changed it, and after. */
interface Change<T> {
  /** As first read or fetched; `null` when it did not exist. */
  readonly before: T | null;
  /** As last written; `null` when deleted; `undefined` while only read. */
  after: T | null | undefined;
}

/**
 * A {@link SeatTransaction} that records what the work changes. Reads pass
 * through and note what they return; writes fetch what they replace when it
 * was not read first (rare: the service reads every record under the lock
 * before it writes it).
 */
export class AuditedTransaction implements SeatTransaction {
  readonly #inner: SeatTransaction;
  readonly #clock: Clock;
  readonly #actor: AuditActor;
  readonly #users = new Map<string, Change<User>>();
  readonly #areas = new Map<string, Change<Area>>();
  readonly #organizations = new Map<string, Change<Organization>>();
  readonly #settings = new Map<string, Change<JsonValue>>();
  readonly #licenseChanges: LicenseChangeRecord[] = [];
  /** The records in the order of their first write, so events follow the work. */
  readonly #order: (readonly [kind: 'user' | 'area' | 'organization' | 'setting', id: string] | readonly [kind: 'license', index: number])[] = [];
  readonly #deleted: string[] = [];

  /**
   * @param inner - the repository's transaction
   * @param clock - the time of the events
   * @param actor - who makes the changes
   */
  constructor(inner: SeatTransaction, clock: Clock, actor: AuditActor) {
    this.#inner = inner;
    this.#clock = clock;
    this.#actor = actor;
  }

  async getArea(areaId: string): Promise<Area | null> {
    return this.#seen(this.#areas, areaId, await this.#inner.getArea(areaId));
  }

  async listAreas(): Promise<readonly Area[]> {
    const areas = await this.#inner.listAreas();
    for (const area of areas) this.#seen(this.#areas, area.id, area);
    return areas;
  }

  async getOrganization(organizationId: string): Promise<Organization | null> {
    return this.#seen(this.#organizations, organizationId, await this.#inner.getOrganization(organizationId));
  }

  async listOrganizations(areaId?: string): Promise<readonly Organization[]> {
    const organizations = await this.#inner.listOrganizations(areaId);
    for (const organization of organizations) this.#seen(this.#organizations, organization.id, organization);
    return organizations;
  }

  async getUser(userId: string): Promise<User | null> {
    return this.#seen(this.#users, userId, await this.#inner.getUser(userId));
  }

  async findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]> {
    return this.#seenUsers(await this.#inner.findUsersByUsernames(usernames));
  }

  async findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]> {
    return this.#seenUsers(await this.#inner.findUsersByExternalIds(externalIds));
  }

  async listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]> {
    return this.#seenUsers(await this.#inner.listBlockedUsers(areaId, reason, limit));
  }

  countUsers(areaIds?: readonly string[]): Promise<readonly AreaSeatCounts[]> {
    return this.#inner.countUsers(areaIds);
  }

  async getSetting(key: string): Promise<JsonValue | null> {
    const value = await this.#inner.getSetting(key);
    return AUDITED_SETTINGS.has(key) ? this.#seen(this.#settings, key, value) : value;
  }

  async putArea(area: Area): Promise<void> {
    if (!this.#areas.has(area.id)) this.#seen(this.#areas, area.id, await this.#inner.getArea(area.id));
    await this.#inner.putArea(area);
    this.#wrote(this.#areas, 'area', area.id, area);
  }

  async putOrganization(organization: Organization): Promise<void> {
    if (!this.#organizations.has(organization.id)) this.#seen(this.#organizations, organization.id, await this.#inner.getOrganization(organization.id));
    await this.#inner.putOrganization(organization);
    this.#wrote(this.#organizations, 'organization', organization.id, organization);
  }

  async deleteArea(areaId: string): Promise<boolean> {
    if (!this.#areas.has(areaId)) this.#seen(this.#areas, areaId, await this.#inner.getArea(areaId));
    const deleted = await this.#inner.deleteArea(areaId);
    if (deleted) this.#wrote(this.#areas, 'area', areaId, null);
    return deleted;
  }

  async deleteOrganization(organizationId: string): Promise<boolean> {
    if (!this.#organizations.has(organizationId)) this.#seen(this.#organizations, organizationId, await this.#inner.getOrganization(organizationId));
    const deleted = await this.#inner.deleteOrganization(organizationId);
    if (deleted) this.#wrote(this.#organizations, 'organization', organizationId, null);
    return deleted;
  }

  async insertUsers(users: readonly User[]): Promise<void> {
    await this.#inner.insertUsers(users);
    for (const user of users) {
      if (!this.#users.has(user.id)) this.#users.set(user.id, { before: null, after: undefined });
      this.#wrote(this.#users, 'user', user.id, user);
    }
  }

  async updateUsers(users: readonly User[]): Promise<void> {
    await this.#fetchUnread(users.map((u) => u.id));
    await this.#inner.updateUsers(users);
    for (const user of users) this.#wrote(this.#users, 'user', user.id, user);
  }

  async deleteUser(userId: string): Promise<boolean> {
    await this.#fetchUnread([userId]);
    const deleted = await this.#inner.deleteUser(userId);
    if (deleted) {
      this.#wrote(this.#users, 'user', userId, null);
      this.#deleted.push(userId);
    }
    return deleted;
  }

  async putSetting(key: string, value: JsonValue | null): Promise<void> {
    const audited = AUDITED_SETTINGS.has(key);
    if (audited && !this.#settings.has(key)) this.#seen(this.#settings, key, await this.#inner.getSetting(key));
    await this.#inner.putSetting(key, value);
    if (audited) this.#wrote(this.#settings, 'setting', key, value);
  }

  enqueueNotification(entry: OutboxEntry): Promise<void> {
    return this.#inner.enqueueNotification(entry);
  }

  async appendLicenseChange(change: LicenseChangeRecord): Promise<void> {
    await this.#inner.appendLicenseChange(change);
    this.#order.push(['license', this.#licenseChanges.length]);
    this.#licenseChanges.push(change);
  }

  appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void> {
    return this.#inner.appendUsageSnapshot(snapshot);
  }

  appendAuditEvents(events: readonly AuditEvent[]): Promise<void> {
    return this.#inner.appendAuditEvents(events);
  }

  redactAuditEvents(userId: string): Promise<void> {
    return this.#inner.redactAuditEvents(userId);
  }

  /**
   * Appends the events of everything the work changed, then redacts the events
   * of the users it deleted (their `user.deleted` event included). Called once,
   * after the work, inside the transaction.
   */
  async flush(): Promise<void> {
    const licensed = new Set(this.#licenseChanges.map((c) => c.areaId));
    const drafts: AuditEventDraft[] = [];
    for (const [kind, key] of this.#order) {
      const draft = this.#draft(kind, key, licensed);
      if (draft !== null) drafts.push(draft);
    }
    if (drafts.length > 0) {
      const at = this.#clock();
      await this.#inner.appendAuditEvents(drafts.map((draft) => ({ id: auditEventId(), at, actor: this.#actor, ...draft })));
    }
    for (const userId of this.#deleted) await this.#inner.redactAuditEvents(userId);
  }

  #draft(kind: 'user' | 'area' | 'organization' | 'setting' | 'license', key: string | number, licensed: ReadonlySet<string>): AuditEventDraft | null {
    switch (kind) {
      case 'license':
        return licenseAuditEvent(this.#licenseChanges[key as number] as LicenseChangeRecord);
      case 'user': {
        const change = this.#users.get(key as string) as Change<User>;
        return userAuditEvent(change.before, change.after ?? null);
      }
      case 'area': {
        const change = this.#areas.get(key as string) as Change<Area>;
        return areaAuditEvent(change.before, change.after ?? null, licensed.has(key as string));
      }
      case 'organization': {
        const change = this.#organizations.get(key as string) as Change<Organization>;
        return organizationAuditEvent(change.before, change.after ?? null);
      }
      case 'setting': {
        const change = this.#settings.get(key as string) as Change<JsonValue>;
        return settingAuditEvent(key as string, AUDITED_SETTINGS.get(key as string) as string, scalar(change.before), scalar(change.after ?? null));
      }
    }
  }

  /** Notes a record as read, unless its value before the transaction is known already. */
  #seen<T>(changes: Map<string, Change<T>>, id: string, value: T | null): T | null {
    if (!changes.has(id)) changes.set(id, { before: value, after: undefined });
    return value;
  }

  #seenUsers(users: readonly User[]): readonly User[] {
    for (const user of users) this.#seen(this.#users, user.id, user);
    return users;
  }

  #wrote<T>(changes: Map<string, Change<T>>, kind: 'user' | 'area' | 'organization' | 'setting', id: string, value: T | null): void {
    const change = changes.get(id) ?? { before: null, after: undefined };
    changes.set(id, change);
    if (change.after === undefined) this.#order.push([kind, id]);
    change.after = value;
  }

  /** Reads the users a write replaces that the work did not read first, so their events have a before. */
  async #fetchUnread(userIds: readonly string[]): Promise<void> {
    for (const id of userIds) if (!this.#users.has(id)) this.#seen(this.#users, id, await this.#inner.getUser(id));
  }
}

/** A setting's value as an event field: scalars as they are, anything else as JSON text. */
function scalar(value: JsonValue | null): AuditValue {
  return value === null || typeof value !== 'object' ? value : JSON.stringify(value);
}

let lastMillis = 0;
let sequence = 0;

/**
 * A new audit event id: a UUID version 7 (RFC 9562) whose 12-bit `rand_a`
 * field is a counter, so the ids one process makes sort in the order they were
 * made (method 1 of RFC 9562 section 6.2) and events of the same instant are
 * listed in the order they happened. The time is the real time, never the
 * injected clock: it only orders, `at` says when.
 */
export function auditEventId(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one, so the order holds.
    lastMillis++;
    sequence = 0;
  }
  const random = globalThis.crypto.getRandomValues(new Uint8Array(8));
  random[0] = ((random[0] as number) & 0x3f) | 0x80; // the variant, 10xx
  const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
  const time = hex(lastMillis, 12);
  const tail = [...random].map((b) => hex(b, 2)).join('');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-${hex(0x7000 | sequence, 4)}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`;
}
