import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, PostgresSeatRepository } from '../../../src/adapters/postgres/index.js';
import { migrate } from '../../../src/adapters/postgres/migrations.js';
import { tablesIn } from '../../../src/adapters/postgres/tables.js';
import { createSeatkeeper, type Seatkeeper } from '../../../src/index.js';
import { fixedClock } from '../../support/clock.js';
import { postgresUnavailable, useTestDatabase } from '../../support/postgres.js';

const unavailable = await postgresUnavailable();

/** How schema version 1 folded usernames into `username_key`. */
const oldKey = (username: string) => username.trim().toLowerCase();

/** Users as a site on schema version 1 could hold them: distinct there, one name each pair by today's rules. The first of each pair is older. */
const STORED = [
  { id: 'strasse-1', username: 'straße', created: '2020-01-01' },
  { id: 'strasse-2', username: 'STRASSE', created: '2021-01-01' },
  { id: 'emile-1', username: '\u00e9mile', created: '2020-01-01' },
  { id: 'emile-2', username: 'e\u0301mile', created: '2021-01-01' },
  { id: 'admin-1', username: 'admin', created: '2020-01-01' },
  { id: 'admin-2', username: 'admin\u200b', created: '2021-01-01' },
  { id: 'zoe', username: 'Zoë', created: '2020-01-01' },
  { id: 'bob', username: 'bob', created: '2020-01-01' },
] as const;

describe.skipIf(unavailable !== null)('PostgreSQL username keys: the upgrade to canonical usernames (schema version 2)', () => {
  const database = useTestDatabase('username_keys');
  let schemas = 0;

  /** A schema at the version before canonical usernames (1), holding `STORED` and `extra` more users with ASCII names, keyed by the old fold. */
  async function versionTwoSite(extra = 0): Promise<{ schema: string; repository: PostgresSeatRepository; seats: Seatkeeper }> {
    const schema = `upgrade_${++schemas}`;
    const pool = database().pool;
    const client = await pool.connect();
    try {
      expect(await migrate(client, tablesIn(schema), 1)).toEqual({ version: 1, applied: [1] });
    } finally {
      client.release();
    }
    await pool.query(
      `INSERT INTO ${schema}.seatkeeper_areas (id, kind, name, max_users, grace_seats, created_at, updated_at)
       VALUES ('primary', 'primary', 'Primary Area', 100000, 0, now(), now())`,
    );
    const insert = (ids: string[], names: string[], keys: string[], created: string[]) =>
      pool.query(
        `INSERT INTO ${schema}.seatkeeper_users (id, username, username_key, area_id, kind, state, source, created_at, updated_at)
         SELECT id, username, username_key, 'primary', 'licensed', 'active', 'manual', created::timestamptz, created::timestamptz
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(id, username, username_key, created)`,
        [ids, names, keys, created],
      );
    await insert(
      STORED.map((u) => u.id),
      STORED.map((u) => u.username),
      STORED.map((u) => oldKey(u.username)),
      STORED.map((u) => u.created),
    );
    const bulk = Array.from({ length: extra }, (_, i) => `user-${String(i).padStart(6, '0')}`);
    if (extra > 0) await insert(bulk, bulk, bulk, bulk.map(() => '2019-01-01'));
    const repository = new PostgresSeatRepository(pool, { schema });
    return { schema, repository, seats: createSeatkeeper({ repository, clock: fixedClock('2026-03-01T09:00:00Z') }) };
  }

  async function storedRows(schema: string): Promise<Map<string, { username: string; username_key: string }>> {
    const { rows } = await database().pool.query<{ id: string; username: string; username_key: string }>(
      `SELECT id, username, username_key FROM ${schema}.seatkeeper_users`,
    );
    return new Map(rows.map((r) => [r.id, { username: r.username, username_key: r.username_key }]));
  }

  it('recomputes the keys without renaming anyone: the older user of a colliding pair keeps the name, the newer one a legacy key', async () => {
    const { schema, repository } = await versionTwoSite(12_000);
    // Migrations after 4 (search keys) come along.
    expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [2, 3, 4, 5] });
    const rows = await storedRows(schema);
    expect(rows.size).toBe(STORED.length + 12_000);
    for (const u of STORED) expect(rows.get(u.id)?.username).toBe(u.username);
    expect(Object.fromEntries(STORED.map((u) => [u.id, rows.get(u.id)?.username_key]))).toEqual({
      'strasse-1': 'strasse',
      'strasse-2': 'strasse\u001fstrasse-2',
      'emile-1': '\u00e9mile',
      'emile-2': '\u00e9mile\u001femile-2',
      'admin-1': 'admin',
      'admin-2': 'admin\u001fadmin-2',
      zoe: 'zoë',
      bob: 'bob',
    });
    expect(rows.get('user-011999')?.username_key).toBe('user-011999');
    // Search keys are folded from the usernames by the canonical form: a user keeping a legacy key is found like its twin.
    expect((await repository.listUsers({ search: 'STRASSE' }, { after: null, limit: 10 })).users.map((u) => u.id)).toEqual(['strasse-1', 'strasse-2']);
    expect(await repository.migrate()).toEqual({ version: CURRENT_SCHEMA_VERSION, applied: [] });
  });

  it('lists the colliding pairs (diagnose() says which users to rename), and every name is still found', async () => {
    const { repository, seats } = await versionTwoSite();
    await repository.migrate();
    const pairs = await repository.findUsernameCollisions();
    // In code-point order of the names: é comes after s.
    expect(pairs.map(([holder, other]) => [holder.id, other.id])).toEqual([
      ['admin-1', 'admin-2'],
      ['strasse-1', 'strasse-2'],
      ['emile-1', 'emile-2'],
    ]);
    const findings = (await seats.diagnose()).filter((f) => f.code === 'USERNAME_COLLISION');
    expect(findings.map((f) => [f.severity, f.userId])).toEqual([
      ['warning', 'admin-2'],
      ['warning', 'strasse-2'],
      ['warning', 'emile-2'],
    ]);
    expect(findings[1]?.message).toContain('"straße" (id strasse-1) and "STRASSE" (id strasse-2)');
    expect(findings[1]?.fix).toContain('Rename one of them');

    // Each name of a pair finds the user holding it; the others are found by id and listed.
    expect((await seats.findUserByUsername('STRASSE'))?.id).toBe('strasse-1');
    expect((await seats.findUserByUsername('straße'))?.id).toBe('strasse-1');
    expect((await seats.findUserByUsername('e\u0301mile'))?.id).toBe('emile-1');
    expect((await seats.findUserByUsername('Zoë'))?.id).toBe('zoe');
    expect((await seats.getUser('strasse-2'))?.username).toBe('STRASSE');
    const listed: string[] = [];
    for await (const user of seats.listUsers({ pageSize: 2 })) listed.push(user.id);
    expect(listed.sort()).toEqual(STORED.map((u) => u.id).sort());
  });

  it('a user keeping a legacy key can be edited, blocked and reinstated; a third user of the name is refused; renaming resolves the collision', async () => {
    const { schema, repository, seats } = await versionTwoSite();
    await repository.migrate();
    expect(await seats.updateUser('strasse-2', { email: 'strasse@example.com' })).toMatchObject({ ok: true, user: { username: 'STRASSE' } });
    expect((await seats.blockUser('strasse-2')).state).toBe('blocked');
    expect(await seats.reinstateUser('strasse-2')).toMatchObject({ ok: true, user: { state: 'active' } });
    expect((await storedRows(schema)).get('strasse-2')?.username_key).toBe('strasse\u001fstrasse-2');

    expect(await seats.createUser({ username: 'Strasse', areaId: 'primary' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
    expect(await seats.updateUser('bob', { username: 'STRASSE' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });

    expect(await seats.updateUser('strasse-2', { username: 'strasse2' })).toMatchObject({ ok: true, user: { username: 'strasse2' } });
    expect((await storedRows(schema)).get('strasse-2')?.username_key).toBe('strasse2');
    expect((await repository.findUsernameCollisions()).map(([, other]) => other.id)).toEqual(['admin-2', 'emile-2']);
  });

  it('when the holder of a name is deleted, the user keeping a legacy key is found by that name, and the name stays taken', async () => {
    const { repository, seats } = await versionTwoSite();
    await repository.migrate();
    await seats.deleteUser('emile-1');
    expect((await seats.findUserByUsername('\u00e9mile'))?.id).toBe('emile-2');
    expect(await seats.createUser({ username: '\u00c9mile', areaId: 'primary' })).toMatchObject({ ok: false, reason: { code: 'USERNAME_TAKEN' } });
    expect((await repository.findUsernameCollisions()).map(([, other]) => other.id)).toEqual(['admin-2', 'strasse-2']);
  });

  it('the counts kept by triggers are untouched by the upgrade', async () => {
    const { repository } = await versionTwoSite(50);
    const before = await repository.countUsers(['primary']);
    await repository.migrate();
    expect(await repository.countUsers(['primary'])).toEqual(before);
  });
});
