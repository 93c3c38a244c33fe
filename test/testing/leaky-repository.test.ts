import { describe, expect, it } from 'vitest';
import { InMemorySeatRepository } from '../../src/index.js';
import { runSeatRepositoryChecks, seatRepositoryChecks } from '../../src/testing/index.js';
import { user } from '../../src/testing/fixtures.js';
import { LeakySeatRepository } from './leaky-repository.js';

const values = seatRepositoryChecks.filter((c) => c.group === 'values');

describe('the conformance kit against a repository that keeps and returns the caller’s objects', () => {
  it('the leak is real: changing the Date of a user read back changes what the next read sees', async () => {
    const repository = new LeakySeatRepository();
    await repository.transaction({ areaIds: ['a'] }, (tx) => tx.insertUsers([user('u1', { createdAt: new Date('2026-01-01T00:00:00.000Z') })]));
    (await repository.getUser('u1'))?.createdAt.setFullYear(1999);
    expect((await repository.getUser('u1'))?.createdAt.getFullYear()).toBe(1999);
  });

  it('fails both value checks: records written are copied, records read are copies', async () => {
    const results = await runSeatRepositoryChecks(() => new LeakySeatRepository(), { checks: values });
    expect(values).toHaveLength(2);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    for (const r of results) expect(r.ok === false && r.error).toMatchObject({ code: 'ERR_ASSERTION', message: /scribbled|1999/ });
  });

  it('passes every other check, so the value checks fail for the leak and nothing else', async () => {
    const results = await runSeatRepositoryChecks(() => new LeakySeatRepository());
    expect(results.filter((r) => !r.ok).map((r) => r.check.group)).toEqual(['values', 'values']);
  });

  it('the in-memory repository passes the value checks', async () => {
    const results = await runSeatRepositoryChecks(() => new InMemorySeatRepository(), { checks: values });
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
