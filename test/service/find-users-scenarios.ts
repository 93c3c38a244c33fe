import { afterEach, describe, expect, it } from 'vitest';
import { createSeatkeeper, InvalidInputError, type Seatkeeper, type User, type UserPage } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import type { RepositoryFixture } from './directory-sync-scenarios.js';

/**
 * Finding people through the public API (`listUsers` with filters, search and
 * a cursor), on any repository: the in-memory one in find-users.test.ts,
 * PostgreSQL in find-users-postgres.test.ts.
 */
export function describeFindUsersScenarios(name: string, makeRepository: () => Promise<RepositoryFixture>): void {
  describe(`finding people on ${name}`, () => {
    const fixtures: RepositoryFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    /** A primary area with a partner, an extranet, system users and a few people with names, emails and accents. */
    async function site(): Promise<Seatkeeper> {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      let id = 0;
      const seats = createSeatkeeper({ repository: fixture.repository, clock: fixedClock('2026-03-01T09:00:00Z'), newId: () => `id-${++id}` });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 100 });
      await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Partner Extranet', maxUsers: 100 });
      await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: null });
      await seats.ensureSystemUsers();
      const people = [
        { username: 'ezola', displayName: 'Émile Zola', email: 'emile.zola@lettres.example' },
        { username: 'hugo', displayName: 'Victor Hugo', email: 'victor@lettres.example', organizationId: 'acme' },
        { username: 'Chloé', displayName: 'Chloé Dupont', email: 'chloe@acme.example', organizationId: 'acme' },
        { username: 'zoe', displayName: 'Zoë Saldaña', email: 'zoe@studio.example' },
        { username: 'ana', displayName: 'Ana Müller', areaId: 'extranet' },
        { username: 'bob', email: 'bob@acme.example' },
      ];
      for (const p of people) {
        const r = await seats.createUser({ areaId: 'primary', ...p });
        expect(r.ok).toBe(true);
      }
      const bob = await seats.findUserByUsername('bob');
      await seats.blockUser(bob?.id ?? '');
      return seats;
    }

    const names = (users: readonly User[]) => users.map((u) => u.username);

    /** Every page of a paged listing, each checked against the page contract. */
    async function pages(seats: Seatkeeper, options: Omit<Parameters<Seatkeeper['listUsers']>[0] & { limit: number }, 'after'>): Promise<UserPage[]> {
      const read: UserPage[] = [];
      let after: string | null = null;
      do {
        const page: UserPage = await seats.listUsers({ ...options, after });
        expect(page.users.length).toBeLessThanOrEqual(options.limit);
        if (page.next !== null) expect(page.users).toHaveLength(options.limit);
        read.push(page);
        after = page.next;
      } while (after !== null);
      return read;
    }

    it('with limit, listUsers resolves one page { users, next }; after: next reads the following one; the last page has no cursor', async () => {
      const seats = await site();
      const first = await seats.listUsers({ limit: 3 });
      expect(names(first.users)).toEqual(['ana', 'bob', 'Chloé']);
      expect(first.next).not.toBeNull();
      const second = await seats.listUsers({ limit: 3, after: first.next });
      expect(names(second.users)).toEqual(['ezola', 'guest', 'hugo']);
      const third = await seats.listUsers({ limit: 3, after: second.next });
      expect(names(third.users)).toEqual(['superuser', 'zoe']);
      expect(third.next).toBeNull();
      // A full last page has no cursor either: no empty page follows.
      expect((await seats.listUsers({ limit: 8 })).next).toBeNull();
    });

    it('the pages hold exactly what the async-iterable form yields, in the same order, for every filter', async () => {
      const seats = await site();
      const filters = [{}, { areaId: 'primary' }, { organizationId: 'acme' }, { organizationId: null }, { state: 'blocked' as const }, { kind: 'system' as const }, { search: 'example' }];
      for (const filter of filters) {
        const all: User[] = [];
        for await (const u of seats.listUsers({ ...filter, pageSize: 2 })) all.push(u);
        for (const limit of [1, 2, 5]) expect((await pages(seats, { ...filter, limit })).flatMap((p) => p.users)).toEqual(all);
      }
    });

    it('filters by area, organization (a partner, or null for the host company), state and kind, combined', async () => {
      const seats = await site();
      const list = async (filter: Record<string, unknown>) => names((await seats.listUsers({ ...filter, limit: 50 })).users);
      expect(await list({ areaId: 'extranet' })).toEqual(['ana']);
      expect(await list({ organizationId: 'acme' })).toEqual(['Chloé', 'hugo']);
      expect(await list({ areaId: 'primary', organizationId: null })).toEqual(['bob', 'ezola', 'guest', 'superuser', 'zoe']);
      expect(await list({ state: 'blocked' })).toEqual(['bob']);
      expect(await list({ state: 'active', kind: 'system' })).toEqual(['guest', 'superuser']);
      expect(await list({ kind: 'system' })).toEqual(['guest', 'superuser']);
      expect(await list({ areaId: 'primary', organizationId: 'acme', state: 'active' })).toEqual(['Chloé', 'hugo']);
    });

    it('search looks in username, display name and email, ignoring case and accents, whatever form the text was typed in', async () => {
      const seats = await site();
      const find = async (search: string, filter: Record<string, unknown> = {}) => names((await seats.listUsers({ ...filter, search, limit: 50 })).users);
      expect(await find('emile')).toEqual(['ezola']);
      expect(await find('ÉMILE ZOLA')).toEqual(['ezola']);
      expect(await find('e\u0301mile')).toEqual(['ezola']);
      expect(await find('chloe')).toEqual(['Chloé']);
      expect(await find('CHLO\u00C9')).toEqual(['Chloé']);
      expect(await find('saldana')).toEqual(['zoe']);
      expect(await find('muller')).toEqual(['ana']);
      expect(await find('@lettres.example')).toEqual(['ezola', 'hugo']);
      expect(await find('acme.example')).toEqual(['bob', 'Chloé']);
      expect(await find('acme.example', { state: 'active' })).toEqual(['Chloé']);
      expect(await find('o', { organizationId: 'acme' })).toEqual(['Chloé', 'hugo']);
      expect(await find('nobody')).toEqual([]);
    });

    it('a blank search, or one that folds to nothing, narrows nothing', async () => {
      const seats = await site();
      const everyone = names((await seats.listUsers({ limit: 50 })).users);
      expect(everyone).toHaveLength(8);
      for (const search of ['', '   ', '\u0301']) expect(names((await seats.listUsers({ search, limit: 50 })).users)).toEqual(everyone);
    });

    it('a renamed user is found by the new name and no longer by the old one', async () => {
      const seats = await site();
      const zoe = await seats.findUserByUsername('zoe');
      await seats.updateUser(zoe?.id ?? '', { displayName: 'Zoë Kravitz', email: null });
      expect(names((await seats.listUsers({ search: 'kravitz', limit: 10 })).users)).toEqual(['zoe']);
      expect(names((await seats.listUsers({ search: 'saldana', limit: 10 })).users)).toEqual([]);
      expect(names((await seats.listUsers({ search: 'studio', limit: 10 })).users)).toEqual([]);
    });

    it('the iterable form takes the search too, with any page size', async () => {
      const seats = await site();
      for (const pageSize of [1, 3, 500]) {
        const found: string[] = [];
        for await (const u of seats.listUsers({ search: 'EXAMPLE', pageSize })) found.push(u.username);
        expect(found).toEqual(['bob', 'Chloé', 'ezola', 'hugo', 'zoe']);
      }
    });

    it('bad options reject the page (and throw at once for the iterable form), before anything is read', async () => {
      const seats = await site();
      for (const options of [
        { limit: 0 },
        { limit: 10_001 },
        { limit: 2.5 },
        { limit: 10, pageSize: 10 },
        { limit: 10, after: '' },
        { limit: 10, search: 'a\nb' },
        { limit: 10, state: 'sleeping' },
      ]) {
        await expect(seats.listUsers(options as never), JSON.stringify(options)).rejects.toBeInstanceOf(InvalidInputError);
      }
      expect(() => seats.listUsers({ search: 'tab\there' })).toThrow(InvalidInputError);
      expect(() => seats.listUsers({ after: 'x' } as never)).toThrow(InvalidInputError);
    });
  });
}
