import { afterEach, describe, expect, it } from 'vitest';
import { exportPeopleCsv, importPeopleCsv, type PeopleColumnKey } from '../../src/csv/index.js';
import { createSeatkeeper, type Seatkeeper, type SeatRepository } from '../../src/index.js';
import { fixedClock } from '../support/clock.js';
import { collect } from '../support/site.js';

/** A fresh, empty repository and how to dispose of it. */
export interface CsvRoundTripFixture {
  readonly repository: SeatRepository;
  readonly dispose: () => Promise<void>;
}

/**
 * Export then import gives back the same people even when names and ids
 * cross: area `sales` is named "emea" while another area's id is `emea`, and
 * partner `acme` is named "globex" while partner `globex` is named "acme".
 * Run on every repository: in memory (round-trip-names.test.ts) and on
 * PostgreSQL (round-trip-names-postgres.test.ts).
 */
export function describeCsvRoundTripScenarios(name: string, makeRepository: () => Promise<CsvRoundTripFixture>): void {
  describe(`People CSV round trip with crossed names and ids on ${name}`, () => {
    const fixtures: CsvRoundTripFixture[] = [];
    afterEach(async () => {
      for (const fixture of fixtures.splice(0)) await fixture.dispose();
    });

    /** Areas `sales` ("emea", primary) and `emea` ("Europe"); in `sales`, partners `acme` ("globex") and `globex` ("acme"). */
    async function site(): Promise<Seatkeeper> {
      const fixture = await makeRepository();
      fixtures.push(fixture);
      const seats = createSeatkeeper({ repository: fixture.repository, clock: fixedClock('2026-03-01T09:00:00Z') });
      await seats.defineArea({ id: 'sales', kind: 'primary', name: 'emea', maxUsers: 20 });
      await seats.defineArea({ id: 'emea', kind: 'extranet', name: 'Europe', maxUsers: 20 });
      await seats.defineOrganization({ id: 'acme', areaId: 'sales', name: 'globex', access: 'granted', maxUsers: 5 });
      await seats.defineOrganization({ id: 'globex', areaId: 'sales', name: 'acme', access: 'granted', maxUsers: 5 });
      return seats;
    }

    async function populated(): Promise<Seatkeeper> {
      const seats = await site();
      const report = await seats.createUsers([
        { username: 'host-sales', areaId: 'sales' },
        { username: 'of-acme', areaId: 'sales', organizationId: 'acme' },
        { username: 'of-globex', areaId: 'sales', organizationId: 'globex', state: 'blocked' },
        { username: 'host-emea', areaId: 'emea' },
      ]);
      expect(report.written).toBe(true);
      return seats;
    }

    async function placements(seats: Seatkeeper) {
      const list: [string, string, string | null, string][] = [];
      for await (const u of seats.listUsers()) list.push([u.username, u.areaId, u.organizationId, u.state]);
      return list;
    }

    it('the default export re-imports every user into the same area and partner', async () => {
      const source = await populated();
      const csv = await collect(exportPeopleCsv(source));
      const target = await site();
      const report = await importPeopleCsv(target, csv);
      expect(report.errors).toEqual([]);
      expect(report).toMatchObject({ ok: true, written: true, created: 4 });
      expect(await placements(target)).toEqual(await placements(source));
      expect(await placements(target)).toEqual([
        ['host-emea', 'emea', null, 'active'],
        ['host-sales', 'sales', null, 'active'],
        ['of-acme', 'sales', 'acme', 'active'],
        ['of-globex', 'sales', 'globex', 'blocked'],
      ]);
    });

    it('a file naming areas only refuses a cell that is one area’s id and another area’s name, naming both, and writes nothing', async () => {
      const source = await populated();
      const columns: PeopleColumnKey[] = ['username', 'area', 'organization', 'accountState'];
      const csv = await collect(exportPeopleCsv(source, { columns }));
      const target = await site();
      const report = await importPeopleCsv(target, csv);
      const ambiguous = 'The area "emea" is ambiguous: it is the id of area "Europe" and the name of the area with id "sales". Add an Area id column to say which.';
      expect(report.errors).toEqual([
        { line: 3, column: 'Area', field: 'area', message: ambiguous },
        { line: 4, column: 'Area', field: 'area', message: ambiguous },
        { line: 5, column: 'Area', field: 'area', message: ambiguous },
      ]);
      expect(report.accepted.map((a) => [a.user.username, a.user.areaId])).toEqual([['host-emea', 'emea']]);
      expect(report).toMatchObject({ ok: false, written: false, created: 0 });
      expect(await placements(target)).toEqual([]);
    });

    it('a file naming partners only refuses a cell that is one partner’s id and another partner’s name, naming both', async () => {
      const source = await populated();
      const columns: PeopleColumnKey[] = ['username', 'areaId', 'organization'];
      const csv = await collect(exportPeopleCsv(source, { columns }));
      const target = await site();
      const report = await importPeopleCsv(target, csv, { mode: 'best-effort' });
      expect(report.errors).toEqual([
        {
          line: 4,
          column: 'Organization',
          field: 'organization',
          message: 'The organization "globex" is ambiguous: it is the id of organization "acme" and the name of the organization with id "acme". Add an Organization id column to say which.',
        },
        {
          line: 5,
          column: 'Organization',
          field: 'organization',
          message: 'The organization "acme" is ambiguous: it is the id of organization "globex" and the name of the organization with id "globex". Add an Organization id column to say which.',
        },
      ]);
      expect(await placements(target)).toEqual([
        ['host-emea', 'emea', null, 'active'],
        ['host-sales', 'sales', null, 'active'],
      ]);
    });

    it('an id column wins over the name beside it, and a cell that is an area’s id and its own name is no ambiguity', async () => {
      const target = await site();
      await target.defineArea({ id: 'apac', kind: 'extranet', name: 'apac', maxUsers: 5 });
      const csv = ['Username,Area,Area id,Organization,Organization id', 'a1,emea,sales,globex,acme', 'a2,apac,,,', 'a3,Europe,,,'].join('\r\n');
      const report = await importPeopleCsv(target, csv);
      expect(report.errors).toEqual([]);
      expect(await placements(target)).toEqual([
        ['a1', 'sales', 'acme', 'active'],
        ['a2', 'apac', null, 'active'],
        ['a3', 'emea', null, 'active'],
      ]);
    });
  });
}
