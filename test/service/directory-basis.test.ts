import { describe, expect, it } from 'vitest';
import type { DirectoryPlanLine } from '../../src/core/directory-report.js';
import type { User } from '../../src/core/schemas.js';
import type { AreaSeatCounts } from '../../src/core/usage.js';
import { sameAreaState, sameHolders, sameRecord, usernamesToLookUp, type PlanBasis } from '../../src/service/directory-basis.js';
import { area, at, organization, user } from '../../src/testing/fixtures.js';

const counts = (areaId: string, changes: Partial<AreaSeatCounts> = {}): AreaSeatCounts => ({
  areaId,
  users: 3,
  using: 2,
  activeSystem: 0,
  blocked: 1,
  organizations: [{ organizationId: 'acme', users: 1, using: 1 }],
  ...changes,
});

/** A plan's basis over areas "a" and "b", partner "acme" of "a"; `holders` by username key. */
function basis(holders: readonly User[] = []): PlanBasis {
  return {
    areas: new Map([area('a', 5), area('b', 5)].map((x) => [x.id, x])),
    organizations: [organization('acme', 'a', { maxUsers: 2 }), organization('other', 'b')],
    counts: new Map([counts('a'), counts('b', { organizations: [] })].map((c) => [c.areaId, c])),
    holders: new Map(holders.map((u) => [u.username.toLowerCase(), u])),
    rounds: new Map(),
  };
}

/** What apply reads under the lock of area "a" when nothing changed: equal records, not the same objects. */
const lockedA = () => ({ areas: [area('a', 5)], organizations: [organization('acme', 'a', { maxUsers: 2 })], counts: [counts('a')] });

describe('sameAreaState: the areas, partners and counts apply reads are those the plan was made on', () => {
  it('equal records read again are the same state', () => {
    expect(sameAreaState(basis(), ['a'], lockedA())).toBe(true);
  });

  it('an area edited, gone or never counted by the plan is not', () => {
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), areas: [area('a', 6)] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), areas: [area('a', 5, { updatedAt: at(1) })] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { areas: [], organizations: [], counts: [] })).toBe(false);
    const unknown = { areas: [area('c', 5)], organizations: [], counts: [counts('c', { organizations: [] })] };
    expect(sameAreaState(basis(), ['c'], unknown)).toBe(false);
  });

  it('a partner edited, added or removed is not', () => {
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), organizations: [organization('acme', 'a', { maxUsers: 3 })] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), organizations: [organization('acme', 'a', { maxUsers: 2, access: 'denied' })] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), organizations: [...lockedA().organizations, organization('new', 'a')] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), organizations: [] })).toBe(false);
  });

  it('one seat more or less, in the area or in a partner, is not', () => {
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), counts: [counts('a', { using: 3 })] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), counts: [counts('a', { users: 4 })] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), counts: [counts('a', { blocked: 2 })] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), counts: [counts('a', { activeSystem: 1 })] })).toBe(false);
    const partner = (using: number) => [{ organizationId: 'acme', users: 1, using }];
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), counts: [counts('a', { organizations: partner(0) })] })).toBe(false);
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), counts: [counts('a', { organizations: [] })] })).toBe(false);
  });

  it('a partner with no users may be listed in the counts or not', () => {
    const listed = counts('a', { organizations: [{ organizationId: 'acme', users: 1, using: 1 }, { organizationId: 'idle', users: 0, using: 0 }] });
    expect(sameAreaState(basis(), ['a'], { ...lockedA(), counts: [listed] })).toBe(true);
    const then = { ...basis(), counts: new Map([['a', listed]]) };
    expect(sameAreaState(then, ['a'], lockedA())).toBe(true);
  });

  it('every locked area must be the same', () => {
    const both = { areas: [area('a', 5), area('b', 4)], organizations: [...lockedA().organizations, organization('other', 'b')], counts: [counts('a'), counts('b', { organizations: [] })] };
    expect(sameAreaState(basis(), ['a', 'b'], both)).toBe(false);
    expect(sameAreaState(basis(), ['a', 'b'], { ...both, areas: [area('a', 5), area('b', 5)] })).toBe(true);
  });
});

describe('sameHolders: the look-up by username found what the plan found', () => {
  const ann = user('u1', { username: 'Ann', externalId: 'e1' });

  it('nobody then and nobody now, or the same profile unchanged, is the same', () => {
    expect(sameHolders(basis(), ['bob'], new Map())).toBe(true);
    expect(sameHolders(basis([ann]), ['ann'], new Map([['ann', { ...ann }]]))).toBe(true);
  });

  it('a profile that took the name since, left it, or changed is not', () => {
    expect(sameHolders(basis(), ['ann'], new Map([['ann', ann]]))).toBe(false);
    expect(sameHolders(basis([ann]), ['ANN'], new Map())).toBe(false);
    expect(sameHolders(basis([ann]), ['ann'], new Map([['ann', { ...ann, updatedAt: at(1) }]]))).toBe(false);
    expect(sameHolders(basis([ann]), ['ann'], new Map([['ann', { ...ann, id: 'u2' }]]))).toBe(false);
  });
});

describe('usernamesToLookUp: a line is looked up by name unless its profile keeps its own', () => {
  const line = (fields: Partial<DirectoryPlanLine>): DirectoryPlanLine => ({
    index: 0,
    externalId: 'e1',
    username: 'ann',
    areaId: 'a',
    organizationId: null,
    action: 'update',
    reason: null,
    changes: [],
    refusal: null,
    entry: { externalId: 'e1', username: 'ann', areaId: 'a', enabled: true },
    current: null,
    ...fields,
  });

  it('a new profile, a renamed one and an adopted one are; one keeping its name (in any case) and a missing user are not', () => {
    expect(usernamesToLookUp(line({ current: null }))).toEqual(['ann']);
    expect(usernamesToLookUp(line({ current: user('u1', { username: 'anna', externalId: 'e1' }) }))).toEqual(['ann']);
    expect(usernamesToLookUp(line({ current: user('u1', { username: 'ANN', externalId: null }) }))).toEqual(['ann']);
    expect(usernamesToLookUp(line({ current: user('u1', { username: 'other', externalId: null }) }))).toEqual(['ann', 'other']);
    expect(usernamesToLookUp(line({ current: user('u1', { username: 'Ann', externalId: 'e1' }) }))).toEqual([]);
    expect(usernamesToLookUp(line({ index: null, entry: null, current: user('u1', { externalId: 'e1' }) }))).toEqual([]);
  });
});

describe('sameRecord', () => {
  it('compares every field, dates by time', () => {
    const a = user('u1', { blockedAt: at(5) });
    expect(sameRecord(a, { ...a, blockedAt: at(5) })).toBe(true);
    expect(sameRecord(a, { ...a, blockedAt: at(6) })).toBe(false);
    expect(sameRecord(a, { ...a, blockedAt: null })).toBe(false);
    expect(sameRecord(a, { ...a, email: 'x@example.com' })).toBe(false);
    expect(sameRecord(a, { ...a, extra: 1 } as User)).toBe(false);
  });
});
