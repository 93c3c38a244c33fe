import { describe, expect, it } from 'vitest';
import {
  areaAuditEvent,
  auditActor,
  changedFields,
  decodeTimeCursor,
  encodeTimeCursor,
  licenseAuditEvent,
  redactedAuditEvent,
  settingAuditEvent,
  SYSTEM_ACTORS,
  userAuditEvent,
  type AuditEvent,
} from '../../src/core/audit.js';
import { area, at, blocked, user } from '../../src/testing/fixtures.js';
import { auditEventId } from '../../src/service/audit-trail.js';

describe('audit events', () => {
  it('a change lists only the fields that changed, each side with its value, dates as ISO strings', () => {
    const before = user('u1', { email: 'a@example.com', displayName: 'A' });
    const after = { ...blocked(before, 'admin', at(5)), email: null, updatedAt: at(9), lastActivityAt: at(8) };
    expect(changedFields(before, after)).toEqual({
      before: { state: 'active', email: 'a@example.com' },
      after: { state: 'blocked', blockReason: 'admin', blockedAt: at(5).toISOString(), blockedBy: 'admin-1' },
    });
    expect(changedFields(before, { ...before, updatedAt: at(99), lastActivityAt: at(98) }), 'times that change with every write or sign-in are not changes').toBeNull();
  });

  it('the action of a user change follows what changed, blocking and activation first', () => {
    const active = user('u1');
    const action = (b: Parameters<typeof userAuditEvent>[0], a: Parameters<typeof userAuditEvent>[1]) => userAuditEvent(b, a)?.action;
    expect(action(null, active)).toBe('user.created');
    expect(action(active, null)).toBe('user.deleted');
    expect(action(active, blocked(active, 'admin'))).toBe('user.blocked');
    expect(action(blocked(active, 'license-limit'), blocked(active, 'directory-removed'))).toBe('user.blocked');
    expect(action(blocked(active, 'dormant'), { ...active, areaId: 'b' })).toBe('user.activated');
    expect(action(active, { ...active, organizationId: 'acme' })).toBe('user.moved');
    expect(action(active, { ...active, displayName: 'Ann' })).toBe('user.updated');
    expect(userAuditEvent(active, { ...active })).toBeNull();
    expect(userAuditEvent(null, active)).toMatchObject({ subject: { type: 'user', id: 'u1' }, userId: 'u1', areaId: 'a', before: null });
    expect(userAuditEvent(active, null)).toMatchObject({ areaId: 'a', after: null, before: { username: 'u1', areaId: 'a' } });
  });

  it("an area's limit changed by a license change is the license event's, not the area's", () => {
    const before = area('a', 10);
    expect(areaAuditEvent(before, { ...before, maxUsers: 15, updatedAt: at(1) }, true)).toBeNull();
    expect(areaAuditEvent(before, { ...before, maxUsers: 15, name: 'A' }, true)).toMatchObject({ action: 'area.updated', before: { name: 'Area a' }, after: { name: 'A' } });
    expect(areaAuditEvent(before, { ...before, maxUsers: 15 }, false)).toMatchObject({ before: { maxUsers: 10 }, after: { maxUsers: 15 } });
    expect(areaAuditEvent(null, before, true)).toMatchObject({ action: 'area.created', after: { maxUsers: 10, kind: 'extranet' } });
    expect(licenseAuditEvent({ id: 'c1', areaId: 'a', maxUsersBefore: 10, maxUsersAfter: 15 })).toEqual({
      action: 'license.changed',
      subject: { type: 'license', id: 'c1' },
      userId: null,
      areaId: 'a',
      before: { maxUsers: 10 },
      after: { maxUsers: 15 },
    });
    expect(settingAuditEvent('responsiblePerson', 'email', 'a@example.com', 'a@example.com')).toBeNull();
    expect(settingAuditEvent('responsiblePerson', 'email', 'a@example.com', null)).toMatchObject({ before: { email: 'a@example.com' }, after: {} });
  });

  it('redaction removes the fields that name a person and keeps everything else', () => {
    const event: AuditEvent = {
      id: 'e1',
      at: at(1),
      actor: { id: 'admin', name: null },
      action: 'user.updated',
      subject: { type: 'user', id: 'u1' },
      userId: 'u1',
      areaId: 'a',
      before: { username: 'ann', email: 'a@example.com', displayName: 'Ann', state: 'active' },
      after: { username: 'anne', email: null, state: 'blocked' },
    };
    expect(redactedAuditEvent(event)).toEqual({ ...event, before: { state: 'active' }, after: { state: 'blocked' } });
  });

  it('the actor is the caller\'s, or the path\'s system actor', () => {
    expect(auditActor({ id: 'admin-7' }, SYSTEM_ACTORS.seatkeeper)).toEqual({ id: 'admin-7', name: null });
    expect(auditActor({ id: 'admin-7', name: 'Ada' }, SYSTEM_ACTORS.seatkeeper)).toEqual({ id: 'admin-7', name: 'Ada' });
    expect(auditActor(undefined, SYSTEM_ACTORS.csvImport)).toEqual({ id: 'csv-import', name: null });
  });

  it('a cursor round-trips whatever the id holds, and anything else is not a cursor', () => {
    for (const id of ['e1', '~', 'a~b~c', 'ü 😀', '']) {
      const cursor = { at: at(123), id };
      expect(decodeTimeCursor(encodeTimeCursor(cursor))).toEqual(cursor);
    }
    for (const text of ['', 'nope', '2026-01-01T00:00:00.000Z', '2026-13-01T00:00:00.000Z~x', '2026-01-01T00:00:00.000Zx1']) expect(decodeTimeCursor(text)).toBeNull();
  });

  it('event ids are UUID version 7 and sort in the order they were made, thousands per millisecond included', () => {
    const ids = Array.from({ length: 10_000 }, () => auditEventId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
