import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, type Seatkeeper, type User } from '../../src/index.js';

type Op =
  | { readonly type: 'create'; readonly name: string; readonly area: 'primary' | 'x' }
  | { readonly type: 'block' | 'reinstate' | 'delete'; readonly pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('create' as const), name: fc.stringMatching(/^[a-zA-Z]{1,4}$/), area: fc.constantFrom('primary' as const, 'x' as const) }),
  fc.record({ type: fc.constantFrom('block' as const, 'reinstate' as const, 'delete' as const), pick: fc.nat() }),
);

async function recount(seats: Seatkeeper) {
  const byArea = new Map<string, { using: number; blocked: number; users: number; totalActiveUsers: number }>();
  for await (const u of seats.listUsers({ pageSize: 7 })) {
    const c = byArea.get(u.areaId) ?? { using: 0, blocked: 0, users: 0, totalActiveUsers: 0 };
    c.users++;
    if (u.state === 'blocked') c.blocked++;
    else {
      c.totalActiveUsers++;
      if (u.kind === 'licensed') c.using++;
    }
    byArea.set(u.areaId, c);
  }
  return byArea;
}

async function apply(seats: Seatkeeper, op: Op, known: User[]): Promise<void> {
  if (op.type === 'create') {
    const r = await seats.createUser({ username: op.name, areaId: op.area });
    if (r.ok) known.push(r.user);
    return;
  }
  if (known.length === 0) return;
  const user = known[op.pick % known.length]!;
  try {
    if (op.type === 'block') await seats.blockUser(user.id);
    else if (op.type === 'reinstate') await seats.reinstateUser(user.id);
    else await seats.deleteUser(user.id);
  } catch (error) {
    // a user deleted by an earlier (or concurrent) op is an expected UNKNOWN_USER
    if ((error as { code?: string }).code !== 'UNKNOWN_USER') throw error;
  }
}

describe('seat invariants (property)', () => {
  it('for any sequence of create / block / reinstate / delete, using never exceeds maxUsers and the summary equals a recount', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { maxLength: 12 }),
        fc.nat({ max: 6 }),
        fc.nat({ max: 3 }),
        async (batches, primarySeats, extranetSeats) => {
          const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
          await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary', maxUsers: primarySeats });
          await seats.defineArea({ id: 'x', kind: 'extranet', name: 'Extranet', maxUsers: extranetSeats });
          await seats.ensureSystemUsers();
          const known: User[] = [];
          for (const batch of batches) {
            // each batch runs concurrently: the locks, not the test, must keep the count right
            await Promise.all(batch.map((op) => apply(seats, op, known)));
            const summary = await seats.summary();
            const actual = await recount(seats);
            for (const area of summary.areas) {
              expect(area.using).toBeLessThanOrEqual(area.maxUsers);
              const c = actual.get(area.areaId) ?? { using: 0, blocked: 0, users: 0, totalActiveUsers: 0 };
              expect({ using: area.using, blocked: area.blocked, users: area.users, totalActiveUsers: area.totalActiveUsers }).toEqual(c);
              expect(area.remaining).toBe(area.maxUsers - area.using);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
