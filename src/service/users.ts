import { externalIdTakenMessage, usernameNotAllowedMessage, usernameTakenMessage } from '../core/key-messages.js';
import { moveUserTargetSchema, type MoveUserTarget } from '../core/lifecycle-schemas.js';
import { decideSeat, type SeatRefusal } from '../core/seat-policy.js';
import { addToCounts } from '../core/usage.js';
import type { UserResult } from '../core/results.js';
import {
  blockUserOptionsSchema,
  createUserInputSchema,
  idSchema,
  updateUserInputSchema,
  usernameKey,
  usernameSchema,
  type BlockReason,
  type BlockUserOptions,
  type CreateUserInput,
  type ListUsersOptions,
  type ListUsersPageOptions,
  type UpdateUserInput,
  type User,
  type UserSource,
  type WriteOptions,
} from '../core/schemas.js';
import { isProtectedSystemUser, reservedUsernameRefusal } from '../core/system-users.js';
import { ConfigurationRefusedError, ConflictError, UnknownUserError } from '../errors.js';
import { usernameProblem } from '../core/username.js';
import type { SeatTransaction, UserPage } from '../ports/repository.js';
import { inAreaTransaction, withActor, type ServiceContext } from './context.js';
import { assertOrganizationIn, inUserArea, readSeatContext } from './seat-context.js';
import { parseInput, writeContext } from './validate.js';
import { findUserByUsername } from './reads.js';
import { listUsersOn } from './find-users.js';

/** Creating, changing, blocking, reinstating, deleting and finding users. */
export interface UsersApi {
  /**
   * Creates a licensed, active user by hand, if a seat is free. The check and
   * the insert are one atomic step under the area's lock: parallel calls never
   * take more seats than there are.
   *
   * @param input - username (unique site-wide by its canonical form: case, width and accent composition ignored), areaId, optional organizationId, email, displayName, externalId
   * @param options - `actor`: who creates it, recorded in the audit trail
   * @returns `{ ok: true, user }`, or `{ ok: false, reason }` with `LICENSE_LIMIT_REACHED`,
   *   `PARTNER_QUOTA_REACHED`, `PARTNER_ACCESS_DENIED`, `USERNAME_NOT_ALLOWED` (a name that
   *   could pass for another), `USERNAME_TAKEN` (also for the system users' names, `superuser`
   *   and `guest`, which stay reserved while the site has no such user) or `EXTERNAL_ID_TAKEN`;
   *   nothing is written on a refusal
   * @throws InvalidInputError, UnknownAreaError, UnknownOrganizationError
   * @example
   * ```ts
   * const r = await seats.createUser({ username: 'alice', areaId: 'primary' }, { actor: { id: 'admin-7', name: 'Ada Admin' } });
   * if (!r.ok) console.log(r.reason.code, r.reason.message);
   * ```
   */
  createUser(input: CreateUserInput, options?: WriteOptions): Promise<UserResult>;
  /**
   * Changes profile fields. Renaming the system guest makes it a legacy guest
   * (see `migrateLegacyGuest`). The system users' names (`superuser`, `guest`)
   * are reserved: no other user is renamed to one, even while the site has no
   * such system user.
   *
   * @param userId - the user
   * @param changes - username, email, displayName, externalId; `null` clears a field
   * @param options - `actor`: who changes it, recorded in the audit trail
   * @returns the updated user, or a `USERNAME_NOT_ALLOWED` / `USERNAME_TAKEN` /
   *   `EXTERNAL_ID_TAKEN` refusal. Only a new username is checked: a user keeps the
   *   name it has even when that name would not be allowed today.
   * @throws InvalidInputError, UnknownUserError
   */
  updateUser(userId: string, changes: UpdateUserInput, options?: WriteOptions): Promise<UserResult>;
  /**
   * Blocks a user: always allowed, frees its seat, keeps the profile. A user
   * blocked here is never activated again by a directory sync, only by
   * `reinstateUser`. Blocking a blocked user records the admin as the reason.
   * The SuperUser is never blocked: the site must keep an account that can
   * administer it.
   *
   * @param userId - the user
   * @param options - `actor`: who blocks, recorded in the audit trail; `blockedBy`: who blocks, kept on the
   *   profile for `explainUser` (default: the actor's id)
   * @returns the blocked user
   * @throws UnknownUserError
   * @throws ConfigurationRefusedError with rule `SYSTEM_USER_PROTECTED` for the SuperUser (nothing is written)
   */
  blockUser(userId: string, options?: BlockUserOptions): Promise<User>;
  /**
   * Reinstates (unblocks) a user, if a seat is free. Reinstating an active user returns it unchanged.
   *
   * @param userId - the user
   * @param options - `actor`: who reinstates it, recorded in the audit trail
   * @returns `{ ok: true, user }`, or a refusal as for `createUser`
   * @throws UnknownUserError
   */
  reinstateUser(userId: string, options?: WriteOptions): Promise<UserResult>;
  /**
   * Deletes a user **permanently and irreversibly**: the profile and its data
   * are gone and cannot be retrieved. Frees its seat. To keep the profile and
   * free the seat, use `blockUser` instead. Notifications never name a user,
   * so nothing in the outbox keeps the deleted user's name or email, and the
   * audit trail keeps the user's events (its id, what changed and who changed
   * it) but loses its username, email and display name, in the same
   * transaction. The SuperUser is never deleted; the system guest may be
   * (`ensureSystemUsers` creates it again, and its name stays reserved meanwhile).
   *
   * @param userId - the user
   * @param options - `actor`: who deletes it, recorded in the audit trail
   * @returns the deleted user as it was
   * @throws UnknownUserError
   * @throws ConfigurationRefusedError with rule `SYSTEM_USER_PROTECTED` for the SuperUser (nothing is written)
   */
  deleteUser(userId: string, options?: WriteOptions): Promise<User>;
  /**
   * Moves a user to another area, or to another partner organization (or the
   * host company) in its area. Both areas are locked in one transaction: an
   * active licensed user needs a seat in the target by the rules of a new
   * user there (its own seat counts as free when it stays in the area), and its
   * old seat is freed in the same step. A blocked user moves without a seat
   * check and stays blocked (a user waiting for a seat now waits in the
   * target). Moving a user where it already is changes nothing.
   *
   * A directory-managed user's area comes from the directory: the next sync
   * moves it back unless the feed changes too.
   *
   * @param userId - the user
   * @param target - `areaId`, and `organizationId`: a partner of that area, or `null` for the host company
   * @param options - `actor`: who moves it, recorded in the audit trail (`user.moved`)
   * @returns `{ ok: true, user }` as moved, or `{ ok: false, reason }` with `LICENSE_LIMIT_REACHED`,
   *   `PARTNER_QUOTA_REACHED` or `PARTNER_ACCESS_DENIED` from the target; nothing is written on a refusal
   * @throws InvalidInputError, UnknownUserError, UnknownAreaError, UnknownOrganizationError (not in the target area)
   * @throws ConfigurationRefusedError with rule `SYSTEM_USER_PROTECTED` for a system user (they stay in the primary area)
   * @example
   * ```ts
   * const r = await seats.moveUser(userId, { areaId: 'partners', organizationId: 'acme' });
   * if (!r.ok) console.log(r.reason.code); // e.g. PARTNER_QUOTA_REACHED: nothing moved
   * ```
   */
  moveUser(userId: string, target: MoveUserTarget, options?: WriteOptions): Promise<UserResult>;
  /** The user with this id, or `null`. */
  getUser(userId: string): Promise<User | null>;
  /**
   * The user with this username by its canonical form (case, width and accent composition ignored), or `null`.
   *
   * @example
   * ```ts
   * await seats.findUserByUsername('ALICE'); // finds "alice"
   * ```
   */
  findUserByUsername(username: string): Promise<User | null>;
  /**
   * One page of the users matching the filter, ordered by username ignoring
   * case: at most `limit` users, and `next`, the cursor to pass as `after` for
   * the following page (`null` when no match follows). A page costs the same
   * however deep it lies (keyset paging, never an offset), and a cursor stays
   * valid while users are added or removed.
   *
   * Filters: `areaId`, `organizationId` (`null`: the host company), `state`,
   * `kind`, `blockReason`, `source`, and `search`: the username, display name
   * or email address contains the text, ignoring case, width, Unicode
   * composition and accents (`Emile` finds `Émile Zola`). Every filter narrows
   * the list; a blank search matches everyone.
   *
   * @param options - the filter, `limit` (1 to 10,000) and `after` (the previous page's `next`)
   * @returns the page: `{ users, next }`
   * @throws InvalidInputError (as a rejection) when an option is malformed
   * @example
   * ```ts
   * let page = await seats.listUsers({ areaId: 'primary', search: 'zola', limit: 50 });
   * while (page.next !== null) page = await seats.listUsers({ areaId: 'primary', search: 'zola', limit: 50, after: page.next });
   * ```
   */
  listUsers(options: ListUsersPageOptions): Promise<UserPage>;
  /**
   * Every user matching the filter (as for the paged form), ordered by
   * username ignoring case, read page by page underneath (`pageSize` users
   * each, default 500) so memory stays flat however many there are.
   *
   * @param options - the filter and `pageSize`
   * @returns the users, as an async iterable
   * @throws InvalidInputError when an option is malformed
   * @example
   * ```ts
   * for await (const user of seats.listUsers({ areaId: 'primary', state: 'blocked' })) console.log(user.username);
   * ```
   */
  listUsers(options?: ListUsersOptions): AsyncIterable<User>;
}

/** The fields of a new user that `createUser`, CSV import and directory sync share. */
export interface NewUserFields {
  readonly username: string;
  readonly areaId: string;
  readonly organizationId?: string | null | undefined;
  readonly email?: string | undefined;
  readonly displayName?: string | null | undefined;
  readonly externalId?: string | undefined;
}

/** Builds the {@link UsersApi}. */
export function usersApi(base: ServiceContext): UsersApi {
  const context = base;
  return {
    async createUser(input, options) {
      const data = parseInput(createUserInputSchema, input, 'createUser input');
      return await createLicensedUser(writeContext(context, options, 'createUser options'), data, 'manual', 'create a user');
    },

    async updateUser(userId, changes, options) {
      const id = parseInput(idSchema, userId, 'user id');
      const data = parseInput(updateUserInputSchema, changes, 'updateUser input');
      const context = writeContext(base, options, 'updateUser options');
      const current = await context.repository.getUser(id);
      if (current === null) throw new UnknownUserError(id);
      return withUniqueKeys(current.areaId, data, () => inUserArea(context, current, async (tx, user) => {
        // An unchanged name is not checked again: it may predate today's rules (see diagnose()).
        const rename = data.username !== undefined && data.username !== user.username ? data.username : undefined;
        const reserved = rename !== undefined && usernameKey(rename) !== usernameKey(user.username) ? reservedUsernameRefusal(rename, user) : null;
        if (reserved !== null) return { ok: false, reason: { ...reserved, areaId: user.areaId } };
        const taken = await keyRefusal(tx, { username: rename, externalId: data.externalId ?? undefined }, user.organizationId, user);
        if (taken !== null) return { ok: false, reason: { ...taken, areaId: user.areaId } };
        const updated: User = {
          ...user,
          username: data.username ?? user.username,
          email: data.email === undefined ? user.email : data.email,
          displayName: data.displayName === undefined ? user.displayName : data.displayName,
          externalId: data.externalId === undefined ? user.externalId : data.externalId,
          updatedAt: context.clock(),
        };
        await tx.updateUsers([updated]);
        return { ok: true, user: updated };
      }));
    },

    async blockUser(userId, options = {}) {
      const id = parseInput(idSchema, userId, 'user id');
      const { actor, blockedBy = actor?.id } = parseInput(blockUserOptionsSchema, options, 'blockUser options');
      return inUserArea(withActor(base, actor), id, async (tx, user) => {
        refuseProtected(user, 'blocked');
        if (user.state === 'blocked' && user.blockReason === 'admin') return user;
        const now = context.clock();
        const blocked: User = {
          ...user,
          state: 'blocked',
          blockReason: 'admin',
          blockedAt: user.state === 'blocked' ? (user.blockedAt ?? now) : now,
          blockedBy: blockedBy ?? null,
          updatedAt: now,
        };
        await tx.updateUsers([blocked]);
        await context.watch.observe(tx, user.areaId, { attempted: 'block a user' });
        return blocked;
      });
    },

    async reinstateUser(userId, options) {
      const id = parseInput(idSchema, userId, 'user id');
      const context = writeContext(base, options, 'reinstateUser options');
      return inUserArea(context, id, async (tx, user): Promise<UserResult> => {
        if (user.state === 'active') return { ok: true, user };
        if (user.kind === 'licensed') {
          const seat = decideSeat(await readSeatContext(tx, user.areaId), user.organizationId);
          if (!seat.ok) {
            await context.watch.observe(tx, user.areaId, { attempted: 'reinstate a user', refusal: seat.reason });
            return seat;
          }
        }
        const active: User = { ...user, state: 'active', blockReason: null, blockedAt: null, blockedBy: null, updatedAt: context.clock() };
        await tx.updateUsers([active]);
        await context.watch.observe(tx, user.areaId, { attempted: 'reinstate a user' });
        return { ok: true, user: active };
      });
    },

    async deleteUser(userId, options) {
      const id = parseInput(idSchema, userId, 'user id');
      const context = writeContext(base, options, 'deleteUser options');
      // The audit trail's recorder redacts the user's events in this transaction.
      return inUserArea(context, id, async (tx, user) => {
        refuseProtected(user, 'deleted');
        await tx.deleteUser(user.id);
        await context.watch.observe(tx, user.areaId, { attempted: 'delete a user' });
        return user;
      });
    },

    async moveUser(userId, target, options) {
      const id = parseInput(idSchema, userId, 'user id');
      const to = parseInput(moveUserTargetSchema, target, 'moveUser target');
      const context = writeContext(base, options, 'moveUser options');
      return inUserArea(
        context,
        id,
        async (tx, user): Promise<UserResult> => {
          if (user.kind === 'system') {
            throw new ConfigurationRefusedError('SYSTEM_USER_PROTECTED', `"${user.username}" is a system user; system users stay in the primary area. Nothing was written.`);
          }
          const seatContext = await readSeatContext(tx, to.areaId);
          assertOrganizationIn(seatContext, to.organizationId);
          if (user.areaId === to.areaId && user.organizationId === to.organizationId) return { ok: true, user };
          const partner = to.organizationId === null ? null : seatContext.organizations.find((o) => o.id === to.organizationId);
          const attempted = `move a user to ${partner == null ? 'the host company' : `partner organization "${partner.name}"`} in "${seatContext.area.name}"`;
          if (user.kind === 'licensed' && user.state === 'active') {
            // Staying in the area, its own seat is free for it: it asks only for the seat the target rules allow.
            const counts = user.areaId === to.areaId ? addToCounts(seatContext.counts, user, -1) : seatContext.counts;
            const seat = decideSeat({ ...seatContext, counts }, to.organizationId);
            if (!seat.ok) {
              await context.watch.observe(tx, to.areaId, { attempted, refusal: seat.reason });
              return seat;
            }
          }
          const moved: User = { ...user, areaId: to.areaId, organizationId: to.organizationId, updatedAt: context.clock() };
          await tx.updateUsers([moved]);
          if (user.areaId !== to.areaId) await context.watch.observe(tx, user.areaId, { attempted });
          await context.watch.observe(tx, to.areaId, { attempted });
          return { ok: true, user: moved };
        },
        [to.areaId],
      );
    },

    async getUser(userId) {
      return context.repository.getUser(parseInput(idSchema, userId, 'user id'));
    },

    async findUserByUsername(username) {
      return findUserByUsername(context.repository, parseInput(usernameSchema, username, 'username'));
    },

    listUsers: listUsersOn(context.repository),
  };
}

/**
 * Creates one licensed user if a seat is free: the seat check, the uniqueness
 * check and the insert run under the area's lock. Shared by `createUser` and CSV import.
 */
export async function createLicensedUser(
  context: ServiceContext,
  data: NewUserFields,
  source: UserSource,
  attempted: string,
): Promise<UserResult> {
  return await withUniqueKeys(data.areaId, data, () => inAreaTransaction(context, [data.areaId], async (tx) => {
    const seatContext = await readSeatContext(tx, data.areaId);
    assertOrganizationIn(seatContext, data.organizationId);
    const reserved = reservedUsernameRefusal(data.username, null);
    if (reserved !== null) return { ok: false, reason: { ...reserved, areaId: data.areaId } };
    const taken = await keyRefusal(tx, data, data.organizationId ?? null, null);
    // A refusal about the name or id carries no seat figures.
    if (taken !== null) return { ok: false, reason: { ...taken, areaId: data.areaId } };
    const seat = decideSeat(seatContext, data.organizationId ?? null);
    if (!seat.ok) {
      await context.watch.observe(tx, data.areaId, { attempted, refusal: seat.reason });
      return seat;
    }
    const user = newUser(context, data, { source, state: 'active' });
    await tx.insertUsers([user]);
    await context.watch.observe(tx, data.areaId, { attempted });
    return { ok: true, user };
  }));
}

/**
 * A new licensed user record. A user created blocked is waiting for a seat
 * (`license-limit`) unless `how.blockReason` says otherwise.
 *
 * @param context - the service context (its id generator and clock)
 * @param data - the profile fields
 * @param how - its source, and whether it starts active or blocked
 * @param now - its creation time; default the clock's. A batch passes one time for all its records.
 * @returns the record, not yet written
 */
export function newUser(
  context: ServiceContext,
  data: NewUserFields,
  how:
    | { readonly source: UserSource; readonly state: 'active' }
    | { readonly source: UserSource; readonly state: 'blocked'; readonly blockedBy: string; readonly blockReason?: BlockReason },
  now: Date = context.clock(),
): User {
  return {
    id: context.newId(),
    username: data.username,
    email: data.email ?? null,
    displayName: data.displayName ?? null,
    externalId: data.externalId ?? null,
    areaId: data.areaId,
    organizationId: data.organizationId ?? null,
    kind: 'licensed',
    systemRole: null,
    state: how.state,
    blockReason: how.state === 'blocked' ? (how.blockReason ?? 'license-limit') : null,
    blockedAt: how.state === 'blocked' ? now : null,
    blockedBy: how.state === 'blocked' ? how.blockedBy : null,
    source: how.source,
    createdAt: now,
    updatedAt: now,
    lastActivityAt: null,
  };
}

/** Throws unless the user may be blocked or deleted: the SuperUser may not. */
function refuseProtected(user: User, what: 'blocked' | 'deleted'): void {
  if (!isProtectedSystemUser(user)) return;
  throw new ConfigurationRefusedError(
    'SYSTEM_USER_PROTECTED',
    `"${user.username}" is the SuperUser, the account that can always administer the site; it is never ${what}. Nothing was written.`,
  );
}

type KeyRefusal = Pick<SeatRefusal, 'code' | 'message'>;

/**
 * Why a user's new keys are refused, or `null`: `USERNAME_NOT_ALLOWED` when the
 * username could pass for another (`usernameProblem`), `USERNAME_TAKEN` when
 * another user holds it by the username comparison rules, `EXTERNAL_ID_TAKEN`
 * when another user holds the external id. `self` is the user being changed,
 * whose own keys do not count. The messages carry only what the requester may
 * see (see `usernameTakenMessage`).
 *
 * @param keys - the new username (`undefined`: not changing) and external id
 * @param organizationId - the organization of the user being created or changed (`null`: the host company)
 * @param self - the user being changed, or `null` for a new one
 */
async function keyRefusal(
  tx: SeatTransaction,
  keys: { readonly username?: string | undefined; readonly externalId?: string | null | undefined },
  organizationId: string | null,
  self: User | null,
): Promise<KeyRefusal | null> {
  if (keys.username !== undefined) {
    const problem = usernameProblem(keys.username);
    if (problem !== null) return { code: 'USERNAME_NOT_ALLOWED', message: usernameNotAllowedMessage(keys.username, problem) };
    const byName = await findUserByUsername(tx, keys.username);
    if (byName !== null && byName.id !== self?.id) {
      return { code: 'USERNAME_TAKEN', message: usernameTakenMessage(keys.username, byName, organizationId) };
    }
  }
  if (keys.externalId != null) {
    const [byExternal] = await tx.findUsersByExternalIds([keys.externalId]);
    if (byExternal !== undefined && byExternal.id !== self?.id) return { code: 'EXTERNAL_ID_TAKEN', message: externalIdTakenMessage(keys.externalId) };
  }
  return null;
}

/**
 * Runs a write (under an area lock) and turns a unique-key collision that only
 * storage caught (a race with another area's transaction) into a refusal,
 * worded from the keys asked for and without seat figures.
 */
async function withUniqueKeys(
  areaId: string,
  asked: { readonly username?: string | undefined; readonly externalId?: string | null | undefined },
  write: () => Promise<UserResult>,
): Promise<UserResult> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof ConflictError) || error.field === 'id') throw error;
    const reason: KeyRefusal =
      error.field === 'username'
        ? { code: 'USERNAME_TAKEN', message: asked.username === undefined ? error.message : usernameTakenMessage(asked.username, null, null) }
        : { code: 'EXTERNAL_ID_TAKEN', message: asked.externalId == null ? error.message : externalIdTakenMessage(asked.externalId) };
    return { ok: false, reason: { ...reason, areaId } };
  }
}
