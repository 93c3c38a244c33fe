import type { Area, BlockReason, Organization, User } from '../core/schemas.js';
import { countNewUser, type AreaSeatCounts } from '../core/usage.js';
import type { JsonValue, LicenseChangeRecord, OutboxEntry, SeatTransaction, UsageSnapshot } from '../ports/repository.js';

/**
 * A transaction that remembers, while it lasts, the last area and the last
 * counts read through it. A seat write reads both for its seat check, and the
 * notification watch reads them again after the write: on a SQL store every
 * read is a round trip (the counts after the write would be one of the six of a
 * `createUser` on PostgreSQL). One of each is enough: most transactions lock
 * one area, and remembering nothing more keeps the wrapper free of allocations.
 *
 * What it remembers stays exact: writing an area forgets it; inserting one
 * licensed user adds that user to the remembered counts (as every repository
 * counts it, see `countNewUser`); any other user write forgets the counts.
 * Everything else passes straight through.
 */
export class ReadCachingTransaction implements SeatTransaction {
  readonly #tx: SeatTransaction;
  #areaId: string | null = null;
  #area: Promise<Area | null> | null = null;
  #counts: AreaSeatCounts | null = null;

  /** @param tx - the repository's transaction to read and write through */
  constructor(tx: SeatTransaction) {
    this.#tx = tx;
  }

  // Plain functions returning promises, not async ones: this sits on every seat write's path.

  getArea(areaId: string): Promise<Area | null> {
    // A failed read is remembered too: the transaction it failed in does not go on (a SQL store aborts it).
    if (this.#area === null || this.#areaId !== areaId) {
      this.#areaId = areaId;
      this.#area = this.#tx.getArea(areaId);
    }
    return this.#area;
  }

  putArea(area: Area): Promise<void> {
    this.#area = null;
    return this.#tx.putArea(area).finally(() => {
      this.#area = null;
    });
  }

  getOrganization(organizationId: string): Promise<Organization | null> {
    return this.#tx.getOrganization(organizationId);
  }

  listOrganizations(areaId: string): Promise<readonly Organization[]> {
    return this.#tx.listOrganizations(areaId);
  }

  putOrganization(organization: Organization): Promise<void> {
    return this.#tx.putOrganization(organization);
  }

  countUsers(areaId: string): Promise<AreaSeatCounts> {
    if (this.#counts !== null && this.#counts.areaId === areaId) return Promise.resolve(this.#counts);
    return this.#tx.countUsers(areaId).then((counts) => (this.#counts = counts));
  }

  getUser(userId: string): Promise<User | null> {
    return this.#tx.getUser(userId);
  }

  findUserByUsername(username: string): Promise<User | null> {
    return this.#tx.findUserByUsername(username);
  }

  findUsersByUsernames(usernames: readonly string[]): Promise<readonly User[]> {
    return this.#tx.findUsersByUsernames(usernames);
  }

  findUsersByExternalIds(externalIds: readonly string[]): Promise<readonly User[]> {
    return this.#tx.findUsersByExternalIds(externalIds);
  }

  listBlockedUsers(areaId: string, reason: BlockReason, limit: number): Promise<readonly User[]> {
    return this.#tx.listBlockedUsers(areaId, reason, limit);
  }

  insertUsers(users: readonly User[]): Promise<void> {
    const only = users.length === 1 ? users[0] : undefined;
    const counted = only !== undefined && only.kind === 'licensed' && this.#counts?.areaId === only.areaId ? this.#counts : null;
    this.#counts = null;
    const inserted = this.#tx.insertUsers(users);
    if (counted === null || only === undefined) return inserted;
    return inserted.then(() => {
      this.#counts = countNewUser(counted, only.organizationId, only.state === 'active');
    });
  }

  updateUsers(users: readonly User[]): Promise<void> {
    this.#counts = null;
    return this.#tx.updateUsers(users).finally(() => {
      this.#counts = null;
    });
  }

  deleteUser(userId: string): Promise<boolean> {
    this.#counts = null;
    return this.#tx.deleteUser(userId).finally(() => {
      this.#counts = null;
    });
  }

  getSetting(key: string): Promise<JsonValue | null> {
    return this.#tx.getSetting(key);
  }

  putSetting(key: string, value: JsonValue | null): Promise<void> {
    return this.#tx.putSetting(key, value);
  }

  enqueueNotification(entry: OutboxEntry): Promise<void> {
    return this.#tx.enqueueNotification(entry);
  }

  appendLicenseChange(change: LicenseChangeRecord): Promise<void> {
    return this.#tx.appendLicenseChange(change);
  }

  appendUsageSnapshot(snapshot: UsageSnapshot): Promise<void> {
    return this.#tx.appendUsageSnapshot(snapshot);
  }
}
