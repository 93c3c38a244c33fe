import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import {
  ConfigurationRefusedError,
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
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

const T0 = new Date('2026-01-01T00:00:00.000Z');
const area = (id: string, maxUsers = 10): Area => ({ id, kind: 'extranet', name: id, maxUsers, graceSeats: 0, createdAt: T0, updatedAt: T0 });
const user = (id: string, changes: Partial<User> = {}): User => fixtureUser(id, { source: 'directory', ...changes });

/** Counts with organizations in id order, so two reports compare equal. */
function sortedOrganizations(counts: AreaSeatCounts): AreaSeatCounts {
  return { ...counts, organizations: [...counts.organizations].sort((x, y) => (x.organizationId < y.organizationId ? -1 : 1)) };
}

/** Rows in every seatkeeper table of a schema, read directly rather than through the adapter. */
async function rowCounts(pool: pg.Pool, schema: string): Promise<Record<string, number>> {
  const tables = ['areas', 'organizations', 'users', 'settings', 'outbox', 'license_changes', 'usage_snapshots'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.seatkeeper_${table}`);
    counts[table] = rows[0]?.n ?? -1;
  }
  return counts;
}

/** A pool that records every statement sent through it and through the clients it hands out. */
function recording(pool: pg.Pool): { pool: pg.Pool; statements: string[] } {
  const statements: string[] = [];
  const record = <Q extends (...args: never[]) => unknown>(query: Q, self: object): Q =>
    ((...args: Parameters<Q>) => {
      statements.push(String(args[0]));
      return query.apply(self, args);
    }) as Q;
  const proxy = new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') return record(target.query, target);
      if (property === 'connect') {
        return async () => {
          const client = await target.connect();
          return new Proxy(client, {
            get(c, p) {
              const value = Reflect.get(c, p, c) as unknown;
              if (p === 'query') return record(c.query, c);
              return typeof value === 'function' ? value.bind(c) : value;
            },
          });
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { pool: proxy, statements };
}

describe.skipIf(unavailable !== null)('PostgresSeatRepository on a real server', () => {
  const database = useTestDatabase('repository');

  async function migrated(schema: string, options: { batchSize?: number } = {}): Promise<PostgresSeatRepository> {
    const repository = new PostgresSeatRepository(database().pool, { schema, ...options });
    await repository.migrate();
    return repository;
  }

  describe('migrate()', () => {
    it('creates every table and index once, records the version, and does nothing the second time', async () => {
      const repository = new PostgresSeatRepository(database().pool, { schema: 'm1' });
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [1, 2, 3, 4, 5] });
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [] });
      const { rows: versions } = await database().pool.query('SELECT version FROM m1.seatkeeper_schema_version ORDER BY version');
      expect(versions).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
      const { rows: indexes } = await database().pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'm1' ORDER BY indexname`);
      expect(indexes.map((i) => i.indexname)).toEqual(
        expect.arrayContaining([
          'seatkeeper_users_pkey',
          'seatkeeper_users_username_key',
          'seatkeeper_users_external_id_key',
          'seatkeeper_user_counts_pkey',
          'seatkeeper_users_blocked_idx',
          'seatkeeper_outbox_pending_idx',
          'seatkeeper_organizations_area_idx',
          'seatkeeper_areas_one_primary',
          'seatkeeper_users_legacy_key_idx',
        ]),
      );
    });

    it('six instances migrating one schema at once: exactly one applies the migration, none fails', async () => {
      const repositories = Array.from({ length: 6 }, () => new PostgresSeatRepository(database().pool, { schema: 'm2' }));
      const results = await Promise.all(repositories.map((r) => r.migrate()));
      expect(results.filter((r) => r.applied.length > 0)).toEqual([{ version: CURRENT_SCHEMA_VERSION, applied: [1, 2, 3, 4, 5] }]);
      expect(results.every((r) => r.version === CURRENT_SCHEMA_VERSION)).toBe(true);
    });

    it('an app server without the CREATE privilege can call migrate() on a migrated schema: it finds nothing to do', async () => {
      await migrated('least_privilege');
      const role = `seatkeeper_app_${process.pid}_${Date.now().toString(36)}`;
      const pool = database().pool;
      await pool.query(`CREATE ROLE ${role} LOGIN`);
      try {
        await pool.query(`GRANT USAGE ON SCHEMA least_privilege TO ${role}`);
        await pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA least_privilege TO ${role}`);
        const url = new URL(database().url);
        url.username = role;
        const appPool = database().newPool({ connectionString: url.toString(), max: 1 });
        const repository = new PostgresSeatRepository(appPool, { schema: 'least_privilege' });
        expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [] });
        await repository.transaction({ areaIds: ['a'] }, (tx) => tx.putArea(area('a')));
        expect((await repository.getArea('a'))?.id).toBe('a');
        await appPool.end();
        const unmigrated = new PostgresSeatRepository(database().newPool({ connectionString: url.toString(), max: 1 }), { schema: 'not_there' });
        await expect(unmigrated.migrate()).rejects.toBeInstanceOf(StorageError);
      } finally {
        await pool.query(`DROP OWNED BY ${role}`);
        await pool.query(`DROP ROLE ${role}`);
      }
    });

    it('without migrate() a call fails with a StorageError that says to run it', async () => {
      const repository = new PostgresSeatRepository(database().pool, { schema: 'never_migrated' });
      await expect(repository.listAreas()).rejects.toThrow(/migrate\(\)/);
      await expect(repository.transaction({ areaIds: ['a'] }, async () => 1)).rejects.toBeInstanceOf(StorageError);
    });

    it('repositories in two schemas of one database are independent', async () => {
      const left = await migrated('left_side');
      const right = await migrated('right_side');
      await left.transaction({ areaIds: ['a'] }, async (tx) => {
        await tx.putArea(area('a'));
        await tx.insertUsers([user('u1')]);
      });
      expect(await right.getArea('a')).toBeNull();
      expect(await byName(right, 'u1')).toBeNull();
      await right.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1')]));
      expect((await left.countUsers(['a']))[0]?.users).toBe(1);
    });
  });

  describe('storage rules enforced by the database itself', () => {
    it('at most one primary area, by a partial unique index: a second one is ConfigurationRefusedError, and a direct SQL insert fails too', async () => {
      const repository = await migrated('one_primary_index');
      await repository.transaction({ areaIds: ['main'] }, (tx) => tx.putArea({ ...area('main'), kind: 'primary' }));
      await expect(repository.transaction({ areaIds: ['other'] }, (tx) => tx.putArea({ ...area('other'), kind: 'primary' }))).rejects.toBeInstanceOf(
        ConfigurationRefusedError,
      );
      await expect(
        database().pool.query(
          `INSERT INTO one_primary_index.seatkeeper_areas (id, kind, name, max_users, grace_seats, created_at, updated_at) VALUES ('x', 'primary', 'X', 1, 0, now(), now())`,
        ),
      ).rejects.toMatchObject({ code: '23505', constraint: 'seatkeeper_areas_one_primary' });
      // Extranet areas are not limited, and the primary area can be redefined.
      await repository.transaction({ areaIds: ['other'] }, (tx) => tx.putArea(area('other')));
      await repository.transaction({ areaIds: ['main'] }, (tx) => tx.putArea({ ...area('main', 20), kind: 'primary' }));
      expect((await repository.listAreas()).map((a) => `${a.id}:${a.kind}`).sort()).toEqual(['main:primary', 'other:extranet']);
    });

    it('usernames are unique ignoring case by a unique index: a direct SQL insert of the same folded name fails', async () => {
      const repository = await migrated('unique_idx');
      await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u1', { username: 'Émile' })]));
      const { rows } = await database().pool.query('SELECT username, username_key FROM unique_idx.seatkeeper_users');
      expect(rows).toEqual([{ username: 'Émile', username_key: 'émile' }]);
      await expect(
        database().pool.query(
          `INSERT INTO unique_idx.seatkeeper_users (id, username, username_key, area_id, kind, state, source, created_at, updated_at)
           VALUES ('u2', 'ÉMILE', 'émile', 'a', 'licensed', 'active', 'manual', now(), now())`,
        ),
      ).rejects.toMatchObject({ code: '23505', constraint: 'seatkeeper_users_username_key' });
    });

    it('a transaction that fails leaves no row in any table, read directly from the database', async () => {
      const repository = await migrated('rollback_probe');
      const before = await rowCounts(database().pool, 'rollback_probe');
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
      expect(await rowCounts(database().pool, 'rollback_probe')).toEqual(before);
      expect(Object.values(before).every((n) => n === 0)).toBe(true);
    });

    it('a statement failure swallowed inside the work still fails the transaction at commit, writing nothing', async () => {
      const repository = await migrated('swallowed');
      await expect(
        repository.transaction({ areaIds: [] }, async (tx) => {
          await tx.insertUsers([user('u1')]);
          // maxUsers -1 breaks a CHECK constraint: PostgreSQL aborts the whole transaction.
          await tx.putArea(area('a', -1)).catch(() => undefined);
        }),
      ).rejects.toBeInstanceOf(StorageError);
      expect(await rowCounts(database().pool, 'swallowed')).toMatchObject({ users: 0, areas: 0 });
    });

    it('usernames fold the same in a database whose locale lowercases only ASCII', async () => {
      const { createTestDatabase } = await import('../../support/postgres.js');
      const asciiOnly = await createTestDatabase('c_locale', "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
      try {
        const { rows } = await asciiOnly.pool.query<{ folded: string }>(`SELECT lower('ÉMILE') AS folded`);
        expect(rows[0]?.folded).toBe('Émile');
        const repository = new PostgresSeatRepository(asciiOnly.pool);
        await repository.migrate();
        await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u1', { username: 'ÉMILE' })]));
        expect((await byName(repository, 'émile'))?.id).toBe('u1');
        await expect(repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u2', { username: 'émile' })]))).rejects.toBeInstanceOf(ConflictError);
      } finally {
        await asciiOnly.drop();
      }
    });
  });

  describe('statements', () => {
    it('bulk look-ups and counts are one statement each, however many keys', async () => {
      await migrated('single_statements');
      const { pool, statements } = recording(database().pool);
      const repository = new PostgresSeatRepository(pool, { schema: 'single_statements' });
      const names = Array.from({ length: 500 }, (_, i) => `name-${i}`);

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
      expect(statements.filter((s) => !/^(BEGIN|COMMIT)$/.test(s) && !s.includes('FOR UPDATE'))).toHaveLength(2);
    });

    it('counting reads the counts the triggers keep, never the users: the same statement and cost at any number of users', async () => {
      const repository = await migrated('count_plan');
      const { pool, statements } = recording(database().pool);
      const counting = new PostgresSeatRepository(pool, { schema: 'count_plan' });
      await counting.countUsers(['a']);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toContain('seatkeeper_user_counts');
      expect(statements[0]).not.toContain('seatkeeper_users ');

      // Writes made directly in SQL, around the adapter, are counted too: the triggers live in the database.
      await repository.transaction({ areaIds: [] }, (tx) =>
        tx.insertUsers(Array.from({ length: 2_000 }, (_, i) => user(`u${i}`, { areaId: i % 2 === 0 ? 'a' : 'b', organizationId: i % 5 === 0 ? 'acme' : null }))),
      );
      await database().pool.query(`UPDATE count_plan.seatkeeper_users SET state = 'blocked', block_reason = 'admin' WHERE id IN ('u0', 'u2', 'u3')`);
      await database().pool.query(`UPDATE count_plan.seatkeeper_users SET display_name = 'renamed'`);
      await database().pool.query(`UPDATE count_plan.seatkeeper_users SET area_id = 'b' WHERE id = 'u4'`);
      await database().pool.query(`DELETE FROM count_plan.seatkeeper_users WHERE id IN ('u1', 'u10')`);
      const { rows } = await database().pool.query<{ area_id: string; organization_id: string | null; state: string; kind: string }>(
        'SELECT area_id, organization_id, state, kind FROM count_plan.seatkeeper_users',
      );
      const users = rows.map((r, i) =>
        user(`r${i}`, { areaId: r.area_id, organizationId: r.organization_id, state: r.state as User['state'], kind: r.kind as User['kind'] }),
      );
      const counts = await repository.countUsers(['a', 'b', 'none']);
      expect(counts.map(sortedOrganizations)).toEqual(['a', 'b', 'none'].map((id) => sortedOrganizations(expectedCounts(users, id))));
      expect(counts[0]).toMatchObject({ users: 998, blocked: 2 }); // 1,000 even ids, less u4 (moved) and u10 (deleted)
    });

    it('a seat write starts with one round trip that begins and locks the areas in sorted order; every read in it goes to the database and sees its writes', async () => {
      const seed = await migrated('lock_reads');
      const odd = "o'brien\\x"; // quoted as a literal in the lock statement
      const partner: Organization = { id: 'acme', areaId: odd, name: 'Acme', access: 'granted', maxUsers: 5, createdAt: T0, updatedAt: T0 };
      await seed.transaction({ areaIds: [] }, async (tx) => {
        await tx.putArea(area('a'));
        await tx.putArea(area(odd, 3));
        await tx.putOrganization(partner);
        await tx.insertUsers([user('u1', { areaId: odd, organizationId: 'acme' }), user('u2', { areaId: 'a' })]);
      });
      const { pool, statements } = recording(database().pool);
      const repository = new PostgresSeatRepository(pool, { schema: 'lock_reads' });
      const reads = (table: string) => statements.filter((s) => !s.startsWith('BEGIN') && s.startsWith('SELECT') && s.includes(table)).length;

      statements.length = 0;
      await repository.transaction({ areaIds: [odd, 'a', 'missing'] }, async (tx) => {
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
      expect(statements[0]).toMatch(
        /^BEGIN; SET LOCAL lock_timeout = 10000; SET LOCAL statement_timeout = 30000; SET LOCAL idle_in_transaction_session_timeout = 60000; SELECT id FROM \S+ WHERE id IN \('a', 'missing',  E'o''brien\\\\x'\) ORDER BY id FOR UPDATE$/,
      );
      // The transaction keeps nothing it read: each read above is a statement of its own.
      expect([reads('seatkeeper_areas'), reads('seatkeeper_organizations'), reads('seatkeeper_user_counts')]).toEqual([3, 2, 2]);
    });

    it('a batch that fits one statement is inserted without a savepoint; a taken key still writes none of it and leaves the transaction usable', async () => {
      await migrated('no_savepoint');
      const { pool, statements } = recording(database().pool);
      const repository = new PostgresSeatRepository(pool, { schema: 'no_savepoint' });
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
      const { rows } = await database().pool.query<{ id: string }>('SELECT id FROM no_savepoint.seatkeeper_users ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(['u1', 'u10', 'u2']);
    });

    it('a batch of users is written by multi-row statements of at most batchSize rows, in one transaction', async () => {
      await migrated('batches');
      const { pool, statements } = recording(database().pool);
      const repository = new PostgresSeatRepository(pool, { schema: 'batches', batchSize: 4_000 });
      const users = Array.from({ length: 10_000 }, (_, i) => user(`u${i}`, { externalId: `x${i}` }));

      statements.length = 0;
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers(users));
      expect(statements.filter((s) => s.startsWith('INSERT'))).toHaveLength(3);
      expect(statements.filter((s) => /^(BEGIN|COMMIT)\b/.test(s)).map((s) => s.split(/[ ;]/)[0])).toEqual(['BEGIN', 'COMMIT']);
      expect((await repository.countUsers(['a']))[0]?.users).toBe(10_000);

      statements.length = 0;
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers(users.map((u) => ({ ...u, displayName: 'Renamed' }))));
      expect(statements.filter((s) => s.startsWith('UPDATE'))).toHaveLength(3);
      const { rows } = await database().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM batches.seatkeeper_users WHERE display_name = 'Renamed'`);
      expect(rows[0]?.n).toBe(10_000);
    });
  });

  describe('failures surface as typed errors', () => {
    it('a server that refuses connections is StorageUnavailableError, for reads, transactions and migrate()', async () => {
      const pool = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2_000 });
      pool.on('error', () => undefined);
      const repository = new PostgresSeatRepository(pool);
      try {
        await expect(repository.getArea('a')).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(repository.transaction({ areaIds: ['a'] }, async () => 1)).rejects.toBeInstanceOf(StorageUnavailableError);
        await expect(repository.migrate()).rejects.toBeInstanceOf(StorageUnavailableError);
      } finally {
        await pool.end();
      }
    });

    it('a pool that was ended is StorageUnavailableError', async () => {
      const database_ = database();
      const pool = database_.newPool({ max: 1 });
      const repository = new PostgresSeatRepository(pool, { schema: 'ended' });
      await repository.migrate();
      await pool.end();
      await expect(repository.listAreas()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(repository.transaction({ areaIds: [] }, async () => 1)).rejects.toBeInstanceOf(StorageUnavailableError);
    });

    it('a connection killed mid-transaction is StorageUnavailableError, writes nothing, and the repository recovers', async () => {
      const pool = database().newPool({ max: 2, application_name: 'seatkeeper-killed' });
      const repository = new PostgresSeatRepository(pool, { schema: 'killed' });
      await repository.migrate();
      await expect(
        repository.transaction({ areaIds: [] }, async (tx) => {
          await tx.insertUsers([user('u1')]);
          await database().pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'seatkeeper-killed' AND state LIKE 'idle in transaction%'`);
          await tx.insertUsers([user('u2')]);
        }),
      ).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(await rowCounts(database().pool, 'killed')).toMatchObject({ users: 0 });
      await repository.transaction({ areaIds: [] }, (tx) => tx.insertUsers([user('u3')]));
      expect((await repository.getUser('u3'))?.id).toBe('u3');
    });

    it('an area lock that cannot be had within lockTimeout is SerializationFailureError, and nothing is written', async () => {
      const repository = await migrated('lock_wait');
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.putArea(area('a')));
      const impatient = new PostgresSeatRepository(database().newPool({ max: 1 }), { schema: 'lock_wait', lockTimeout: 100 });
      const holder = await database().pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM lock_wait.seatkeeper_areas WHERE id = 'a' FOR UPDATE`);
        await expect(impatient.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1')]))).rejects.toBeInstanceOf(SerializationFailureError);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      expect(await repository.getUser('u1')).toBeNull();
      await impatient.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1')]));
      expect((await repository.getUser('u1'))?.id).toBe('u1');
    });
  });

  it('refuses a malformed pool or options with InvalidInputError', () => {
    expect(() => new PostgresSeatRepository({} as pg.Pool)).toThrow(InvalidInputError);
    expect(() => new PostgresSeatRepository(database().pool, { schema: '' })).toThrow(InvalidInputError);
    expect(() => new PostgresSeatRepository(database().pool, { batchSize: 0 })).toThrow(InvalidInputError);
  });
});
