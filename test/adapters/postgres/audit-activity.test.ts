import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { createSeatkeeper, type AuditEvent, type User } from '../../../src/index.js';
import { area, at, user } from '../../../src/testing/fixtures.js';
import { fixedClock } from '../../support/clock.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** A statement the repository sent. */
interface Sent {
  readonly text: string;
  readonly values: unknown[];
}

/** The pool, with every statement sent through `pool.query` recorded (transactions check out clients and are not). */
function recording(pool: pg.Pool): { pool: pg.Pool; sent: Sent[] } {
  const sent: Sent[] = [];
  const wrapped = {
    connect: () => pool.connect(),
    query: (text: string, values: unknown[] = []) => {
      sent.push({ text, values });
      return pool.query(text, values);
    },
  };
  return { pool: wrapped as unknown as pg.Pool, sent };
}

/** The names of the indexes a plan reads, and whether it scans a table whole. */
function planNodes(plan: unknown): { indexes: string[]; seqScans: string[] } {
  const indexes: string[] = [];
  const seqScans: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Index Name'] === 'string') indexes.push(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan') seqScans.push(String(node['Relation Name']));
    for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((plan as [{ Plan: Record<string, unknown> }])[0].Plan);
  return { indexes, seqScans };
}

const USERS = 30_000;
const EVENTS = 30_000;

describe.skipIf(unavailable !== null)('the audit trail and activity on PostgreSQL', () => {
  const database = useTestDatabase('audit_activity');
  const schema = 'big';

  beforeAll(async () => {
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    const users: User[] = [];
    for (let i = 0; i < USERS; i++) {
      const id = `u${String(i).padStart(6, '0')}`;
      users.push(user(id, { areaId: i % 3 === 0 ? 'b' : 'a', createdAt: at(i * 1_000), lastActivityAt: i % 4 === 0 ? null : at(i * 1_000 + 500_000_000) }));
    }
    const events: AuditEvent[] = [];
    for (let i = 0; i < EVENTS; i++) {
      events.push({
        id: `e${String(i).padStart(6, '0')}`,
        at: at(i * 1_000),
        actor: { id: 'admin', name: null },
        action: 'user.updated',
        subject: { type: 'user', id: `u${String(i % 5_000).padStart(6, '0')}` },
        userId: `u${String(i % 5_000).padStart(6, '0')}`,
        // Area a is a small extranet: its events are few among the others.
        areaId: i % 50 === 0 ? 'a' : 'b',
        before: { displayName: null },
        after: { displayName: `name ${i}` },
      });
    }
    await repository.transaction({ areaIds: ['a', 'b'] }, async (tx) => {
      await tx.putArea(area('a', 100_000));
      await tx.putArea(area('b', 100_000));
      await tx.insertUsers(users);
      await tx.appendAuditEvents(events);
    });
    await database().pool.query(`ANALYZE ${schema}.seatkeeper_users; ANALYZE ${schema}.seatkeeper_audit_events`);
  });

  /** EXPLAIN of the statement a repository call sends to the pool. */
  async function explain(call: (repository: PostgresSeatRepository) => Promise<unknown>): Promise<{ indexes: string[]; seqScans: string[] }> {
    const { pool, sent } = recording(database().pool);
    await call(new PostgresSeatRepository(pool, { schema }));
    expect(sent).toHaveLength(1);
    const statement = sent[0] as Sent;
    const { rows } = await database().pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
    return planNodes(rows[0]?.['QUERY PLAN']);
  }

  it('recordActivity is one statement on the pool: no transaction, no area lock', async () => {
    const { pool, sent } = recording(database().pool);
    const repository = new PostgresSeatRepository(pool, { schema });
    const updated = await repository.recordActivity('u000004', at(2_000_000_000));
    expect(updated?.lastActivityAt).toEqual(at(2_000_000_000));
    expect(sent.map((s) => s.text.trim().split(/\s+/)[0])).toEqual(['UPDATE']);
    const seats = createSeatkeeper({ repository, clock: fixedClock('2026-06-01T00:00:00Z') });
    sent.length = 0;
    await seats.recordActivity('u000008');
    expect(sent).toHaveLength(1);
  });

  it('a dormant-user plan reads the partial index of active licensed users by when they were last seen, page after page', async () => {
    const first = await explain((r) => r.listInactiveUsers({ before: at(20_000_000), areaIds: null }, { after: null, limit: 1_000 }));
    expect(first.indexes).toContain('seatkeeper_users_last_seen_idx');
    expect(first.seqScans).toEqual([]);
    const deep = await explain((r) => r.listInactiveUsers({ before: at(600_000_000), areaIds: ['a'] }, { after: { at: at(300_000_000), id: 'u000100' }, limit: 1_000 }));
    expect(deep.indexes).toContain('seatkeeper_users_last_seen_idx');
    expect(deep.seqScans).toEqual([]);
  });

  it('each audit filter is served by its index, the first page and any later one', async () => {
    const after = { at: at(15_000_000), id: 'e015000' };
    const cases: [Parameters<PostgresSeatRepository['listAuditEvents']>[0], string][] = [
      [{}, 'seatkeeper_audit_events_time_idx'],
      [{ since: at(1_000_000), until: at(2_000_000) }, 'seatkeeper_audit_events_time_idx'],
      [{ userId: 'u000042' }, 'seatkeeper_audit_events_user_idx'],
      [{ areaId: 'a' }, 'seatkeeper_audit_events_area_idx'],
    ];
    for (const [filter, index] of cases) {
      for (const page of [{ after: null, limit: 100 }, { after, limit: 100 }]) {
        const plan = await explain((r) => r.listAuditEvents(filter, page));
        expect(plan.indexes, JSON.stringify(filter)).toContain(index);
        expect(plan.seqScans, JSON.stringify(filter)).toEqual([]);
      }
    }
  });

  it("redacting a deleted user's events reads the user index", async () => {
    const { rows } = await database().pool.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON) UPDATE ${schema}.seatkeeper_audit_events SET before = before - $2::text[], after = after - $2::text[] WHERE user_id = $1`,
      ['u000042', ['username', 'email', 'displayName']],
    );
    expect(planNodes(rows[0]?.['QUERY PLAN']).indexes).toContain('seatkeeper_audit_events_user_idx');
  });
});
