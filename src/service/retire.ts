import {
  retireAreaOptionsSchema,
  retireOrganizationOptionsSchema,
  type RetireAreaOptions,
  type RetireOrganizationOptions,
} from '../core/lifecycle-schemas.js';
import { decideRetirementSeats, type RetirementRefused } from '../core/retirement.js';
import { idSchema, type User, type UserFilter } from '../core/schemas.js';
import { isProtectedSystemUser } from '../core/system-users.js';
import {
  ConfigurationRefusedError,
  InvalidInputError,
  NoPrimaryAreaError,
  SerializationFailureError,
  UnknownAreaError,
  UnknownOrganizationError,
} from '../errors.js';
import { MAX_KEYS_PER_LOOKUP, type SeatTransaction } from '../ports/repository.js';
import { inAreaTransaction, withActor, type ServiceContext } from './context.js';
import { alertKey } from './notifications/watch-state.js';
import { countArea } from './reads.js';
import { AREA_CHANGE_ATTEMPTS, readSeatContext } from './seat-context.js';
import { parseInput } from './validate.js';

/** A retirement that was done: the record is gone, and every profile it had is blocked or moved. */
export interface Retirement {
  /** Always `true`. */
  readonly ok: true;
  /** The profiles it had, every one now blocked or moved. */
  readonly users: number;
  /** Of those, the active ones this call blocked: they no longer hold a seat. */
  readonly blocked: number;
  /** Where its profiles are now: an area, and a partner organization of it or `null` for the host company. */
  readonly movedTo: {
    /** The area its profiles are in now. */
    readonly areaId: string;
    /** The partner organization they belong to now, or `null` for the host company. */
    readonly organizationId: string | null;
  };
}

/** The outcome of a retirement: done, or refused because its users do not all fit where they would move. */
export type RetirementResult = Retirement | RetirementRefused;

/** Retiring partner organizations and extranet areas. */
export interface RetirementApi {
  /**
   * Retires a partner organization: its profiles are blocked or moved first,
   * as the caller chooses, then the organization record is deleted (its quota
   * no longer sets seats aside). Everything happens in one transaction under
   * the locks of the areas involved: all of it, or nothing.
   *
   * - `{ users: 'block' }`: every profile is blocked by an admin (`blockReason:
   *   'admin'`, so no directory sync or pending activation brings it back) and
   *   kept as a host-company profile of the same area. Nobody is deleted: the
   *   profiles can be exported, reinstated (with a seat check) or deleted later.
   * - `{ users: { moveTo } }`: every profile moves to partner organization
   *   `moveTo` (of any area), or with `moveTo: null` to the host company of the
   *   same area, keeping its state. Active users need a seat there by the rules
   *   of a new user; when they do not all fit, nothing is written and the
   *   answer is a refusal with the shortage (seats short, smallest purchase).
   *
   * @param organizationId - the partner organization
   * @param options - `users`: `'block'` or `{ moveTo }`; `blockedBy`: who retires it; `actor`: who retires it, recorded
   *   in the audit trail (each user blocked or moved, and `organization.deleted`)
   * @returns `{ ok: true, users, blocked, movedTo }`, or `{ ok: false, reason, shortage }`
   * @throws InvalidInputError when the options are malformed or `moveTo` is the organization itself
   * @throws UnknownOrganizationError when the organization or `moveTo` is not defined
   * @example
   * ```ts
   * const r = await seats.retireOrganization('acme', { users: { moveTo: null } });
   * if (!r.ok) console.log(r.reason.message, r.shortage?.smallestPurchase);
   * ```
   */
  retireOrganization(organizationId: string, options: RetireOrganizationOptions): Promise<RetirementResult>;
  /**
   * Retires an extranet area: its profiles are blocked or moved first, as the
   * caller chooses, then the area record is deleted. Its license history and
   * usage snapshots stay. The primary area is never retired, and an area is
   * retired only once no partner organization belongs to it (retire them, or
   * move them while they have no user, first). One transaction under the locks
   * of both areas: all of it, or nothing.
   *
   * - `{ users: 'block' }`: every profile is blocked by an admin and kept as a
   *   host-company profile of the primary area, taking no seat there.
   * - `{ users: { moveTo } }`: every profile moves to the host company of area
   *   `moveTo`, keeping its state. Active users need a seat there; when they
   *   do not all fit, nothing is written and the answer is a refusal with the
   *   shortage.
   *
   * @param areaId - the extranet area
   * @param options - `users`: `'block'` or `{ moveTo }`; `blockedBy`: who retires it; `actor`: who retires it, recorded
   *   in the audit trail (each user blocked or moved, and `area.deleted`)
   * @returns `{ ok: true, users, blocked, movedTo }`, or `{ ok: false, reason, shortage }`
   * @throws InvalidInputError when the options are malformed or `moveTo` is the area itself
   * @throws UnknownAreaError when the area or `moveTo` is not defined
   * @throws ConfigurationRefusedError with rule `PRIMARY_AREA_RETIRED` for the primary area, and
   *   `AREA_HAS_ORGANIZATIONS` while partner organizations belong to it
   * @throws NoPrimaryAreaError for `'block'` when the site has no primary area to keep the profiles in
   * @example
   * ```ts
   * await seats.retireArea('suppliers', { users: { moveTo: 'partners' } });
   * ```
   */
  retireArea(areaId: string, options: RetireAreaOptions): Promise<RetirementResult>;
}

/** Builds the {@link RetirementApi}. */
export function retirementApi(context: ServiceContext): RetirementApi {
  const { repository } = context;

  return {
    async retireOrganization(organizationId, options) {
      const id = parseInput(idSchema, organizationId, 'organization id');
      const data = parseInput(retireOrganizationOptionsSchema, options, 'retireOrganization options');
      const writer = withActor(context, data.actor);
      const blockedBy = data.blockedBy ?? data.actor?.id ?? 'retireOrganization';
      const moveTo = data.users === 'block' ? undefined : data.users.moveTo;
      if (moveTo === id) throw sameTarget('moveTo', `is the organization being retired; name another one, or null for the host company`);
      for (let attempt = 1; attempt <= AREA_CHANGE_ATTEMPTS; attempt++) {
        // Both areas must be locked, and are only known by reading the organizations first.
        const [seen, target] = await Promise.all([repository.getOrganization(id), moveTo == null ? null : repository.getOrganization(moveTo)]);
        if (seen === null) throw new UnknownOrganizationError(id);
        if (moveTo != null && target === null) throw new UnknownOrganizationError(moveTo);
        const to = { areaId: target?.areaId ?? seen.areaId, organizationId: moveTo ?? null };
        const listed = await listProfiles({ organizationId: id });
        const outcome = await inAreaTransaction(writer, [seen.areaId, to.areaId], async (tx): Promise<RetirementResult | null> => {
          const organization = await tx.getOrganization(id);
          if (organization === null) throw new UnknownOrganizationError(id);
          const targetNow = moveTo == null ? null : await tx.getOrganization(moveTo);
          if (moveTo != null && targetNow === null) throw new UnknownOrganizationError(moveTo);
          // Moved between the look-up and the lock: the next attempt locks where they are now.
          if (organization.areaId !== seen.areaId || (targetNow !== null && targetNow.areaId !== to.areaId)) return null;
          const counts = await countArea(tx, organization.areaId);
          const expected = counts.organizations.find((c) => c.organizationId === id)?.users ?? 0;
          const members = await reread(tx, listed, (u) => u.organizationId === id && u.areaId === organization.areaId, expected);
          if (members === null) return null;
          if (data.users !== 'block') {
            const refused = await refusedSeats(tx, members, to, id);
            if (refused !== null) return refused;
          }
          const written = relocated(members, data.users === 'block' ? blockedBy : null, to);
          await tx.updateUsers(written);
          await tx.deleteOrganization(id);
          const attempted = `retire partner organization "${organization.name}"`;
          for (const areaId of new Set([organization.areaId, to.areaId])) await context.watch.observe(tx, areaId, { attempted });
          return done(members, written, to);
        });
        if (outcome !== null) return outcome;
      }
      throw new SerializationFailureError(`Partner organization "${id}" or its users kept changing while it was being retired.`);
    },

    async retireArea(areaId, options) {
      const id = parseInput(idSchema, areaId, 'area id');
      const data = parseInput(retireAreaOptionsSchema, options, 'retireArea options');
      const writer = withActor(context, data.actor);
      const blockedBy = data.blockedBy ?? data.actor?.id ?? 'retireArea';
      if (data.users !== 'block' && data.users.moveTo === id) throw sameTarget('moveTo', 'is the area being retired; name another area');
      for (let attempt = 1; attempt <= AREA_CHANGE_ATTEMPTS; attempt++) {
        const areas = await repository.listAreas();
        const area = areas.find((a) => a.id === id);
        if (area === undefined) throw new UnknownAreaError(id);
        if (area.kind === 'primary') {
          throw new ConfigurationRefusedError('PRIMARY_AREA_RETIRED', `"${area.name}" is the primary area; a site always has one, so it is never retired. Nothing was written.`);
        }
        let targetId: string;
        if (data.users === 'block') {
          const primary = areas.find((a) => a.kind === 'primary');
          if (primary === undefined) throw new NoPrimaryAreaError();
          targetId = primary.id;
        } else {
          targetId = data.users.moveTo;
          if (!areas.some((a) => a.id === targetId)) throw new UnknownAreaError(targetId);
        }
        const to = { areaId: targetId, organizationId: null };
        const listed = await listProfiles({ areaId: id });
        const outcome = await inAreaTransaction(writer, [id, targetId], async (tx): Promise<RetirementResult | null> => {
          const current = await tx.getArea(id);
          if (current === null) throw new UnknownAreaError(id);
          if ((await tx.getArea(targetId)) === null) throw new UnknownAreaError(targetId);
          const partners = await tx.listOrganizations(id);
          if (partners.length > 0) {
            throw new ConfigurationRefusedError(
              'AREA_HAS_ORGANIZATIONS',
              `"${current.name}" still has partner organizations (${partners.map((o) => `"${o.id}"`).join(', ')}). ` +
                'Retire them with retireOrganization() first (or move one without users to another area with defineOrganization()). Nothing was written.',
            );
          }
          const counts = await countArea(tx, id);
          const members = await reread(tx, listed, (u) => u.areaId === id, counts.users);
          if (members === null) return null;
          if (data.users !== 'block') {
            const refused = await refusedSeats(tx, members, to, null);
            if (refused !== null) return refused;
          }
          const written = relocated(members, data.users === 'block' ? blockedBy : null, to);
          await tx.updateUsers(written);
          // The area's notification state goes with it; its history and snapshots stay.
          await tx.putSetting(alertKey(id), null);
          await tx.deleteArea(id);
          await context.watch.observe(tx, targetId, { attempted: `retire area "${current.name}"` });
          return done(members, written, to);
        });
        if (outcome !== null) return outcome;
      }
      throw new SerializationFailureError(`Area "${id}" or its users kept changing while it was being retired.`);
    },
  };

  /** Every profile matching the filter, read page by page before the lock (a transaction never waits for a second connection). */
  async function listProfiles(filter: UserFilter): Promise<User[]> {
    const users: User[] = [];
    let after: string | null = null;
    do {
      const page = await repository.listUsers(filter, { after, limit: 1_000 });
      users.push(...page.users);
      after = page.next;
    } while (after !== null);
    return users;
  }

  /** The refusal when the active users among `members` do not all get a seat at `to`, after telling the watch; else `null`. */
  async function refusedSeats(
    tx: SeatTransaction,
    members: readonly User[],
    to: { readonly areaId: string; readonly organizationId: string | null },
    retiredOrganizationId: string | null,
  ): Promise<RetirementRefused | null> {
    const target = await readSeatContext(tx, to.areaId);
    const decision = decideRetirementSeats({
      target,
      organizationId: to.organizationId,
      retiredOrganizationId,
      movers: members,
      minimumPurchase: context.options.minimumPurchase,
    });
    if (decision.ok) return null;
    const seats = members.filter((u) => u.kind === 'licensed' && u.state === 'active').length;
    await context.watch.observe(tx, to.areaId, { attempted: `move ${seats} user${seats === 1 ? '' : 's'} into "${target.area.name}" to retire ${retiredOrganizationId === null ? 'an area' : 'a partner organization'}`, refusal: decision.reason });
    return { ok: false, reason: decision.reason, shortage: 'shortage' in decision ? decision.shortage : null };
  }

  /**
   * The profiles as they are once moved to `to`, each blocked by an admin first
   * when `blockedBy` is set: then it takes no seat, and nothing but
   * `reinstateUser` activates it again (not a sync, not a pending activation).
   */
  function relocated(members: readonly User[], blockedBy: string | null, to: { readonly areaId: string; readonly organizationId: string | null }): User[] {
    const now = context.clock();
    return members.map((user) => {
      const moved: User = { ...user, areaId: to.areaId, organizationId: to.organizationId, updatedAt: now };
      // The SuperUser is never blocked; it only moves. A profile an admin blocked stays as it was blocked.
      if (blockedBy === null || isProtectedSystemUser(user) || (user.state === 'blocked' && user.blockReason === 'admin')) return moved;
      return { ...moved, state: 'blocked', blockReason: 'admin', blockedAt: now, blockedBy };
    });
  }
}

/**
 * The listed profiles as they are under the lock, when they are exactly the
 * ones that `belongs` now (`expected` of them, by the locked counts); `null`
 * when one was added, removed or renamed meanwhile, to try again. Re-read by
 * username, {@link MAX_KEYS_PER_LOOKUP} a query.
 */
async function reread(tx: SeatTransaction, listed: readonly User[], belongs: (user: User) => boolean, expected: number): Promise<User[] | null> {
  if (listed.length !== expected) return null;
  const ids = new Set(listed.map((u) => u.id));
  const members: User[] = [];
  for (let start = 0; start < listed.length; start += MAX_KEYS_PER_LOOKUP) {
    const found = await tx.findUsersByUsernames(listed.slice(start, start + MAX_KEYS_PER_LOOKUP).map((u) => u.username));
    members.push(...found.filter((u) => ids.has(u.id) && belongs(u)));
  }
  return members.length === expected ? members : null;
}

function done(members: readonly User[], written: readonly User[], movedTo: { readonly areaId: string; readonly organizationId: string | null }): Retirement {
  const blocked = written.filter((u, i) => u.state === 'blocked' && members[i]?.state === 'active').length;
  return { ok: true, users: members.length, blocked, movedTo };
}

function sameTarget(path: string, message: string): InvalidInputError {
  return new InvalidInputError('retirement options', [{ path: ['users', path], code: 'custom', message }]);
}
