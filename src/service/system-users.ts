import { isLegacyGuest, SYSTEM_USERNAMES } from '../core/system-users.js';
import type { SystemRole, User, WriteOptions } from '../core/schemas.js';
import { ConflictError, NoPrimaryAreaError, SerializationFailureError } from '../errors.js';
import type { SeatTransaction } from '../ports/repository.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { AREA_CHANGE_ATTEMPTS } from './seat-context.js';
import { findUserByUsername } from './reads.js';
import { writeContext } from './validate.js';

/** The result of {@link SystemUsersApi.migrateLegacyGuest}. */
export interface LegacyGuestMigration {
  /** Renamed guests turned into active licensed users (empty when there was nothing to do). */
  readonly migrated: readonly User[];
  /** The new inactive system guest, when one was created. */
  readonly createdGuest: User | null;
}

/** SuperUser, Guest and the legacy guest. */
export interface SystemUsersApi {
  /**
   * Creates the system users SuperUser and Guest in the primary area when
   * missing. They never take a seat and are counted in `totalActiveUsers`.
   * Idempotent.
   *
   * @param options - `actor`: who asks, recorded in the audit trail (default `seatkeeper`)
   * @returns the system users created by this call (empty when none was missing)
   * @throws SeatkeeperError `NO_PRIMARY_AREA` when no primary area is defined
   */
  ensureSystemUsers(options?: WriteOptions): Promise<readonly User[]>;
  /**
   * Migrates legacy guests: a system guest renamed by the site becomes an
   * active licensed user (counted even if that puts the area over its limit:
   * nothing may be lost; the area reports `exceeded` and the responsible person
   * is told), and a new inactive (blocked) system `guest` is created.
   * Idempotent: a second call finds nothing to do.
   *
   * @param options - `actor`: who asks, recorded in the audit trail (default `seatkeeper`)
   */
  migrateLegacyGuest(options?: WriteOptions): Promise<LegacyGuestMigration>;
}

/** Builds the {@link SystemUsersApi}. */
export function systemUsersApi(base: ServiceContext): SystemUsersApi {
  const context = base;
  async function primaryAreaId(): Promise<string> {
    const primary = (await context.repository.listAreas()).find((a) => a.kind === 'primary');
    if (primary === undefined) throw new NoPrimaryAreaError();
    return primary.id;
  }

  async function systemUsers(): Promise<User[]> {
    const users: User[] = [];
    let after: string | null = null;
    do {
      const page = await context.repository.listUsers({ kind: 'system' }, { after, limit: 100 });
      users.push(...page.users);
      after = page.next;
    } while (after !== null);
    return users;
  }

  function systemUser(role: SystemRole, areaId: string, state: 'active' | 'blocked'): User {
    const now = context.clock();
    return {
      id: context.newId(),
      username: SYSTEM_USERNAMES[role],
      email: null,
      displayName: role === 'superuser' ? 'SuperUser' : 'Guest',
      externalId: null,
      areaId,
      organizationId: null,
      kind: 'system',
      systemRole: role,
      state,
      blockReason: state === 'blocked' ? 'admin' : null,
      blockedAt: state === 'blocked' ? now : null,
      blockedBy: state === 'blocked' ? 'seatkeeper' : null,
      source: 'system',
      createdAt: now,
      updatedAt: now,
      lastActivityAt: null,
    };
  }

  async function insertSystemUser(tx: SeatTransaction, user: User): Promise<void> {
    if ((await findUserByUsername(tx, user.username)) !== null) throw new ConflictError('username', user.username);
    await tx.insertUsers([user]);
  }

  return {
    async ensureSystemUsers(options) {
      const context = writeContext(base, options, 'ensureSystemUsers options');
      const areaId = await primaryAreaId();
      // Read before the lock: a transaction never waits for a second connection (a pool of one would hang).
      const seen = await systemUsers();
      return inAreaTransaction(context, [areaId], async (tx) => {
        // Under the lock, through the transaction: the users seen are read again, and a system user a
        // parallel call created meanwhile is found by its username.
        const present = new Set<SystemRole>();
        const current = [...(await Promise.all(seen.map((u) => tx.getUser(u.id)))), ...(await tx.findUsersByUsernames(Object.values(SYSTEM_USERNAMES)))];
        for (const user of current) if (user !== null && user.kind === 'system' && user.systemRole !== null) present.add(user.systemRole);
        const created: User[] = [];
        for (const role of ['superuser', 'guest'] as const) {
          if (present.has(role)) continue;
          const user = systemUser(role, areaId, 'active');
          await insertSystemUser(tx, user);
          created.push(user);
        }
        return created;
      });
    },

    async migrateLegacyGuest(options) {
      const context = writeContext(base, options, 'migrateLegacyGuest options');
      for (let attempt = 1; attempt <= AREA_CHANGE_ATTEMPTS; attempt++) {
        const legacy = (await systemUsers()).filter(isLegacyGuest);
        if (legacy.length === 0) return { migrated: [], createdGuest: null };
        const areaId = await primaryAreaId();
        const areaIds = [...new Set([areaId, ...legacy.map((u) => u.areaId)])];
        const outcome = await inAreaTransaction(context, areaIds, async (tx): Promise<LegacyGuestMigration | null> => {
          const now = context.clock();
          const migrated: User[] = [];
          for (const found of legacy) {
            const user = await tx.getUser(found.id);
            if (user === null || !isLegacyGuest(user)) continue;
            // Moved since it was listed: its seat is counted under its new area's lock, at the next attempt.
            if (!areaIds.includes(user.areaId)) return null;
            migrated.push({ ...user, kind: 'licensed', systemRole: null, updatedAt: now });
          }
          await tx.updateUsers(migrated);
          let createdGuest: User | null = null;
          if (migrated.length > 0 && (await findUserByUsername(tx, SYSTEM_USERNAMES.guest)) === null) {
            createdGuest = systemUser('guest', areaId, 'blocked');
            await tx.insertUsers([createdGuest]);
          }
          for (const id of new Set(migrated.map((u) => u.areaId))) {
            // Counted, not named: a notification never keeps a person's name (see deleteUser).
            const n = migrated.filter((u) => u.areaId === id).length;
            await context.watch.observe(tx, id, { attempted: n === 1 ? 'migrate a legacy guest to a licensed user' : `migrate ${n} legacy guests to licensed users` });
          }
          return { migrated, createdGuest };
        });
        if (outcome !== null) return outcome;
      }
      throw new SerializationFailureError(`A legacy guest moved to another area at each of ${AREA_CHANGE_ATTEMPTS} attempts to lock its area.`);
    },
  };
}
