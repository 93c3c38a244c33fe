import fc from 'fast-check';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, MySqlSeatRepository } from '../../../src/adapters/mysql/index.js';
import { addToCounts, emptyAreaCounts } from '../../../src/core/usage.js';
import {
  ConflictError,
  InvalidInputError,
  SerializationFailureError,
  StorageError,
  StorageUnavailableError,
  type Area,
  type AreaSeatCounts,
  type Organization,
  type User,
} from '../../../src/index.js';
import { byName, countsOf, expectedCounts, user as fixtureUser } from '../../../src/testing/fixtures.js';
import { dropTables, mysqlUnavailable, useTestDatabase } from '../../support/mysql.js';

const unavailable = await mysqlUnavailable();

const T0 = new Date('2026-01-01T00:00:00.000Z');
const area = (id: string, maxUsers = 10): Area => ({ id, kind: 'extranet', name: id, maxUsers, graceSeats: 0, createdAt: T0, updatedAt: T0 });
const user = (id: string, changes: Partial<User> = {}): User => fixtureUser(id, { source: 'directory', ...changes });

/** Counts with organizations in id order, so two reports compare equal. */
function sortedOrganizations(counts: AreaSeatCounts): AreaSeatCounts {
  return { ...counts, organizations: [...counts.organizations].sort((x, y) => (x.organizationId < y.organizationId ? -1 : 1)) };
}

type Rows = mysql.RowDataPacket[];

/** Rows in every seatkeeper table of a prefix, read directly rather than through the adapter. */
async function rowCounts(pool: mysql.Pool, prefix: string): Promise<Record<string, number>> {
  const tables = ['areas', 'organizations', 'users', 'settings', 'outbox', 'license_changes', 'usage_snapshots'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [rows] = await pool.query<Rows>(`SELECT COUNT(*) AS n FROM ${prefix}${table}`);
    counts[table] = Number(rows[0]?.n ?? -1);
  }
  return counts;
}

/** A pool that records every statement sent through it and through the connections it hands out. */
function recording(pool: mysql.Pool): { pool: mysql.Pool; statements: string[] } {
  const statements: string[] = [];
  const sqlOf = (argument: unknown) => (typeof argument === 'string' ? argument : String((argument as { sql: string }).sql));
  const record = (query: (...args: unknown[]) => unknown, self: object) => (...args: unknown[]) => {
    statements.push(sqlOf(args[0]).replace(/\s+/g, ' ').trim());
    return query.apply(self, args);
  };
  const proxy = new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') return record(target.query as (...args: unknown[]) => unknown, target);
      if (property === 'getConnection') {
        return async () => {
          const connection = await target.getConnection();
          return new Proxy(connection, {
            get(c, p) {
              const value = Reflect.get(c, p, c) as unknown;
              if (p === 'query') return record(c.query as (...args: unknown[]) => unknown, c);
              return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(c) : value;
            },
          });
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { pool: proxy, statements };
}

describe.skipIf(unavailable !== null)('MySqlSeatRepository on a real server', () => {
  const database = useTestDatabase('repository');

  async function migrated(prefix: string, options: { batchSize?: number; lockTimeout?: number } = {}, pool = database().pool): Promise<MySqlSeatRepository> {
    const repository = new MySqlSeatRepository(pool, { tablePrefix: prefix, ...options });
    await repository.migrate();
    return repository;
  }

  const rows = async (sql: string, values: unknown[] = []) => (await database().pool.query<Rows>(sql, values))[0];

  describe('migrate()', () => {
    it('creates every table, key and trigger once, utf8mb4 with binary keys, records the version, and does nothing the second time', async () => {
      const repository = new MySqlSeatRepository(database().pool, { tablePrefix: 'm1_' });
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [1, 2] });
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [] });
      expect(await rows('SELECT version FROM m1_schema_version ORDER BY version')).toEqual([{ version: 1 }, { version: 2 }]);
      const tables = await rows(
        `SELECT TABLE_NAME AS name, ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'm1\\_%'`,
      );
      expect(tables.map((t) => String(t.name)).sort()).toEqual([
        'm1_areas',
        'm1_audit_events',
        'm1_license_changes',
        'm1_organizations',
        'm1_outbox',
        'm1_schema_version',
        'm1_settings',
        'm1_usage_snapshots',
        'm1_user_counts',
        'm1_users',
      ]);
      expect(new Set(tables.map((t) => `${String(t.engine)} ${String(t.collation)}`))).toEqual(new Set(['InnoDB utf8mb4_bin']));
      const keys = await rows(
        `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'm1_users' GROUP BY 1, 2 ORDER BY 1`,
      );
      expect(keys.map((k) => ({ ...k, nonUnique: Number(k.nonUnique) }))).toEqual([
        { name: 'area_listing', nonUnique: 1, columns: 'area_id,username_key' },
        { name: 'blocked', nonUnique: 1, columns: 'area_id,block_reason,blocked_at,id' },
        { name: 'external_id', nonUnique: 0, columns: 'external_id' },
        { name: 'last_seen', nonUnique: 1, columns: 'state,kind,last_seen_at,id' },
        { name: 'PRIMARY', nonUnique: 0, columns: 'id' },
        { name: 'state_listing', nonUnique: 1, columns: 'state,username_key' },
        { name: 'username_key', nonUnique: 0, columns: 'username_key' },
      ]);
      const collations = await rows(
        `SELECT DISTINCT CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'm1_users' AND COLUMN_NAME IN ('id', 'username_key', 'external_id', 'area_id')`,
      );
      expect(collations).toEqual([{ charset: 'utf8mb4', collation: 'utf8mb4_bin' }]);
      const triggers = await rows(
        `SELECT TRIGGER_NAME AS name, EVENT_MANIPULATION AS event, ACTION_TIMING AS timing FROM information_schema.TRIGGERS
         WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = 'm1_users' ORDER BY 1`,
      );
      expect(triggers).toEqual([
        { name: 'm1_users_count_delete', event: 'DELETE', timing: 'AFTER' },
        { name: 'm1_users_count_insert', event: 'INSERT', timing: 'AFTER' },
        { name: 'm1_users_count_update', event: 'UPDATE', timing: 'AFTER' },
      ]);
    });

    it('six instances migrating one set of tables at once: exactly one applies the migration, none fails', async () => {
      const pools = Array.from({ length: 6 }, () => database().newPool({ connectionLimit: 1 }));
      const results = await Promise.all(pools.map((pool) => new MySqlSeatRepository(pool, { tablePrefix: 'm2_' }).migrate()));
      expect(results.filter((r) => r.applied.length > 0)).toEqual([{ version: CURRENT_SCHEMA_VERSION, applied: [1, 2] }]);
      expect(results.every((r) => r.version === CURRENT_SCHEMA_VERSION)).toBe(true);
      await Promise.all(pools.map((pool) => pool.end()));
    });

    it('a migration cut short (DDL commits statement by statement) is completed by the next migrate(), counts rebuilt from the users', async () => {
      const repository = await migrated('cut_');
      await repository.transaction({ areaIds: [] }, (tx) =>
        tx.insertUsers([user('u1', { areaId: 'a' }), user('u2', { areaId: 'a', state: 'blocked', blockReason: 'admin' }), user('u3', { areaId: 'b' })]),
      );
      // As if the process died after the first statements of version 1, before it was recorded: no trigger, counts wrong.
      await database().pool.query('DELETE FROM cut_schema_version');
      await database().pool.query('DROP TRIGGER cut_users_count_update');
      await database().pool.query('UPDATE cut_user_counts SET users = 99');
      await database().pool.query('DROP TABLE cut_usage_snapshots');
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [1, 2] });
      expect((await repository.countUsers(['a', 'b'])).map((c) => [c.users, c.using, c.blocked])).toEqual([
        [2, 1, 1],
        [1, 1, 0],
      ]);
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([user('u1', { areaId: 'b' })]));
      expect((await repository.countUsers(['a', 'b'])).map((c) => c.users)).toEqual([1, 2]);
      expect(await repository.listUsageSnapshots()).toEqual([]);

      // Version 2 cut short after its first steps: the column and the check are there, the key and the audit table not.
      await database().pool.query('DELETE FROM cut_schema_version WHERE version = 2');
      await database().pool.query('ALTER TABLE cut_users DROP KEY last_seen');
      await database().pool.query('DROP TABLE cut_audit_events');
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [2] });
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([user('u1', { areaId: 'b', state: 'blocked', blockReason: 'dormant' })]));
      expect((await repository.getUser('u1'))?.blockReason).toBe('dormant');
      expect(await repository.listAuditEvents({}, { after: null, limit: 1 })).toEqual({ events: [], next: null });
    });

    it('an app server without the CREATE privilege can call migrate() on migrated tables: it finds nothing to do', async () => {
      await migrated('least_');
      const name = `sk_app_${process.pid}_${Date.now().toString(36)}`;
      const db = database().name;
      await database().pool.query(`CREATE USER '${name}'@'%'`);
      try {
        await database().pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${db}\`.* TO '${name}'@'%'`);
        const url = new URL(database().url);
        url.username = name;
        const appPool = database().newPool({ uri: url.toString(), connectionLimit: 1 });
        const repository = new MySqlSeatRepository(appPool, { tablePrefix: 'least_' });
        expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [] });
        await repository.transaction({ areaIds: ['a'] }, (tx) => tx.putArea(area('a')));
        expect((await repository.getArea('a'))?.id).toBe('a');
        const unmigrated = new MySqlSeatRepository(appPool, { tablePrefix: 'not_there_' });
        await expect(unmigrated.migrate()).rejects.toBeInstanceOf(StorageError);
        await appPool.end();
      } finally {
        await database().pool.query(`DROP USER '${name}'@'%'`);
      }
    });

    it('without migrate() a call fails with a StorageError that says to run it', async () => {
      const repository = new MySqlSeatRepository(database().pool, { tablePrefix: 'never_' });
      await expect(repository.listAreas()).rejects.toThrow(/migrate\(\)/);
      await expect(repository.transaction({ areaIds: ['a'] }, async () => 1)).rejects.toBeInstanceOf(StorageError);
    });

    it('the database option keeps the tables in a database of their own, created by migrate(); prefixes keep repositories apart', async () => {
      const own = `${database().name}_own`;
      try {
        const inOwn = new MySqlSeatRepository(database().pool, { database: own });
        expect((await inOwn.migrate()).applied).toEqual([1, 2]);
        const [created] = await database().pool.query<Rows>('SELECT DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [own]);
        expect(created).toEqual([{ collation: 'utf8mb4_bin' }]);
        const left = await migrated('left_');
        const right = await migrated('right_');
        await left.transaction({ areaIds: ['a'] }, async (tx) => {
          await tx.putArea(area('a'));
          await tx.insertUsers([user('u1')]);
        });
        expect(await right.getArea('a')).toBeNull();
        expect(await inOwn.getArea('a')).toBeNull();
        expect(await byName(right, 'u1')).toBeNull();
        await right.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1')]));
        await inOwn.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1')]));
        expect((await left.countUsers(['a']))[0]?.users).toBe(1);
        expect((await inOwn.countUsers(['a']))[0]?.users).toBe(1);
      } finally {
        await database().pool.query(`DROP DATABASE IF EXISTS \`${own}\``);
      }
    });
  });

  describe('storage rules enforced by the database itself', () => {
    it('usernames are unique by the key computed in code; a direct SQL insert of the same key fails on the unique key', async () => {
      const repository = await migrated('unique_');
      await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u1', { username: 'Émile' })]));
      expect(await rows('SELECT username, username_key FROM unique_users')).toEqual([{ username: 'Émile', username_key: 'émile' }]);
      await expect(
        database().pool.query(
          `INSERT INTO unique_users (id, username, username_key, area_id, kind, state, source, created_at, updated_at)
           VALUES ('u2', 'ÉMILE', 'émile', 'a', 'licensed', 'active', 'manual', NOW(3), NOW(3))`,
        ),
      ).rejects.toMatchObject({ errno: 1062, message: expect.stringMatching(/username_key/) });
    });

    it('keys compare byte for byte (utf8mb4_bin), not by the server collation: names a _ci collation would merge are distinct', async () => {
      const repository = await migrated('binary_');
      // utf8mb4_general_ci / unicode_ci would find each pair equal; usernameKey keeps them apart, and so must the unique key.
      const pairs = [
        ['ana', 'aña'],
        ['emile', 'émile'],
        ['resume', 'résumé'],
      ] as const;
      await repository.transaction({ areaIds: [] }, (tx) =>
        tx.insertUsers(pairs.flatMap(([a, b], i) => [user(`p${i}a`, { username: a, externalId: a }), user(`p${i}b`, { username: b, externalId: b })])),
      );
      for (const [a, b] of pairs) {
        expect((await repository.findUsersByUsernames([a])).map((u) => u.username)).toEqual([a]);
        expect((await repository.findUsersByUsernames([`${b.charAt(0).toUpperCase()}${b.slice(1)}`])).map((u) => u.username)).toEqual([b]);
        expect((await repository.findUsersByExternalIds([b])).map((u) => u.username)).toEqual([b]);
      }
      // Ids too: 'A' and 'a' are two users.
      await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('A', { username: 'upper-a' }), user('a', { username: 'lower-a' })]));
      expect((await repository.getUser('A'))?.username).toBe('upper-a');
      await repository.transaction({ areaIds: [] }, (tx) => tx.updateUsers([user('a', { username: 'lower-a-renamed' })]));
      expect([(await repository.getUser('A'))?.username, (await repository.getUser('a'))?.username]).toEqual(['upper-a', 'lower-a-renamed']);
    });

    it('a transaction that fails leaves no row in any table, read directly from the database', async () => {
      const repository = await migrated('rollback_');
      const before = await rowCounts(database().pool, 'rollback_');
      await expect(
        repository.transaction({ areaIds: ['a'] }, async (tx) => {
          await tx.putArea(area('a'));
          await tx.putOrganization({ id: 'o', areaId: 'a', name: 'O', access: 'granted', maxUsers: 1, createdAt: T0, updatedAt: T0 });
          await tx.insertUsers([user('u1'), user('u2')]);
          await tx.putSetting('k', { v: 1 });
          await tx.appendLicenseChange({ id: 'c', requestId: null, type: 'set', areaId: 'a', maxUsersBefore: 0, maxUsersAfter: 10, appliedAt: T0, note: null });
          await tx.appendUsageSnapshot({ areaId: 'a', takenAt: T0, maxUsers: 10, using: 2, totalActiveUsers: 2 });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await rowCounts(database().pool, 'rollback_')).toEqual(before);
      expect(Object.values(before).every((n) => n === 0)).toBe(true);
      expect(await rows('SELECT COUNT(*) AS n FROM rollback_user_counts WHERE users <> 0')).toEqual([{ n: 0 }]);
    });

    it('a statement failure swallowed inside the work still fails the transaction, writing nothing', async () => {
      const repository = await migrated('swallowed_');
      await expect(
        repository.transaction({ areaIds: [] }, async (tx) => {
          await tx.insertUsers([user('u1')]);
          // maxUsers -1 breaks a CHECK constraint; MySQL would keep the transaction open and commit the rest.
          await tx.putArea(area('a', -1)).catch(() => undefined);
          await tx.insertUsers([user('u2')]).catch(() => undefined);
        }),
      ).rejects.toBeInstanceOf(StorageError);
      expect(await rowCounts(database().pool, 'swallowed_')).toMatchObject({ users: 0, areas: 0 });
    });

    it('a deadlock inside the work is SerializationFailureError; when the work swallows it, nothing after it runs outside the transaction', async () => {
      const repository = await migrated('deadlock_');
      await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('a1'), user('b1'), ...Array.from({ length: 50 }, (_, i) => user(`x${i}`))]));
      const other = await database().pool.getConnection();
      let seen: unknown;
      try {
        const outcome = repository.transaction({ areaIds: [] }, async (tx) => {
          await tx.updateUsers([user('a1', { displayName: 'mine' })]);
          // Another session with more work done (InnoDB picks the smaller transaction as the victim) takes b1, then waits for a1.
          await other.query('START TRANSACTION');
          await other.query(`UPDATE deadlock_users SET display_name = 'theirs' WHERE id LIKE 'x%'`);
          await other.query(`UPDATE deadlock_users SET display_name = 'theirs' WHERE id = 'b1'`);
          const theirs = other.query(`UPDATE deadlock_users SET display_name = 'theirs' WHERE id = 'a1'`);
          await new Promise((resolve) => setTimeout(resolve, 200));
          await tx.updateUsers([user('b1', { displayName: 'mine' })]).catch((error: unknown) => {
            seen = error;
          });
          await theirs;
          // Swallowed: MySQL has rolled this transaction back; a write now would commit on its own.
          await tx.insertUsers([user('late')]).catch(() => undefined);
        });
        await expect(outcome).rejects.toBeInstanceOf(StorageError);
        await other.query('COMMIT');
      } finally {
        other.release();
      }
      expect(seen).toBeInstanceOf(SerializationFailureError);
      expect(await repository.getUser('late')).toBeNull();
      expect((await repository.getUser('a1'))?.displayName).toBe('theirs');
    });
  });

  describe('statements', () => {
    it('bulk look-ups and counts are one statement each, however many keys', async () => {
      await migrated('single_');
      const { pool, statements } = recording(database().pool);
      const repository = new MySqlSeatRepository(pool, { tablePrefix: 'single_' });
      const names = Array.from({ length: 5_000 }, (_, i) => `name-${i}`);

      statements.length = 0;
      await repository.findUsersByUsernames(names);
      await repository.findUsersByExternalIds(names);
      await repository.countUsers();
      await repository.countUsers(['a', 'b', 'c']);
      expect(statements).toHaveLength(4);

      statements.length = 0;
      await repository.transaction({ areaIds: ['a'] }, async (tx) => {
        await tx.findUsersByUsernames(names);
        await countsOf(tx, 'a');
      });
      // The lock statements, the username look-up, the count, COMMIT.
      expect(statements.slice(4)).toEqual([expect.stringContaining('username_key IN'), expect.stringContaining('single_user_counts'), 'COMMIT']);
    });

    it('a seat write starts with statements queued together: lock timeout, READ COMMITTED, the lock in sorted order; every read in it goes to the database and sees its writes', async () => {
      const seed = await migrated('lock_reads_', { lockTimeout: 7 });
      const odd = "o'brien\\x";
      const partner: Organization = { id: 'acme', areaId: odd, name: 'Acme', access: 'granted', maxUsers: 5, createdAt: T0, updatedAt: T0 };
      await seed.transaction({ areaIds: [] }, async (tx) => {
        await tx.putArea(area('a'));
        await tx.putArea(area(odd, 3));
        await tx.putOrganization(partner);
        await tx.insertUsers([user('u1', { areaId: odd, organizationId: 'acme' }), user('u2', { areaId: 'a' })]);
      });
      const { pool, statements } = recording(database().pool);
      const repository = new MySqlSeatRepository(pool, { tablePrefix: 'lock_reads_', lockTimeout: 7 });
      const reads = (table: string) => statements.filter((s) => s.startsWith('SELECT') && s.includes(table)).length;

      statements.length = 0;
      await repository.transaction({ areaIds: [odd, 'a', 'missing'] }, async (tx) => {
        expect(statements).toEqual([
          'SET SESSION innodb_lock_wait_timeout = ?',
          'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
          'START TRANSACTION',
          'SELECT id FROM `lock_reads_areas` WHERE id IN (?) ORDER BY id FOR UPDATE',
        ]);
        expect(await tx.getArea(odd)).toEqual(area(odd, 3));
        expect(await tx.listOrganizations(odd)).toEqual([partner]);
        expect(await countsOf(tx, odd)).toEqual({ areaId: odd, users: 1, using: 1, activeSystem: 0, blocked: 0, organizations: [{ organizationId: 'acme', users: 1, using: 1 }] });
        expect(await tx.getArea('missing')).toBeNull();
        await tx.putArea(area('a', 7));
        expect(await tx.getArea('a')).toEqual(area('a', 7));
        await tx.putOrganization({ ...partner, maxUsers: 2 });
        expect(await tx.listOrganizations(odd)).toEqual([{ ...partner, maxUsers: 2 }]);
        await tx.insertUsers([user('u3', { areaId: odd })]);
        expect(await countsOf(tx, odd)).toMatchObject({ users: 2, using: 2 });
      });
      // The transaction keeps nothing it read: each read above is a statement of its own.
      expect([reads('`lock_reads_areas`') - 1, reads('`lock_reads_organizations` WHERE area_id = ?'), reads('`lock_reads_user_counts` c')]).toEqual([3, 2, 2]);
    });

    it('a batch that fits one statement is inserted without a savepoint; a taken key writes none of it and leaves the transaction usable', async () => {
      await migrated('nosave_');
      const { pool, statements } = recording(database().pool);
      const repository = new MySqlSeatRepository(pool, { tablePrefix: 'nosave_' });
      statements.length = 0;
      await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u1', { username: 'taken', externalId: 'x1' }), user('u2')]));
      expect(statements.filter((s) => /SAVEPOINT/.test(s))).toEqual([]);

      await repository.transaction({ areaIds: [] }, async (tx) => {
        for (const [batch, field] of [
          [[user('u3'), user('u4', { username: 'TAKEN' })], 'username'],
          [[user('u5'), user('u6', { externalId: 'x1' })], 'externalId'],
          [[user('u7'), user('u1', { username: 'fresh' })], 'id'],
          [[user('u8', { username: 'twin' }), user('u9', { username: 'TWIN' })], 'username'],
        ] as const) {
          await expect(tx.insertUsers(batch)).rejects.toSatisfy((error) => error instanceof ConflictError && error.field === field);
        }
        await tx.insertUsers([user('u10')]);
      });
      expect((await rows('SELECT id FROM nosave_users ORDER BY id')).map((r) => r.id)).toEqual(['u1', 'u10', 'u2']);
      expect((await rows(`SELECT users FROM nosave_user_counts WHERE area_id = 'a' AND state = 'active'`)).map((r) => r.users)).toEqual([3]);
    });

    it('a batch of users is written by multi-row statements of at most batchSize rows, in one transaction; a taken key in the last one undoes them all', async () => {
      await migrated('batches_');
      const { pool, statements } = recording(database().pool);
      const repository = new MySqlSeatRepository(pool, { tablePrefix: 'batches_', batchSize: 4_000 });
      const users = Array.from({ length: 10_000 }, (_, i) => user(`u${i}`, { externalId: `x${i}` }));

      statements.length = 0;
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers(users));
      expect(statements.filter((s) => s.startsWith('INSERT'))).toHaveLength(3);
      expect(statements.filter((s) => /^(START TRANSACTION|COMMIT)$/.test(s))).toEqual(['START TRANSACTION', 'COMMIT']);
      expect((await repository.countUsers(['a']))[0]?.users).toBe(10_000);

      statements.length = 0;
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers(users.map((u) => ({ ...u, displayName: 'Renamed' }))));
      expect(statements.filter((s) => s.startsWith('UPDATE'))).toHaveLength(3);
      expect(await rows(`SELECT COUNT(*) AS n FROM batches_users WHERE display_name = 'Renamed'`)).toEqual([{ n: 10_000 }]);

      const more = Array.from({ length: 9_000 }, (_, i) => user(`v${i}`, { username: i === 8_999 ? 'U5' : `v${i}` }));
      await repository.transaction({ areaIds: ['a'] }, async (tx) => {
        await expect(tx.insertUsers(more)).rejects.toSatisfy((error) => error instanceof ConflictError && error.field === 'username');
        await expect(tx.updateUsers([user('u1', { displayName: 'x' }), user('nobody')])).rejects.toThrow(/"nobody": it does not exist/);
        await tx.insertUsers([user('after')]);
      });
      expect((await repository.countUsers(['a']))[0]?.users).toBe(10_001);
      expect((await repository.getUser('u1'))?.displayName).toBe('Renamed');
    });
  });

  describe('one connection at a time', () => {
    it('on a pool of one connection, a transaction using every method, the outbox claim and migrate() all complete: nothing needs a second connection while holding one', async () => {
      const pool = database().newPool({ connectionLimit: 1, queueLimit: 0 });
      const repository = await migrated('one_conn_', {}, pool);
      const deadline = <T>(work: Promise<T>) =>
        Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('waited for a second connection')), 10_000))]);
      await deadline(
        repository.transaction({ areaIds: ['a', 'b'] }, async (tx) => {
          await tx.putArea(area('a'));
          await tx.putOrganization({ id: 'o', areaId: 'a', name: 'O', access: 'granted', maxUsers: 2, createdAt: T0, updatedAt: T0 });
          await tx.insertUsers([user('u1'), user('u2', { state: 'blocked', blockReason: 'license-limit', blockedAt: T0 })]);
          await tx.updateUsers([user('u1', { displayName: 'One' })]);
          await Promise.all([
            tx.getArea('a'),
            tx.listAreas(),
            tx.getOrganization('o'),
            tx.listOrganizations('a'),
            tx.listOrganizations(),
            tx.getUser('u1'),
            tx.findUsersByUsernames(['u1']),
            tx.findUsersByExternalIds(['x']),
            tx.listBlockedUsers('a', 'license-limit', 10),
            tx.countUsers(['a', 'b']),
            tx.countUsers(),
            tx.getSetting('k'),
          ]);
          await tx.putSetting('k', 1);
          await tx.enqueueNotification({
            id: 'n1',
            notification: { id: 'n1', type: 'license-limit-exceeded', to: 'x@example.com', subject: 's', text: 't', areaId: 'a', areaName: 'A', maxUsers: 1, using: 1, attempted: 'create user "zoe"', occurredAt: T0 },
            status: 'pending',
            attempts: 0,
            nextAttemptAt: T0,
            lastError: null,
            createdAt: T0,
            deliveredAt: null,
          });
          await tx.appendLicenseChange({ id: 'c', requestId: null, type: 'set', areaId: 'a', maxUsersBefore: 0, maxUsersAfter: 10, appliedAt: T0, note: null });
          await tx.appendUsageSnapshot({ areaId: 'a', takenAt: T0, maxUsers: 10, using: 1, totalActiveUsers: 1 });
          await tx.deleteUser('u2');
        }),
      );
      expect(await deadline(repository.claimDueNotifications(new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:05:00Z'), 10))).toHaveLength(1);
      expect(await deadline(repository.migrate())).toMatchObject({ applied: [] });
      await pool.end();
    });
  });

  describe('counts kept by triggers, held equal to addToCounts', () => {
    it('counting reads the counts the triggers keep, never the users: writes made directly in SQL are counted too', async () => {
      const repository = await migrated('count_');
      const { pool, statements } = recording(database().pool);
      await new MySqlSeatRepository(pool, { tablePrefix: 'count_' }).countUsers(['a']);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toContain('count_user_counts');
      expect(statements[0]).not.toContain('count_users`');

      await repository.transaction({ areaIds: [] }, (tx) =>
        tx.insertUsers(Array.from({ length: 2_000 }, (_, i) => user(`u${i}`, { areaId: i % 2 === 0 ? 'a' : 'b', organizationId: i % 5 === 0 ? 'acme' : null }))),
      );
      await database().pool.query(`UPDATE count_users SET state = 'blocked', block_reason = 'admin' WHERE id IN ('u0', 'u2', 'u3')`);
      await database().pool.query(`UPDATE count_users SET display_name = 'renamed'`);
      await database().pool.query(`UPDATE count_users SET area_id = 'b' WHERE id = 'u4'`);
      await database().pool.query(`DELETE FROM count_users WHERE id IN ('u1', 'u10')`);
      const stored = await rows('SELECT area_id, organization_id, state, kind FROM count_users');
      const users = stored.map((r, i) => user(`r${i}`, { areaId: r.area_id, organizationId: r.organization_id, state: r.state, kind: r.kind }));
      const counts = await repository.countUsers(['a', 'b', 'none']);
      expect(counts.map(sortedOrganizations)).toEqual(['a', 'b', 'none'].map((id) => sortedOrganizations(expectedCounts(users, id))));
      expect(counts[0]).toMatchObject({ users: 998, blocked: 2 }); // 1,000 even ids, less u4 (moved) and u10 (deleted)
    });

    it('after any sequence of inserts, updates and deletes, through the adapter or in SQL, the counts equal addToCounts over the stored users', async () => {
      const repository = await migrated('prop_');
      const ids = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
      const shape = fc.record({
        areaId: fc.constantFrom('a', 'b'),
        organizationId: fc.constantFrom(null, 'acme', 'globex'),
        state: fc.constantFrom('active' as const, 'blocked' as const),
        kind: fc.constantFrom('licensed' as const, 'system' as const),
      });
      const operation = fc.oneof(
        fc.record({ op: fc.constant('put' as const), id: fc.constantFrom(...ids), shape, viaSql: fc.boolean() }),
        fc.record({ op: fc.constant('delete' as const), id: fc.constantFrom(...ids), viaSql: fc.boolean() }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { maxLength: 12 }), async (operations) => {
          await database().pool.query('DELETE FROM prop_users');
          for (const o of operations) {
            const existing = await repository.getUser(o.id);
            if (o.op === 'delete') {
              if (o.viaSql) await database().pool.query('DELETE FROM prop_users WHERE id = ?', [o.id]);
              else await repository.transaction({ areaIds: [] }, (tx) => tx.deleteUser(o.id));
              continue;
            }
            const next = user(o.id, { ...o.shape, blockReason: o.shape.state === 'blocked' ? 'admin' : null });
            if (o.viaSql && existing !== null) {
              await database().pool.query('UPDATE prop_users SET area_id = ?, organization_id = ?, state = ?, kind = ? WHERE id = ?', [
                next.areaId,
                next.organizationId,
                next.state,
                next.kind,
                o.id,
              ]);
            } else {
              await repository.transaction({ areaIds: [] }, (tx) => (existing === null ? tx.insertUsers([next]) : tx.updateUsers([next])));
            }
          }
          const stored = await rows('SELECT area_id, organization_id, state, kind FROM prop_users');
          const expected = ['a', 'b'].map((areaId) =>
            stored.filter((r) => r.area_id === areaId).reduce((counts: AreaSeatCounts, r) => addToCounts(counts, { state: r.state, kind: r.kind, organizationId: r.organization_id }, 1), emptyAreaCounts(areaId)),
          );
          const reported = await repository.countUsers(['a', 'b']);
          expect(reported.map(sortedOrganizations)).toEqual(expected.map((c) => sortedOrganizations({ ...c, organizations: c.organizations.filter((o) => o.users !== 0) })));
        }),
        { numRuns: 25 },
      );
    });
  });

  describe('time and JSON', () => {
    it('instants survive pools in other time zones and with dateStrings: stored in UTC, read back as the same Dates', async () => {
      const utc = await migrated('tz_');
      const elsewhere = new MySqlSeatRepository(database().newPool({ timezone: '+05:30', dateStrings: true, connectionLimit: 2 }), { tablePrefix: 'tz_' });
      const when = new Date('2026-06-30T23:59:59.987Z');
      await elsewhere.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u1', { createdAt: when, updatedAt: when, blockedAt: when, state: 'blocked', blockReason: 'admin' })]));
      expect(await rows(`SELECT CAST(created_at AS CHAR) AS at FROM tz_users`)).toEqual([{ at: '2026-06-30 23:59:59.987' }]);
      for (const repository of [utc, elsewhere]) {
        const stored = await repository.getUser('u1');
        expect([stored?.createdAt, stored?.blockedAt]).toEqual([when, when]);
      }
      await utc.transaction({ areaIds: [] }, (tx) => tx.appendUsageSnapshot({ areaId: 'a', takenAt: when, maxUsers: 1, using: 1, totalActiveUsers: 1 }));
      expect(await elsewhere.listUsageSnapshots('a', { from: when, to: when })).toHaveLength(1);
    });

    it('settings keep strings that look like JSON as strings, and nested values as they were', async () => {
      const repository = await migrated('json_');
      const values = ['{"a":1}', '42', 'null', '"quoted"', { nested: ['x', 1, null, true] }, 0, false] as const;
      await repository.transaction({ areaIds: [] }, async (tx) => {
        for (const [i, value] of values.entries()) await tx.putSetting(`k${i}`, value);
      });
      for (const [i, value] of values.entries()) expect(await repository.getSetting(`k${i}`)).toEqual(value);
    });
  });

  describe('failures surface as typed errors', () => {
    it('a server that refuses connections is StorageUnavailableError, for reads, transactions and migrate()', async () => {
      const pool = mysql.createPool({ host: '127.0.0.1', port: 1, user: 'root', connectTimeout: 2_000 });
      const repository = new MySqlSeatRepository(pool);
      try {
        await expect(repository.getArea('a')).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(repository.transaction({ areaIds: ['a'] }, async () => 1)).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(repository.migrate()).rejects.toBeInstanceOf(StorageUnavailableError);
      } finally {
        await pool.end();
      }
    });

    it('a pool that was ended is StorageUnavailableError', async () => {
      const pool = database().newPool({ connectionLimit: 1 });
      const repository = new MySqlSeatRepository(pool, { tablePrefix: 'ended_' });
      await repository.migrate();
      await pool.end();
      await expect(repository.listAreas()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(repository.transaction({ areaIds: [] }, async () => 1)).rejects.toBeInstanceOf(StorageUnavailableError);
    });

    it('a connection cut while the transaction holds it is StorageUnavailableError, never a crash; nothing is written and the repository recovers', async () => {
      const pool = database().newPool({ connectionLimit: 2 });
      const repository = await migrated('killed_', {}, pool);
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      let killed = 0;
      try {
        await expect(
          repository.transaction({ areaIds: [] }, async (tx) => {
            await tx.insertUsers([user('u1')]);
            // The session idle in this transaction, found by its open InnoDB transaction, is killed from another session.
            const [sessions] = await database().pool.query<Rows>(
              `SELECT t.trx_mysql_thread_id AS id FROM information_schema.INNODB_TRX t
               JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
               WHERE p.DB = DATABASE() AND p.ID <> CONNECTION_ID()`,
            );
            for (const session of sessions) await database().pool.query(`KILL ${Number(session.id)}`);
            killed = sessions.length;
            // Cut while idle: the connection emits 'error' with no statement to carry it.
            await new Promise((resolve) => setTimeout(resolve, 200));
            await tx.insertUsers([user('u2')]);
          }),
        ).rejects.toBeInstanceOf(StorageUnavailableError);
      } finally {
        process.off('uncaughtException', onUncaught);
      }
      expect(killed).toBe(1);
      expect(uncaught).toEqual([]);
      expect(await rowCounts(database().pool, 'killed_')).toMatchObject({ users: 0 });
      await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u3')]));
      expect((await repository.getUser('u3'))?.id).toBe('u3');
    });

    it('an area lock that cannot be had within lockTimeout is SerializationFailureError, and nothing is written', async () => {
      const repository = await migrated('lock_wait_');
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.putArea(area('a')));
      const impatient = new MySqlSeatRepository(database().newPool({ connectionLimit: 1 }), { tablePrefix: 'lock_wait_', lockTimeout: 1 });
      const holder = await database().pool.getConnection();
      try {
        await holder.query('START TRANSACTION');
        await holder.query(`SELECT id FROM lock_wait_areas WHERE id = 'a' FOR UPDATE`);
        const started = Date.now();
        await expect(impatient.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1')]))).rejects.toBeInstanceOf(SerializationFailureError);
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      expect(await repository.getUser('u1')).toBeNull();
      await impatient.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1')]));
      expect((await repository.getUser('u1'))?.id).toBe('u1');
    });
  });

  it('dropTables removes one prefix and leaves the others', async () => {
    await migrated('gone_');
    const keep = await migrated('kept_');
    await dropTables(database().pool, 'gone_');
    expect(await rows(`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'gone\\_%'`)).toEqual([{ n: 0 }]);
    expect(await keep.listAreas()).toEqual([]);
  });

  it('refuses a malformed pool or options with InvalidInputError', () => {
    expect(() => new MySqlSeatRepository({} as mysql.Pool)).toThrow(InvalidInputError);
    expect(() => new MySqlSeatRepository(database().pool, { database: '' })).toThrow(InvalidInputError);
    expect(() => new MySqlSeatRepository(database().pool, { tablePrefix: 'bad-prefix' })).toThrow(InvalidInputError);
    expect(() => new MySqlSeatRepository(database().pool, { tablePrefix: 'x'.repeat(41) })).toThrow(InvalidInputError);
    expect(() => new MySqlSeatRepository(database().pool, { batchSize: 0 })).toThrow(InvalidInputError);
    expect(() => new MySqlSeatRepository(database().pool, { lockTimeout: 0.5 })).toThrow(InvalidInputError);
  });
});
