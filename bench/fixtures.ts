/** Builders for large benchmark sites, written straight through the repository port in big batches. */
import type pg from 'pg';
import { USER_UNNEST, userColumnArrays } from '../src/adapters/postgres/rows.js';
import { USER_WRITE_COLUMNS } from '../src/adapters/sql/rows.js';
import { createSeatkeeper, InMemorySeatRepository, type SeatRepository, type Seatkeeper, type User } from '../src/index.js';

const at = new Date('2026-01-01T00:00:00Z');

/** A licensed user record numbered `i` (every tenth blocked by an admin); `prefix` keeps keys apart between areas. */
export function benchUser(i: number, areaId = 'primary', prefix = ''): User {
  return {
    id: `${prefix}u${i}`,
    username: `${prefix}user${String(i).padStart(7, '0')}`,
    email: `user${i}@example.com`,
    displayName: `User ${i}`,
    externalId: `${prefix}ext-${i}`,
    areaId,
    organizationId: null,
    kind: 'licensed',
    systemRole: null,
    state: i % 10 === 9 ? 'blocked' : 'active',
    blockReason: i % 10 === 9 ? 'admin' : null,
    blockedAt: i % 10 === 9 ? at : null,
    blockedBy: null,
    source: 'manual',
    createdAt: at,
    updatedAt: at,
    lastActivityAt: null,
  };
}

/** Inserts `count` users through the port in batches (fast seeding, not what is measured). */
export async function seedUsers(repository: SeatRepository, count: number, areaId = 'primary', batch = 50_000, prefix = ''): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    const users: User[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) users.push(benchUser(i, areaId, prefix));
    await repository.transaction({ areaIds: [areaId] }, (tx) => tx.insertUsers(users));
  }
}

/** A seatkeeper on a fresh in-memory repository with a primary area of `maxUsers` seats and `users` users. */
export async function memorySite(users: number, maxUsers = users * 2 + 10): Promise<{ seats: Seatkeeper; repository: InMemorySeatRepository }> {
  const repository = new InMemorySeatRepository();
  const seats = createSeatkeeper({ repository, clock: () => at });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers });
  await seedUsers(repository, users);
  return { seats, repository };
}

/**
 * The least a bulk write of users must send on PostgreSQL: creates a bare
 * table of the users table's shape (columns, checks and indexes; no
 * triggers) and returns one `INSERT ... SELECT FROM unnest(...)` of users into it.
 */
export async function bareUnnestInsert(pool: pg.Pool): Promise<(users: readonly User[]) => Promise<unknown>> {
  await pool.query('CREATE TABLE bench_bare_users (LIKE seatkeeper_users INCLUDING ALL)');
  return (users) => pool.query(`INSERT INTO bench_bare_users (${USER_WRITE_COLUMNS}) SELECT * FROM ${USER_UNNEST}`, userColumnArrays(users));
}
