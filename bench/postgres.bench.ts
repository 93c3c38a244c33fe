/**
 * createUser on PostgreSQL vs a bare INSERT of an equivalent row through the
 * same pool, into a plain table of the same shape (same columns, indexes and
 * checks). Both commit once per user, so both pay one WAL flush; what is left
 * is seatkeeper's cost: the area lock, the seat and uniqueness checks and the
 * notification watch, each a round trip. Also a seat check in a large area
 * beside one in a small area. Skipped, with the reason printed, when no
 * server answers.
 */
import { usernameKey } from '../src/core/schemas.js';
import { createSeatkeeper, type User } from '../src/index.js';
import { PostgresSeatRepository } from '../src/adapters/postgres/index.js';
import { USER_COLUMN_NAMES, USER_WRITE_COLUMNS, userValues } from '../src/adapters/sql/rows.js';
import { createTestDatabase, postgresUnavailable } from '../test/support/postgres-database.js';
import { benchUser, seedUsers } from './fixtures.js';
import { figure, msOnce, msPerOp, type BenchFigure } from './harness.js';

/** The row a createUser of a user writes, as one INSERT into a bare table of the users table's shape. */
const BARE_INSERT = `INSERT INTO bench_bare_users (${USER_WRITE_COLUMNS}) VALUES (${USER_COLUMN_NAMES.map((_, i) => `$${i + 1}`).join(', ')})`;

/**
 * @param count - users created sequentially by each side (split in alternating rounds, so load from
 *   elsewhere on the machine falls on both alike)
 * @param connections - the pool size, and the number of callers in the concurrent figure
 */
export async function benchPostgres(count = 2_000, connections = 10, large = 100_000): Promise<BenchFigure[]> {
  if ((await postgresUnavailable('PostgreSQL benchmarks')) !== null) return [];
  const database = await createTestDatabase('bench');
  try {
    const pool = database.newPool({ max: connections });
    const repository = new PostgresSeatRepository(pool);
    await repository.migrate();
    await pool.query('CREATE TABLE bench_bare_users (LIKE seatkeeper_users INCLUDING ALL)');
    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 * count + 1_000 });

    // Records with the same field values for both sides; a prefix per phase keeps every key unique.
    const records = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const user = benchUser(i);
        return { ...user, id: `${prefix}${user.id}`, username: `${prefix}${user.username}`, email: `${prefix}${user.email}`, externalId: null, state: 'active' as const, blockReason: null, blockedAt: null };
      });
    const bare = (user: User) => pool.query(BARE_INSERT, userValues(user));
    // The floor of the protocol: the statements a createUser sends, in the same order, sent by pg with no seatkeeper
    // code around them (the user into a second bare table, its audit event into a bare copy of the audit table).
    await pool.query('CREATE TABLE bench_floor_users (LIKE seatkeeper_users INCLUDING ALL)');
    await pool.query('CREATE TABLE bench_floor_audit (LIKE seatkeeper_audit_events INCLUDING ALL)');
    const floorInsert = BARE_INSERT.replace('bench_bare_users', 'bench_floor_users');
    const statementsOnly = async (user: User) => {
      const client = await pool.connect();
      try {
        const readArea = () => client.query(`SELECT * FROM seatkeeper_areas WHERE id = $1`, ['primary']);
        const readCounts = () => client.query(`SELECT * FROM seatkeeper_user_counts WHERE area_id = ANY($1::text[]) AND users <> 0`, [['primary']]);
        await client.query(`BEGIN; SET LOCAL lock_timeout = 10000; SELECT id FROM seatkeeper_areas WHERE id IN ('primary') ORDER BY id FOR UPDATE`);
        await readArea();
        await readCounts();
        await client.query(`SELECT * FROM seatkeeper_organizations WHERE area_id = $1 ORDER BY id`, ['primary']);
        await client.query(`SELECT * FROM bench_floor_users WHERE username_key = ANY($1::text[])`, [[usernameKey(user.username)]]);
        await client.query(floorInsert, userValues(user));
        await readArea();
        await readCounts();
        await client.query(`SELECT value FROM seatkeeper_settings WHERE key = $1`, ['floor']);
        await client.query(`INSERT INTO seatkeeper_settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, ['floor', '1']);
        await client.query(`INSERT INTO bench_floor_audit (id, at, actor_id, action, subject_type, subject_id) VALUES ($1, $2, 'bench', 'user.created', 'user', $1)`, [user.id, user.createdAt]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    const create = async (user: User) => {
      const result = await seats.createUser({ username: user.username, areaId: 'primary', email: user.email ?? undefined, displayName: user.displayName ?? undefined });
      if (!result.ok) throw new Error(`createUser refused: ${result.reason.message}`);
    };

    // Warm-up: connections opened, statements planned, code optimised.
    const warmUp = Math.min(200, count);
    for (const user of records('w', warmUp)) {
      await bare(user);
      await create(user);
    }

    const rounds = 4;
    const perRound = Math.ceil(count / rounds);
    let bareMs = 0;
    let createMs = 0;
    let floorMs = 0;
    for (let round = 0; round < rounds; round++) {
      const batch = records(`s${round}-`, perRound);
      bareMs += await msOnce(async () => {
        for (const user of batch) await bare(user);
      });
      createMs += await msOnce(async () => {
        for (const user of batch) await create(user);
      });
      floorMs += await msOnce(async () => {
        for (const user of batch) await statementsOnly(user);
      });
    }
    const sequential = rounds * perRound;

    // `connections` callers at once: bare INSERTs run side by side; createUser calls queue on the area lock.
    const concurrently = async (prefix: string, work: (user: User) => Promise<unknown>) => {
      const batch = records(prefix, sequential);
      const lanes = Array.from({ length: connections }, (_, lane) => batch.filter((_, i) => i % connections === lane));
      return msOnce(() => Promise.all(lanes.map(async (lane) => {
        for (const user of lane) await work(user);
      })));
    };
    const bareParallelMs = await concurrently('pb', bare);
    const createParallelMs = await concurrently('pc', create);

    // A seat check reads maintained counts: the same cost in an area of 1,000 users and of `large`.
    await seats.defineArea({ id: 'small', kind: 'extranet', name: 'Small', maxUsers: 2 * large });
    await seats.defineArea({ id: 'large', kind: 'extranet', name: 'Large', maxUsers: 2 * large });
    await seedUsers(repository, 1_000, 'small', 5_000, 'small-');
    await seedUsers(repository, large, 'large', 5_000, 'large-');
    await pool.query('VACUUM ANALYZE');
    const checkSmall = await msPerOp(() => seats.checkSeat('small'), 200);
    const checkLarge = await msPerOp(() => seats.checkSeat('large'), 200);

    const n = sequential.toLocaleString('en-US');
    return [
      figure('postgres', `checkSeat() in an area of ${large.toLocaleString('en-US')} users`, checkLarge, { name: 'of 1,000 users', ms: checkSmall }, 2),
      figure('postgres', `createUser x${n}, one after another`, createMs / sequential, { name: 'bare INSERT', ms: bareMs / sequential }, 3, {
        perSecond: Math.round(sequential / (createMs / 1000)),
      }),
      figure('postgres', `the ${n} createUsers' statements sent bare by pg (no seatkeeper code)`, floorMs / sequential, { name: 'bare INSERT', ms: bareMs / sequential }, null),
      figure('postgres', `createUser x${n}, ${connections} callers in one area`, createParallelMs / sequential, { name: `bare INSERT, ${connections} callers`, ms: bareParallelMs / sequential }, null, {
        perSecond: Math.round(sequential / (createParallelMs / 1000)),
      }),
    ];
  } finally {
    await database.drop();
  }
}
