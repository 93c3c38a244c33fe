/**
 * Two app servers, one PostgreSQL database: each server has its own
 * seatkeeper instance and connection pool, and 60 users are created at once
 * across both against 10 seats. The seat lock lives in the database, so
 * exactly 10 are granted. Runs in a scratch database that it drops afterwards.
 *
 * Run: npx tsx examples/postgres-two-servers.ts  (DATABASE_URL, default the local server)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSeatkeeper } from 'seatkeeper';
import { PostgresSeatRepository } from 'seatkeeper/postgres';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = new pg.Client({ connectionString: serverUrl });
try {
  await admin.connect();
} catch (error) {
  console.log(`No PostgreSQL server at ${serverUrl} (${(error as Error).message}); nothing to show.`);
  process.exit(process.env.SEATKEEPER_REQUIRE_POSTGRES === '1' ? 1 : 0);
}

const scratch = `seatkeeper_example_${randomBytes(4).toString('hex')}`;
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(serverUrl);
url.pathname = `/${scratch}`;
const pools = [new pg.Pool({ connectionString: url.toString(), max: 5 }), new pg.Pool({ connectionString: url.toString(), max: 5 })];
let granted = 0;
try {
  // Each "server" migrates at start-up; the advisory lock lets one do it.
  const servers = await Promise.all(
    pools.map(async (pool) => {
      pool.on('error', () => undefined);
      const repository = new PostgresSeatRepository(pool);
      await repository.migrate();
      return createSeatkeeper({ repository });
    }),
  );
  const [first, second] = servers as [(typeof servers)[number], (typeof servers)[number]];
  await first.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 10 });

  const results = await Promise.all(
    Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? first : second).createUser({ username: `user${i}`, areaId: 'primary' })),
  );
  granted = results.filter((r) => r.ok).length;
  const refused = results.filter((r) => !r.ok && r.reason.code === 'LICENSE_LIMIT_REACHED').length;
  const [area] = (await second.summary()).areas;
  console.log(`60 creations over two servers against 10 seats: ${granted} granted, ${refused} refused (LICENSE_LIMIT_REACHED).`);
  console.log(`Both servers see: ${area?.using} of ${area?.maxUsers} seats used, status ${area?.status}.`);
} finally {
  await Promise.all(pools.map((pool) => pool.end()));
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
}
if (granted !== 10) process.exit(1);
