import { describe, expect, it } from 'vitest';
import { PostgresSeatRepository } from '../../src/adapters/postgres/index.js';
import { createSeatkeeper } from '../../src/index.js';
import { countArea } from '../../src/service/reads.js';
import { dir } from '../support/directory.js';
import { postgresUnavailable, useTestDatabase } from '../support/postgres.js';
import { describeDirectorySyncScenarios } from './directory-sync-scenarios.js';

/**
 * The directory sync scenarios on PostgreSQL, through the repository port only:
 * the area locks, the batched look-ups and writes, and the unique keys that catch
 * a race with an unlocked area all live in the database. Each test gets its own schema.
 */
const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== null)('directory sync on a real PostgreSQL server', () => {
  const database = useTestDatabase('directory_sync');
  let counter = 0;
  describeDirectorySyncScenarios('PostgresSeatRepository', async () => {
    const schema = `sync_${++counter}`;
    const repository = new PostgresSeatRepository(database().pool, { schema });
    await repository.migrate();
    return { repository, dispose: () => database().pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => undefined) };
  });
});

describe.skipIf(unavailable !== null)('a large streamed directory sync on PostgreSQL', () => {
  const database = useTestDatabase('directory_stream');

  it('syncs 50,000 streamed entries batch by batch as it reads them, in bounded memory', { timeout: 180_000 }, async () => {
    const repository = new PostgresSeatRepository(database().pool, { schema: 'stream_50k' });
    await repository.migrate();
    const seats = createSeatkeeper({ repository });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 45_000 });
    const storedWhenRead: number[] = [];
    async function* feed() {
      for (let page = 0; page < 50; page++) {
        // What the sync has written when the feed is asked for the next page.
        if (page % 10 === 0) storedWhenRead.push((await countArea(repository, 'primary')).users);
        yield Array.from({ length: 1_000 }, (_, i) => dir(`user${page * 1_000 + i}`));
      }
    }

    const start = process.memoryUsage().heapUsed;
    let peak = start;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
    const report = await seats.syncDirectory(feed()).finally(() => clearInterval(sampler));

    expect(report.totals).toMatchObject({ create: 45_000, createBlocked: 5_000, waitingForLicense: 5_000, invalid: 0 });
    expect(report.lines).toHaveLength(1_000);
    expect(report.sampled).toMatchObject({ entries: 50_000, omitted: { lines: 49_000, waitingForLicense: 4_000 } });
    // Entries are synced 5,000 at a time as they are read (one batch syncing while the next is read): the feed is never held whole.
    storedWhenRead.forEach((stored, i) => {
      expect(stored).toBeLessThanOrEqual(i * 10_000);
      expect(stored).toBeGreaterThanOrEqual(i * 10_000 - 5_000);
    });
    // Loose: the seen-sets of 50,000 keys, one batch and the report's first lines, plus garbage not yet collected.
    expect((peak - start) / 2 ** 20).toBeLessThan(200);
  });
});
