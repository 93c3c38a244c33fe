import { user as fixtureUser } from '../../src/testing/fixtures.js';
import type { Access, Area, AreaSeatCounts, Organization, User } from '../../src/index.js';

const AT = new Date('2026-01-01T00:00:00Z');

/** An area of `maxUsers` seats (and optional grace seats), id `primary`. */
export function area(maxUsers: number, graceSeats = 0, id = 'primary'): Area {
  return { id, kind: 'primary', name: 'Primary Area', maxUsers, graceSeats, createdAt: AT, updatedAt: AT };
}

/** A partner organization of `primary`. */
export function partner(id: string, maxUsers: number | null, access: Access = 'granted', name = id.toUpperCase()): Organization {
  return { id, areaId: 'primary', name, access, maxUsers, createdAt: AT, updatedAt: AT };
}

/**
 * Aggregate counts: `host` active licensed host-company users, and per partner
 * its active licensed users (and, optionally, blocked ones).
 */
export function counts(
  host: number,
  partners: Record<string, number | { readonly using: number; readonly blocked: number }> = {},
  areaId = 'primary',
): AreaSeatCounts {
  const organizations = Object.entries(partners).map(([organizationId, c]) => {
    const using = typeof c === 'number' ? c : c.using;
    const blocked = typeof c === 'number' ? 0 : c.blocked;
    return { organizationId, users: using + blocked, using };
  });
  const using = host + organizations.reduce((sum, o) => sum + o.using, 0);
  const users = host + organizations.reduce((sum, o) => sum + o.users, 0);
  return { areaId, users, using, activeSystem: 0, blocked: users - using, organizations };
}

/** A user record of `primary`: an active licensed host-company user unless overridden. */
export function user(overrides: Partial<User> = {}): User {
  return fixtureUser(overrides.id ?? 'u1', { username: 'alice', areaId: 'primary', createdAt: AT, updatedAt: AT, ...overrides });
}
