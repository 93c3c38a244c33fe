import type mysql from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { MySqlSeatRepository } from '../../../src/adapters/mysql/index.js';
import type { AuditEvent, User } from '../../../src/index.js';
import { area, at, user } from '../../../src/testing/fixtures.js';
import { mysqlUnavailable, useTestDatabase } from '../../support/mysql.js';

const unavailable = await mysqlUnavailable();

/** A statement the repository sent through `pool.query`. */
interface Sent {
  readonly sql: string;
  readonly values: unknown[];
}

/** The pool, with every statement sent through `pool.query` recorded (transactions check out connections and are not). */
function recording(pool: mysql.Pool): { pool: mysql.Pool; sent: Sent[] } {
  const sent: Sent[] = [];
  const wrapped = {
    getConnection: () => pool.getConnection(),
    query: (options: { sql: string; values?: unknown[] }) => {
      sent.push({ sql: options.sql, values: options.values ?? [] });
      return pool.query(options);
    },
  };
  return { pool: wrapped as unknown as mysql.Pool, sent };
}

const USERS = 20_000;
const EVENTS = 20_000;
const pad = (i: number) => String(i).padStart(6, '0');

describe.skipIf(unavailable !== null)('the audit trail and activity on MySQL', () => {
  const database = useTestDatabase('audit_activity');
  const prefix = 'big_';

  beforeAll(async () => {
    const repository = new MySqlSeatRepository(database().pool, { tablePrefix: prefix });
    await repository.migrate();
    const users: User[] = [];
    for (let i = 0; i < USERS; i++) {
      users.push(user(`u${pad(i)}`, { areaId: i % 3 === 0 ? 'b' : 'a', createdAt: at(i * 1_000), lastActivityAt: i % 4 === 0 ? null : at(i * 1_000 + 500_000_000) }));
    }
    const events: AuditEvent[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const userId = `u${pad(i % 5_000)}`;
      events.push({
        id: `e${pad(i)}`,
        at: at(i * 1_000),
        actor: { id: 'admin', name: null },
        action: 'user.updated',
        subject: { type: 'user', id: userId },
        userId,
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
    await database().pool.query(`ANALYZE TABLE ${prefix}users, ${prefix}audit_events`);
  });

  /** The keys the server's plan reads for the statement a repository call sends to the pool. */
  async function keysRead(call: (repository: MySqlSeatRepository) => Promise<unknown>): Promise<string[]> {
    const { pool, sent } = recording(database().pool);
    await call(new MySqlSeatRepository(pool, { tablePrefix: prefix }));
    const statement = sent.at(-1) as Sent;
    const [rows] = await database().pool.query<mysql.RowDataPacket[]>({ sql: `EXPLAIN ${statement.sql}`, values: statement.values });
    return rows.map((r) => String(r.key));
  }

  it('recordActivity writes without a transaction or a lock: an UPDATE and a SELECT on the pool', async () => {
    const { pool, sent } = recording(database().pool);
    const repository = new MySqlSeatRepository(pool, { tablePrefix: prefix });
    expect((await repository.recordActivity('u000004', at(2_000_000_000)))?.lastActivityAt).toEqual(at(2_000_000_000));
    expect(sent.map((s) => s.sql.trim().split(/\s+/)[0])).toEqual(['UPDATE', 'SELECT']);
  });

  it('a dormant-user plan reads the last_seen key, page after page', async () => {
    expect(await keysRead((r) => r.listInactiveUsers({ before: at(20_000_000), areaIds: null }, { after: null, limit: 1_000 }))).toContain('last_seen');
    expect(
      await keysRead((r) => r.listInactiveUsers({ before: at(600_000_000), areaIds: ['a'] }, { after: { at: at(300_000_000), id: 'u000100' }, limit: 1_000 })),
    ).toContain('last_seen');
  });

  it('each audit filter is served by its key', async () => {
    const after = { at: at(15_000_000), id: 'e015000' };
    expect(await keysRead((r) => r.listAuditEvents({}, { after: null, limit: 100 }))).toContain('by_time');
    expect(await keysRead((r) => r.listAuditEvents({}, { after, limit: 100 }))).toContain('by_time');
    expect(await keysRead((r) => r.listAuditEvents({ userId: 'u000042' }, { after, limit: 100 }))).toContain('by_user');
    expect(await keysRead((r) => r.listAuditEvents({ areaId: 'a' }, { after: null, limit: 100 }))).toContain('by_area');
  });
});
