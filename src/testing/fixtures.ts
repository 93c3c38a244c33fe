import assert from 'node:assert/strict';
/**
 * Records the conformance checks write. Fixed times, so every run of a check
 * writes the same data; ids and usernames are chosen per check.
 */
import { usernameKey, type Area, type Organization, type User } from '../core/schemas.js';
import type { AreaSeatCounts } from '../core/usage.js';
import type { LicenseNotification } from '../ports/notifier.js';
import type { OutboxEntry, SeatReader, SeatRepository } from '../ports/repository.js';

/** The instant every fixture time is measured from. */
export const T0 = new Date('2026-01-01T00:00:00.000Z');

/** `T0` plus `ms` milliseconds. */
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

/** An area with `maxUsers` seats. */
export function area(id: string, maxUsers = 10, changes: Partial<Area> = {}): Area {
  return { id, kind: 'extranet', name: `Area ${id}`, maxUsers, graceSeats: 0, createdAt: T0, updatedAt: T0, ...changes };
}

/** A granted partner organization without a quota. */
export function organization(id: string, areaId: string, changes: Partial<Organization> = {}): Organization {
  return { id, areaId, name: `Org ${id}`, access: 'granted', maxUsers: null, createdAt: T0, updatedAt: T0, ...changes };
}

/** An active licensed host-company user in area `a`, named after its id. */
export function user(id: string, changes: Partial<User> = {}): User {
  return {
    id,
    username: id,
    email: null,
    displayName: null,
    externalId: null,
    areaId: 'a',
    organizationId: null,
    kind: 'licensed',
    systemRole: null,
    state: 'active',
    blockReason: null,
    blockedAt: null,
    blockedBy: null,
    source: 'manual',
    createdAt: T0,
    updatedAt: T0,
    lastActivityAt: null,
    ...changes,
  };
}

/** The same user, blocked for `reason` at `blockedAt`. */
export function blocked(u: User, reason: NonNullable<User['blockReason']>, blockedAt: Date = at(1_000)): User {
  return { ...u, state: 'blocked', blockReason: reason, blockedAt, blockedBy: 'admin-1' };
}

/** A pending outbox entry due at `nextAttemptAt`. */
export function outboxEntry(id: string, createdAt: Date, changes: Partial<OutboxEntry> = {}): OutboxEntry {
  const notification: LicenseNotification = {
    id,
    type: 'license-limit-exceeded',
    to: 'licences@example.com',
    subject: `No seat left in Area a (${id})`,
    text: 'Area a: 10 of 10 seats used.\nAttempted: create a user.',
    areaId: 'a',
    areaName: 'Area a',
    maxUsers: 10,
    using: 10,
    attempted: 'create a user',
    occurredAt: createdAt,
  };
  return { id, notification, status: 'pending', attempts: 0, nextAttemptAt: createdAt, lastError: null, createdAt, deliveredAt: null, ...changes };
}

/** Writes areas, organizations and users in one transaction. */
export async function seed(
  repository: SeatRepository,
  data: { readonly areas?: readonly Area[]; readonly organizations?: readonly Organization[]; readonly users?: readonly User[] },
): Promise<void> {
  const areaIds = (data.areas ?? []).map((a) => a.id);
  await repository.transaction({ areaIds }, async (tx) => {
    for (const a of data.areas ?? []) await tx.putArea(a);
    for (const o of data.organizations ?? []) await tx.putOrganization(o);
    if (data.users !== undefined && data.users.length > 0) await tx.insertUsers(data.users);
  });
}

/** The counts an area must report for this set of users, computed the slow, obvious way. */
export function expectedCounts(users: readonly User[], areaId: string): AreaSeatCounts {
  const mine = users.filter((u) => u.areaId === areaId);
  const seat = (u: User) => u.state === 'active' && u.kind === 'licensed';
  const organizations = [...new Set(mine.flatMap((u) => (u.organizationId === null ? [] : [u.organizationId])))]
    .sort(byKey)
    .map((organizationId) => {
      const members = mine.filter((u) => u.organizationId === organizationId);
      return { organizationId, users: members.length, using: members.filter(seat).length };
    });
  return {
    areaId,
    users: mine.length,
    using: mine.filter(seat).length,
    activeSystem: mine.filter((u) => u.state === 'active' && u.kind === 'system').length,
    blocked: mine.filter((u) => u.state === 'blocked').length,
    organizations,
  };
}

/** Counts with organizations in a fixed order, so two reports compare equal. */
export function normalizeCounts(counts: AreaSeatCounts): AreaSeatCounts {
  return { ...counts, organizations: [...counts.organizations].map((o) => ({ ...o })).sort((x, y) => byKey(x.organizationId, y.organizationId)) };
}

/** Code-unit order: the order of usernames ignoring case that every repository keeps. */
export function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Users sorted as `listUsers` must return them. */
export function inListOrder(users: readonly User[]): User[] {
  return [...users].sort((x, y) => byKey(usernameKey(x.username), usernameKey(y.username)));
}

/** Records sorted by id, to compare listings whose order the port leaves open. */
export function byId<T extends { readonly id: string }>(records: readonly T[]): T[] {
  return [...records].sort((x, y) => byKey(x.id, y.id));
}

/** Whether `error` is a seatkeeper error with this code (by duck type, so two copies of the package agree). */
export function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** A predicate for `assert.rejects`: a `ConflictError` on this key. */
export function conflictOn(field: 'username' | 'externalId' | 'id'): (error: unknown) => boolean {
  return (error) => hasCode(error, 'CONFLICT') && (error as { field?: unknown }).field === field;
}

/** The user holding `username` by the username rules, read through `findUsersByUsernames`, or `null`. */
export async function byName(reader: Pick<SeatReader, 'findUsersByUsernames'>, username: string): Promise<User | null> {
  const [found] = await reader.findUsersByUsernames([username]);
  return found ?? null;
}

/** One area's counts, read through `countUsers`. */
export async function countsOf(reader: Pick<SeatReader, 'countUsers'>, areaId: string): Promise<AreaSeatCounts> {
  const [counts] = await reader.countUsers([areaId]);
  assert.ok(counts !== undefined, `countUsers(['${areaId}']) must report the area, with zeros when it has no user`);
  return counts;
}
