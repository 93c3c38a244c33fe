/**
 * Two app servers, one MySQL / MariaDB database: each server has its own
 * seatkeeper instance and connection pool, and 60 users are created at once
 * across both against 10 seats. The seat lock lives in the database (the
 * area's row, locked with SELECT ... FOR UPDATE), so exactly 10 are granted.
 * Runs in a scratch database that it drops afterwards.
 *
 * Run: npx tsx examples/mysql-two-servers.ts  (MYSQL_URL, default mysql://root@127.0.0.1:3306/)
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createSeatkeeper } from 'seatkeeper';
import { MySqlSeatRepository } from 'seatkeeper/mysql';

const serverUrl = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
let admin: mysql.Connection;
try {
  admin = await mysql.createConnection({ uri: serverUrl, connectTimeout: 5_000 });
} catch (error) {
  console.log(`No MySQL server at ${serverUrl} (${(error as Error).message}); nothing to show.`);
  process.exit(process.env.SEATKEEPER_REQUIRE_MYSQL === '1' ? 1 : 0);
}

const scratch = `seatkeeper_example_${randomBytes(4).toString('hex')}`;
await admin.query(`CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
const url = new URL(serverUrl);
url.pathname = `/${scratch}`;
const pools = [mysql.createPool({ uri: url.toString(), connectionLimit: 5 }), mysql.createPool({ uri: url.toString(), connectionLimit: 5 })];
let granted = 0;
try {
  // Each "server" migrates at start-up; the named lock (GET_LOCK) lets one do it.
  const servers = await Promise.all(
    pools.map(async (pool) => {
      const repository = new MySqlSeatRepository(pool);
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
  await admin.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
  await admin.end();
}
if (granted !== 10) process.exit(1);
