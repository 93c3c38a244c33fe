import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { migrate } from '../../../src/adapters/postgres/migrations.js';
import { userPageQuery } from '../../../src/adapters/postgres/sql-reads.js';
import { tablesIn } from '../../../src/adapters/postgres/tables.js';
import { USER_LIST_INDEXES, USER_SEARCH_INDEX } from '../../../src/adapters/postgres/user-search.js';
import { SEARCH_FIELD_SEPARATOR, userSearchKey, type User, type UserFilter } from '../../../src/index.js';
import { searchKeyGrams } from '../../../src/core/search.js';
import { area, blocked, organization, seed, user } from '../../../src/testing/fixtures.js';
import { createTestDatabase, postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** One node of an `EXPLAIN (FORMAT JSON)` plan. */
interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

/** Every node of a plan, depth first. */
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe.skipIf(unavailable !== null)('finding people on PostgreSQL', () => {
  const database = useTestDatabase('finding');

  describe('every listUsers filter is served by an index, and the cursor is a range on it (keyset paging)', () => {
    const schema = 'plans';
    const AREAS = 100;
    const USERS = 100_000;
    let seeded: Promise<PostgresSeatRepository> | undefined;
    // Seeding 100,000 users through the adapter takes seconds, more on a busy machine.
    beforeAll(() => repository().then(() => undefined), 300_000);

    /**
     * 100,000 users over 100 areas and 1,000 partners, with a few blocked, system, pending, CSV-imported
     * and "needle" users: every filter value tested is selective, and the table is large enough that
     * reading it, or walking the username index past the rows that do not match, costs more than the index.
     */
    function repository(): Promise<PostgresSeatRepository> {
      seeded ??= (async () => {
        const r = new PostgresSeatRepository(database().pool, { schema });
        await r.migrate();
        const areas = Array.from({ length: AREAS }, (_, i) => area(`area-${String(i).padStart(2, '0')}`, USERS));
        const organizations = areas.flatMap((a) => Array.from({ length: 10 }, (_, j) => organization(`${a.id}-org-${j}`, a.id)));
        const users = Array.from({ length: USERS }, (_, i): User => {
          const areaId = `area-${String(i % AREAS).padStart(2, '0')}`;
          // Moduli prime to each other and to the area count, so no attribute lines up with an area.
          const base = user(`user-${String(i).padStart(6, '0')}`, {
            username: `person${String((i * 7919) % USERS).padStart(6, '0')}`,
            displayName: i % 10_000 === 7 ? `Needle Émile ${i}` : `Person ${i}`,
            email: `p${i}@example.org`,
            areaId,
            organizationId: i % 3 === 0 ? `${areaId}-org-${Math.floor(i / AREAS) % 10}` : null,
            source: i % 53 === 3 ? 'csv' : 'directory',
            ...(i % 211 === 11 ? { kind: 'system' as const, systemRole: 'superuser' as const } : {}),
          });
          if (i % 101 === 5) return blocked(base, 'license-limit');
          return i % 37 === 9 ? blocked(base, 'admin') : base;
        });
        await seed(r, { areas, organizations, users });
        // As autovacuum leaves it: statistics, and the trigram index's pending list merged.
        await database().pool.query(`VACUUM ANALYZE ${schema}.seatkeeper_users`);
        return r;
      })();
      return seeded;
    }

    async function plan(filter: UserFilter, after: string | null = null): Promise<PlanNode[]> {
      await repository();
      const { text, values } = userPageQuery(tablesIn(schema), filter, { after, limit: 50 });
      const { rows } = await database().pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
      return nodes(rows[0]?.['QUERY PLAN'][0].Plan as PlanNode);
    }

    const byFilter: ReadonlyArray<readonly [filter: UserFilter, indexes: readonly string[]]> = [
      [{ areaId: 'area-08' }, [USER_LIST_INDEXES.area[0]]],
      [{ areaId: 'area-08', organizationId: 'area-08-org-3' }, [USER_LIST_INDEXES.areaOrganization[0], USER_LIST_INDEXES.organization[0]]],
      [{ areaId: 'area-07', organizationId: null }, [USER_LIST_INDEXES.areaOrganization[0]]],
      [{ areaId: 'area-08', state: 'blocked' }, [USER_LIST_INDEXES.areaState[0]]],
      [{ organizationId: 'area-08-org-3' }, [USER_LIST_INDEXES.organization[0]]],
      [{ state: 'blocked' }, [USER_LIST_INDEXES.state[0]]],
      [{ kind: 'system' }, [USER_LIST_INDEXES.kind[0]]],
      [{ blockReason: 'license-limit' }, [USER_LIST_INDEXES.blockReason[0]]],
      [{ source: 'csv' }, [USER_LIST_INDEXES.source[0]]],
    ];

    for (const [filter, indexes] of byFilter) {
      it(`${JSON.stringify(filter)} reads ${indexes.join(' or ')} from the cursor on, never the whole table`, async () => {
        for (const after of [null, 'person050000']) {
          const read = await plan(filter, after);
          expect(read.filter((n) => n['Node Type'] === 'Seq Scan'), `${JSON.stringify(read)}`).toEqual([]);
          const scan = read.find((n) => n['Index Name'] !== undefined && indexes.includes(n['Index Name']));
          expect(scan, `plan ${JSON.stringify(read)}`).toBeDefined();
          // The cursor is part of the index range, so a deep page starts where it left off instead of skipping rows.
          if (after !== null) expect(scan?.['Index Cond']).toContain('username_key >');
        }
      });
    }

    it(`a search of any length reads the n-gram index ${USER_SEARCH_INDEX}, alone and with other filters`, async () => {
      const searches: UserFilter[] = [
        { search: 'needle' },
        { search: 'NEEDLE émile' },
        { search: 'needle', areaId: 'area-07' },
        { search: 'Needle', state: 'active' },
        // Rare short texts: one or two characters are grams of their own.
        { search: 'nx' },
        { search: '李' },
        { search: 'Q' },
      ];
      for (const filter of searches) {
        for (const after of [null, 'person050000']) {
          const read = await plan(filter, after);
          expect(read.filter((n) => n['Node Type'] === 'Seq Scan'), `${JSON.stringify(read)}`).toEqual([]);
          expect(read.some((n) => n['Index Name'] === USER_SEARCH_INDEX), `${JSON.stringify(filter)}: ${JSON.stringify(read)}`).toBe(true);
        }
      }
    });

    it('filters that match most users walk the username index in order instead of the table; no filter reads it too', async () => {
      for (const filter of [{}, { state: 'active' as const }, { kind: 'licensed' as const }, { organizationId: null }, { search: 'person' }, { search: 'E' }]) {
        const read = await plan(filter, 'person030000');
        expect(read.filter((n) => n['Node Type'] === 'Seq Scan'), `${JSON.stringify(filter)}: ${JSON.stringify(read)}`).toEqual([]);
        expect(read.some((n) => n['Index Name'] !== undefined), `${JSON.stringify(filter)}: ${JSON.stringify(read)}`).toBe(true);
      }
    });

    it('the pages of a filtered search hold every match once, in order, the last one without a cursor', async () => {
      const r = await repository();
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const page: Awaited<ReturnType<PostgresSeatRepository['listUsers']>> = await r.listUsers({ search: 'needle émile' }, { after, limit: 3 });
        ids.push(...page.users.map((u) => u.displayName ?? ''));
        after = page.next;
      } while (after !== null);
      expect(ids).toHaveLength(10);
      expect(ids.every((name) => name.startsWith('Needle Émile'))).toBe(true);
    });
  });

  describe('migrations 5 and 6', () => {
    it('a fresh schema gets the search key column and every listing index', async () => {
      const repository = new PostgresSeatRepository(database().pool, { schema: 'fresh' });
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [1, 2, 3, 4, 5] });
      const { rows } = await database().pool.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'fresh'`);
      const names = rows.map((r) => r.indexname);
      for (const [name] of Object.values(USER_LIST_INDEXES)) expect(names).toContain(name);
      expect(rows.find((r) => r.indexname === USER_SEARCH_INDEX)?.indexdef).toMatch(/USING gin \(fresh\.seatkeeper_search_grams\(search_key\)\)/);
      const { rows: columns } = await database().pool.query(
        `SELECT is_nullable, collation_name FROM information_schema.columns WHERE table_schema = 'fresh' AND table_name = 'seatkeeper_users' AND column_name = 'search_key'`,
      );
      expect(columns).toEqual([{ is_nullable: 'NO', collation_name: 'C' }]);
    });

    it('upgrading a schema of version 2 folds the search keys of the users already there, in batches, and they are found', async () => {
      const schema = 'upgrade_from_2';
      const client = await database().pool.connect();
      try {
        expect(await migrate(client, tablesIn(schema), 2)).toEqual({ version: 2, applied: [1, 2] });
      } finally {
        client.release();
      }
      // Users written by the release before search: no search_key column yet. More than one batch of the fill.
      await database().pool.query(
        `INSERT INTO ${schema}.seatkeeper_users (id, username, username_key, email, display_name, area_id, kind, state, source, created_at, updated_at)
         SELECT 'u' || lpad(i::text, 5, '0'), 'user' || i, 'user' || i, CASE WHEN i % 2 = 0 THEN 'U' || i || '@Example.org' END,
                CASE WHEN i = 4242 THEN 'Zoë Ærø' END, 'a', 'licensed', 'active', 'manual', now(), now()
         FROM generate_series(1, 12000) AS i`,
      );
      const repository = new PostgresSeatRepository(database().pool, { schema });
      expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [3, 4, 5] });
      const { rows } = await database().pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.seatkeeper_users WHERE search_key = ''`);
      expect(rows[0]?.n).toBe(0);
      const { rows: stored } = await database().pool.query<{ search_key: string }>(`SELECT search_key FROM ${schema}.seatkeeper_users WHERE id = 'u04242'`);
      expect(stored[0]?.search_key).toBe(userSearchKey({ username: 'user4242', displayName: 'Zoë Ærø', email: 'U4242@Example.org' }));
      expect((await repository.listUsers({ search: 'ZOE ÆR' }, { after: null, limit: 10 })).users.map((u) => u.id)).toEqual(['u04242']);
      expect((await repository.listUsers({ search: 'u11998@example' }, { after: null, limit: 10 })).users.map((u) => u.id)).toEqual(['u11998']);
      // The counts the triggers keep did not move: filling keys changes no group.
      expect((await repository.countUsers(['a']))[0]).toMatchObject({ users: 12_000, using: 12_000 });

      // A row written around the adapter (SQL, or a server on the previous release) gets an empty key:
      // listed, not found by a search, until seatkeeper writes it again.
      await database().pool.query(
        `INSERT INTO ${schema}.seatkeeper_users (id, username, username_key, area_id, kind, state, source, created_at, updated_at)
         VALUES ('late', 'Latecomer', 'latecomer', 'a', 'licensed', 'active', 'manual', now(), now())`,
      );
      expect((await repository.listUsers({ search: 'latecomer' }, { after: null, limit: 10 })).users).toEqual([]);
      expect((await repository.listUsers({}, { after: 'latecomd', limit: 1 })).users.map((u) => u.id)).toEqual(['late']);
      const late = (await repository.getUser('late')) as User;
      await repository.transaction({ areaIds: ['a'] }, (tx) => tx.updateUsers([late]));
      expect((await repository.listUsers({ search: 'latecomer' }, { after: null, limit: 10 })).users.map((u) => u.id)).toEqual(['late']);
    });

  });

  it('search finds non-Latin text, and a database whose LC_CTYPE is C changes nothing: the grams are cut by code point, not by locale', async () => {
    const asciiOnly = await createTestDatabase('grams_c_locale', "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
    try {
      const repository = new PostgresSeatRepository(asciiOnly.pool);
      await repository.migrate();
      await repository.transaction({ areaIds: [] }, (tx) =>
        tx.insertUsers([user('u1', { username: 'ΩMEGA' }), user('u2', { displayName: '李雷' }), user('u3', { username: 'Ärger' }), user('u4', { email: 'x😀y@example.org' })]),
      );
      const find = async (search: string) => (await repository.listUsers({ search }, { after: null, limit: 10 })).users.map((u) => u.id);
      expect(await find('ωmega')).toEqual(['u1']);
      expect(await find('李')).toEqual(['u2']);
      expect(await find('李雷')).toEqual(['u2']);
      expect(await find('arg')).toEqual(['u3']);
      expect(await find('😀y@')).toEqual(['u4']);
    } finally {
      await asciiOnly.drop();
    }
  });

  it('the SQL function cuts a search key into exactly the grams searchKeyGrams() gives', async () => {
    const schema = 'grams_twin';
    await new PostgresSeatRepository(database().pool, { schema }).migrate();
    const unit = fc.oneof(fc.constantFrom('a', 'b', ' ', '@', '.', '_', '%', '\\', "'", 'é', 'ß', '李', '😀', SEARCH_FIELD_SEPARATOR), fc.string({ unit: 'grapheme', maxLength: 2 }));
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 16 }), async (key) => {
        const { rows } = await database().pool.query<{ grams: string[] }>(`SELECT ${schema}.seatkeeper_search_grams($1) AS grams`, [key]);
        // As sets: the order of an array GIN indexes does not matter (SQL sorts by the database's collation, JavaScript by code unit).
        expect([...(rows[0]?.grams ?? [])].sort()).toEqual(searchKeyGrams(key));
      }),
      { numRuns: 200 },
    );
  });
});
