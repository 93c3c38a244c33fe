import { describe, expectTypeOf, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, type User, type UserPage } from '../../src/index.js';
import { describeFindUsersScenarios } from './find-users-scenarios.js';

describeFindUsersScenarios('InMemorySeatRepository', async () => ({ repository: new InMemorySeatRepository(), dispose: async () => {} }));

describe('listUsers types', () => {
  it('with limit it is a promise of one page; without, an async iterable of users', () => {
    const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
    expectTypeOf(seats.listUsers({ limit: 10 })).toEqualTypeOf<Promise<UserPage>>();
    expectTypeOf(seats.listUsers({ limit: 10, after: null, search: 'zola', areaId: 'primary' })).toEqualTypeOf<Promise<UserPage>>();
    expectTypeOf(seats.listUsers()).toEqualTypeOf<AsyncIterable<User>>();
    expectTypeOf(seats.listUsers({ search: 'zola', pageSize: 100 })).toEqualTypeOf<AsyncIterable<User>>();
    // Type-checked only, never called.
    expectTypeOf(() =>
      // @ts-expect-error pageSize belongs to the iterable form, limit to the paged one
      seats.listUsers({ limit: 10, pageSize: 100 }),
    ).toBeFunction();
  });
});
