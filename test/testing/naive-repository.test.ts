import { describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository } from '../../src/index.js';
import { runSeatRepositoryChecks, seatRepositoryChecks } from '../../src/testing/index.js';
import { NaiveSeatRepository } from './naive-repository.js';

const concurrency = seatRepositoryChecks.filter((c) => c.group === 'concurrency');
const named = (start: string) => concurrency.filter((c) => c.name.startsWith(start));

describe('the conformance kit against a naive check-then-insert repository', () => {
  it('the naive repository really oversells through the service: 20 parallel creations on 3 seats grant more than 3', async () => {
    const seats = createSeatkeeper({ repository: new NaiveSeatRepository() });
    await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary', maxUsers: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => seats.createUser({ username: `u${i}`, areaId: 'primary' })));
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(3);
  });

  it('fails the check that concurrent check-then-insert never takes more seats than the area has', async () => {
    const [result] = await runSeatRepositoryChecks(() => new NaiveSeatRepository(), { checks: named('concurrent check-then-insert') });
    expect(result?.ok).toBe(false);
    expect(result?.ok === false && String(result.error)).toMatch(/granted 40 seats of 5/);
  });

  it('fails the checks that same-area transactions never overlap, in either lock order', async () => {
    const results = await runSeatRepositoryChecks(() => new NaiveSeatRepository(), { checks: [...named('transactions on the same area'), ...named('transactions naming')] });
    expect(results.map((r) => r.ok)).toEqual([false, false]);
  });

  it('the same checks pass for the in-memory repository, so they fail for the race and nothing else', async () => {
    const results = await runSeatRepositoryChecks(() => new InMemorySeatRepository(), { checks: concurrency });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(concurrency.length);
  });
});

describe('runSeatRepositoryChecks', () => {
  it('runs every check on its own fresh repository and cleans each up, pass or fail', async () => {
    const made: NaiveSeatRepository[] = [];
    const cleaned: NaiveSeatRepository[] = [];
    const results = await runSeatRepositoryChecks(
      () => {
        const repository = new NaiveSeatRepository();
        made.push(repository);
        return repository;
      },
      { cleanup: (repository) => void cleaned.push(repository) },
    );
    expect(results).toHaveLength(seatRepositoryChecks.length);
    expect(new Set(made).size).toBe(seatRepositoryChecks.length);
    expect(cleaned).toEqual(made);
    expect(results.some((r) => !r.ok)).toBe(true);
  });
});
