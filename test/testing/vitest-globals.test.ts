import { afterEach, describe, expect, it } from 'vitest';
import { SeatkeeperError } from '../../src/index.js';
import * as globalsRunner from '../../src/testing/vitest-globals.js';

const scope = globalThis as Record<string, unknown>;

describe('the CommonJS stand-in for vitest', () => {
  afterEach(() => {
    delete scope.describe;
    delete scope.it;
  });

  it('registers with the runner’s global describe and it', () => {
    const calls: unknown[][] = [];
    scope.describe = (...args: unknown[]) => calls.push(['describe', ...args]);
    scope.it = (...args: unknown[]) => calls.push(['it', ...args]);
    const body = () => undefined;
    const test = async () => undefined;
    globalsRunner.describe('suite', body);
    globalsRunner.it('rule', test, 1_000);
    expect(calls).toEqual([
      ['describe', 'suite', body],
      ['it', 'rule', test, 1_000],
    ]);
  });

  it('without a global runner it throws a SeatkeeperError that names the alternatives', () => {
    expect(() => globalsRunner.describe('suite', () => undefined)).toThrow(SeatkeeperError);
    expect(() => globalsRunner.it('rule', async () => undefined)).toThrow(/runSeatRepositoryChecks/);
  });
});
