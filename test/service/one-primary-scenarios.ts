import { describe, expect, it } from 'vitest';
import { ConfigurationRefusedError, createSeatkeeper, type SeatRepository } from '../../src/index.js';

/** A fresh store and the repositories several instances would have on it. */
export interface PrimaryStore {
  /** A repository on the store as one more instance would have it (on PostgreSQL: its own pool). */
  instance(): SeatRepository;
  /** Drops the store. */
  dispose(): Promise<void>;
}

/**
 * A site has exactly one primary area, even when several instances define one
 * at the same moment (several app servers starting up). Run on the in-memory
 * repository (one-primary.test.ts) and on PostgreSQL (test/adapters/postgres/one-primary.test.ts).
 */
export function describeOnePrimaryArea(name: string, makeStore: () => Promise<PrimaryStore>): void {
  describe(`one primary area, on ${name}`, () => {
    it('10 rounds of three instances defining different primary areas at once: exactly one succeeds, the others are refused with ConfigurationRefusedError', async () => {
      for (let round = 0; round < 10; round++) {
        const store = await makeStore();
        try {
          const instances = [0, 1, 2].map(() => createSeatkeeper({ repository: store.instance() }));
          const outcomes = await Promise.allSettled(
            instances.map((seats, i) => seats.defineArea({ id: `primary-${i}`, kind: 'primary', name: `Primary ${i}`, maxUsers: 10 })),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected') {
              expect(outcome.reason).toBeInstanceOf(ConfigurationRefusedError);
              expect(outcome.reason).toMatchObject({ code: 'CONFIGURATION_REFUSED', rule: 'SECOND_PRIMARY_AREA', message: expect.stringMatching(/primary area/) });
            }
          }
          const primaries = (await store.instance().listAreas()).filter((a) => a.kind === 'primary');
          expect(primaries).toHaveLength(1);
        } finally {
          await store.dispose();
        }
      }
    });

    it('an extranet area turned primary while another primary is defined: one of them is refused', async () => {
      const store = await makeStore();
      try {
        const [a, b] = [0, 1].map(() => createSeatkeeper({ repository: store.instance() }));
        if (a === undefined || b === undefined) throw new Error('two instances expected');
        await a.defineArea({ id: 'x', kind: 'extranet', name: 'X', maxUsers: 5 });
        const outcomes = await Promise.allSettled([
          a.defineArea({ id: 'x', kind: 'primary', name: 'X', maxUsers: 5 }),
          b.defineArea({ id: 'y', kind: 'primary', name: 'Y', maxUsers: 5 }),
        ]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect((await store.instance().listAreas()).filter((area) => area.kind === 'primary')).toHaveLength(1);
        // Redefining the one primary area is allowed.
        const primary = outcomes[0].status === 'fulfilled' ? 'x' : 'y';
        await expect(a.defineArea({ id: primary, kind: 'primary', name: 'Renamed', maxUsers: 5 })).resolves.toMatchObject({ name: 'Renamed' });
      } finally {
        await store.dispose();
      }
    });
  });
}
