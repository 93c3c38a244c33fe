/**
 * The `/Users` operations on the seatkeeper facade. A SCIM user is a
 * directory user: every write is a directory sync of a one-entry feed
 * (`onMissing: 'keep'`, so nobody else is touched, and `force`, since blocking
 * one user is never a mass block), so the seat rules are the sync's own.
 * Pending users get free seats oldest first through
 * `activatePendingDirectoryUsers`: before a request that takes a seat (so
 * nobody jumps the queue) and after one that frees a seat.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { directoryEntrySchema, type DirectoryEntryInput, type InvalidDirectoryEntry } from '../core/directory-entry.js';
import type { User } from '../core/schemas.js';
import { SYSTEM_ACTORS } from '../core/audit.js';
import { InvalidInputError, UnknownAreaError } from '../errors.js';
import type { Seatkeeper } from '../service/seatkeeper.js';
import { formatAttributePath, type KnownSchemas } from './attributes.js';
import { listOf } from './discovery.js';
import { parseUserFilter } from './filter.js';
import { partnerOf, type PartnerMapping } from './partner.js';
import { applyPatch } from './patch.js';
import { ScimProblem } from './problem.js';
import {
  normalizeUserBody,
  patchedDisplayName,
  readActive,
  readDisplayName,
  readEmail,
  readString,
  readUserName,
  toScimUser,
  type JsonObject,
} from './resource.js';

/** What the operations are set up with. */
export interface ScimUsersSettings {
  /** The area whose users are served. */
  readonly areaId: string;
  /** The most users a page returns. */
  readonly maxResults: number;
  /** The schemas the handler knows. */
  readonly schemas: KnownSchemas;
  /** The partner mapping, if any. */
  readonly partner: PartnerMapping | null;
}

/** The `/Users` operations of one handler. */
export interface ScimUsers {
  /** `GET /Users/{id}`: a licensed user of the area. */
  get(id: string): Promise<User>;
  /** `GET /Users`: a filtered look-up or a page. */
  list(url: URL, base: string): Promise<JsonObject>;
  /** `POST /Users`. */
  create(body: unknown): Promise<User>;
  /** `PUT /Users/{id}`. */
  replace(id: string, body: unknown): Promise<User>;
  /** `PATCH /Users/{id}`; `base` builds the resource the operations apply to. */
  patch(id: string, body: unknown, base: string): Promise<User>;
  /** `DELETE /Users/{id}`. */
  remove(id: string): Promise<void>;
}

/** What a `PUT` or `PATCH` asks of an existing profile. */
interface Desired {
  readonly username: string;
  readonly externalId: string | null;
  readonly email: string | null;
  readonly displayName: string | null;
  /** The partner organization; `undefined` keeps the profile's. */
  readonly organizationId: string | null | undefined;
  /** Enabled in the identity provider: a disabled user is blocked (`directory-disabled`). */
  readonly enabled: boolean;
  /** The request sets `active` to true: refused for a user an admin blocked. */
  readonly asksActive: boolean;
}

/**
 * Builds the `/Users` operations.
 *
 * @param seats - the seatkeeper instance
 * @param settings - the area, page size, schemas and partner mapping
 */
export function scimUsers(seats: Seatkeeper, settings: ScimUsersSettings): ScimUsers {
  const { areaId, maxResults, schemas, partner } = settings;

  /** Pending users of the area get free seats, oldest first. */
  const activatePending = () => seats.activatePendingDirectoryUsers({ areaIds: [areaId], actor: SCIM_ACTOR });

  /** A licensed user of the handler's area; others (system users, other areas) are not SCIM resources here. */
  async function get(id: string): Promise<User> {
    const user = await lookUp(() => seats.getUser(id));
    if (user === null || !inArea(user)) throw ScimProblem.notFound(`No user with id "${id}".`);
    return user;
  }

  function inArea(user: User): boolean {
    return user.kind === 'licensed' && user.areaId === areaId;
  }

  async function list(url: URL, base: string): Promise<JsonObject> {
    const startIndex = Math.max(1, integerParameter(url, 'startIndex') ?? 1);
    const count = Math.min(maxResults, Math.max(0, integerParameter(url, 'count') ?? maxResults));
    const filter = url.searchParams.get('filter');
    if (filter !== null && filter.trim() !== '') {
      const { attribute, value } = parseUserFilter(filter);
      const found = await lookUp(() =>
        attribute === 'userName' ? seats.findUserByUsername(value) : attribute === 'externalId' ? seats.findUserByExternalId(value) : seats.getUser(value),
      );
      const matches = found !== null && inArea(found) ? [found] : [];
      return listOf(
        matches.slice(startIndex - 1, startIndex - 1 + count).map((user) => toScimUser(user, base)),
        matches.length,
        startIndex,
      );
    }
    const area = (await seats.summary()).areas.find((a) => a.areaId === areaId);
    let systemUsers = 0;
    for await (const _ of seats.listUsers({ areaId, kind: 'system' })) systemUsers++;
    const page: JsonObject[] = [];
    if (count > 0) {
      let skip = startIndex - 1;
      for await (const user of seats.listUsers({ areaId, kind: 'licensed', pageSize: Math.min(10_000, skip + count) })) {
        if (skip > 0) {
          skip--;
          continue;
        }
        page.push(toScimUser(user, base));
        if (page.length >= count) break;
      }
    }
    return listOf(page, (area?.users ?? 0) - systemUsers, startIndex);
  }

  async function create(body: unknown): Promise<User> {
    const resource = normalizeUserBody(body, schemas);
    const username = readUserName(resource);
    const externalId = readString(resource.externalId, 'externalId');
    const active = readActive(resource.active) ?? true;
    const organizationId = partner === null ? undefined : partnerOf(resource, partner);
    const entry: DirectoryEntryInput = {
      externalId: externalId ?? randomUUID(),
      username,
      email: readEmail(resource),
      displayName: readDisplayName(resource),
      areaId,
      ...(organizationId === undefined ? {} : { organizationId }),
      enabled: active,
    };
    if ((await lookUp(() => seats.findUserByUsername(username))) !== null) throw ScimProblem.uniqueness(`The userName "${username}" is taken (user names are unique, ignoring case).`);
    if (externalId !== null && (await lookUp(() => seats.findUserByExternalId(externalId))) !== null) {
      throw ScimProblem.uniqueness(`The externalId "${externalId}" is taken by another user.`);
    }
    // Those who waited longer get a free seat before this user.
    if (active) await activatePending();
    return syncOne(entry, true);
  }

  async function replace(id: string, body: unknown): Promise<User> {
    const current = await get(id);
    const resource = normalizeUserBody(body, schemas);
    // Without `active`, the user stays as enabled or disabled as it was.
    const active = readActive(resource.active);
    return update(current, {
      username: readUserName(resource),
      externalId: readString(resource.externalId, 'externalId'),
      email: readEmail(resource),
      displayName: readDisplayName(resource),
      organizationId: partner === null ? undefined : partnerOf(resource, partner),
      enabled: active ?? enabledInDirectory(current),
      asksActive: active === true,
    });
  }

  async function patch(id: string, body: unknown, base: string): Promise<User> {
    const current = await get(id);
    const before = toScimUser(current, base);
    const { after, touchesActive, touchesPartner } = applyPatch(body, before, schemas, partner?.path ?? null);
    const active = touchesActive ? readActive(after.active) : undefined;
    return update(current, {
      username: readUserName(after),
      externalId: readString(after.externalId, 'externalId'),
      email: readEmail(after),
      displayName: patchedDisplayName(before, after, current.displayName),
      organizationId: partner !== null && touchesPartner ? partnerOf(after, partner) : undefined,
      enabled: active ?? enabledInDirectory(current),
      asksActive: active === true,
    });
  }

  async function update(current: User, desired: Desired): Promise<User> {
    const adminBlocked = current.state === 'blocked' && current.blockReason === 'admin';
    if (desired.asksActive && adminBlocked) {
      throw ScimProblem.mutability(
        `User "${current.username}" was blocked by an administrator of this application; the identity provider cannot activate it. An administrator reinstates it here (or the identity provider sets active to false).`,
      );
    }
    const holder = await lookUp(() => seats.findUserByUsername(desired.username));
    if (holder !== null && holder.id !== current.id) throw ScimProblem.uniqueness(`The userName "${desired.username}" is taken (user names are unique, ignoring case).`);
    // The external id is the key a sync matches by: one the client changes (or a profile made by hand
    // that never had one) is linked first, so the sync finds the profile instead of creating another.
    // A client that drops externalId keeps the link.
    const externalId = desired.externalId ?? current.externalId ?? randomUUID();
    const entry: DirectoryEntryInput = {
      externalId,
      username: desired.username,
      email: desired.email,
      displayName: desired.displayName,
      areaId,
      ...(desired.organizationId === undefined ? {} : { organizationId: desired.organizationId }),
      enabled: desired.enabled,
    };
    if (externalId !== current.externalId) {
      // Checked before the link is written, so a malformed request writes nothing.
      const checked = directoryEntrySchema.safeParse(entry);
      if (!checked.success) throw problemOfEntry({ index: 0, externalId, username: desired.username, issues: checked.error.issues });
      const linked = await seats.updateUser(current.id, { externalId }, { actor: SCIM_ACTOR });
      if (!linked.ok) throw ScimProblem.uniqueness(linked.reason.message);
    }
    const moves = desired.organizationId !== undefined && desired.organizationId !== current.organizationId;
    if (desired.enabled && !adminBlocked && (current.state !== 'active' || moves)) await activatePending();
    const user = await syncOne(entry, false);
    if (current.state === 'active' && (user.state !== 'active' || user.organizationId !== current.organizationId)) await activatePending();
    return user;
  }

  async function remove(id: string): Promise<void> {
    const current = await get(id);
    await seats.deleteUser(current.id, { actor: SCIM_ACTOR });
    if (current.state === 'active') await activatePending();
  }

  /**
   * Writes one user through a directory sync of a one-entry feed: `onMissing:
   * 'keep'` (nobody else is touched) and `force` (blocking one user is never a
   * mass block).
   */
  async function syncOne(entry: DirectoryEntryInput, creating: boolean): Promise<User> {
    const report = await seats.syncDirectory([entry], { onMissing: 'keep', force: true, areaIds: [areaId], actor: SCIM_ACTOR });
    const invalid = report.invalid[0];
    if (invalid !== undefined) throw problemOfEntry(invalid);
    if (report.skipped.length > 0) {
      const detail = `The user was changed by another request while this one was applied; nothing was written. Retry. (${report.skipped[0]?.message ?? ''})`;
      throw creating ? ScimProblem.uniqueness(detail) : new ScimProblem(409, detail);
    }
    const line = report.lines[0];
    if (line === undefined) throw new Error('A one-entry directory sync reported no line.');
    return line.user;
  }

  /** Why the sync left the entry out, as a SCIM error. */
  function problemOfEntry(invalid: InvalidDirectoryEntry): Error {
    const codes = invalid.issues.map((issue) => issue.code);
    const detail = invalid.issues.map((issue) => `${scimName(issue.path[0])}: ${issue.message}`).join('; ');
    if (codes.includes('unknown_area')) return new UnknownAreaError(areaId);
    if (codes.some((c) => c === 'username_taken' || c === 'system_user' || c === 'duplicate_username' || c === 'duplicate_external_id')) return ScimProblem.uniqueness(detail);
    return ScimProblem.invalidValue(detail);
  }

  function scimName(field: PropertyKey | undefined): string {
    if (field === 'username') return 'userName';
    if (field === 'email') return 'emails';
    if (field === 'organizationId' && partner !== null) return formatAttributePath(partner.path);
    return String(field ?? 'user');
  }

  return { get, list, create, replace, patch, remove };
}

/** The audit trail's actor of every change the SCIM handler makes. */
const SCIM_ACTOR = { id: SYSTEM_ACTORS.scim.id };

/** Whether the identity provider has the user enabled, as far as the profile tells: only a directory block says it does not. */
function enabledInDirectory(user: User): boolean {
  return !(user.state === 'blocked' && (user.blockReason === 'directory-disabled' || user.blockReason === 'directory-removed'));
}

/** A look-up whose input cannot name a user (an empty or oversized key) finds nobody. */
async function lookUp(find: () => Promise<User | null>): Promise<User | null> {
  try {
    return await find();
  } catch (error) {
    if (error instanceof InvalidInputError) return null;
    throw error;
  }
}

function integerParameter(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === '') return null;
  if (!/^-?\d+$/.test(raw.trim())) throw ScimProblem.invalidValue(`"${name}" must be an integer, not ${JSON.stringify(raw)}.`);
  return Number(raw.trim());
}
