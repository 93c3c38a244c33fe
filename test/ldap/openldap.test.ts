import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeatkeeper, InMemorySeatRepository, InvalidInputError, SeatkeeperError } from '../../src/index.js';
import {
  LdapBindError,
  LdapSearchError,
  LdapSizeLimitError,
  LdapUnavailableError,
  readLdapDirectory,
  readLdapDirectoryPages,
  type LdapDirectoryOptions,
  type LdapSkippedEntry,
} from '../../src/ldap/index.js';
import { opensslAvailable, slapdUnavailable, startSlapd, type SlapdServer } from '../support/slapd.js';
import * as fixture from '../support/slapd-fixture.js';

/**
 * The LDAP reader against a real OpenLDAP server (Debian's slapd) that the
 * suite starts on a free local port: 3,000 accounts, a server size limit of
 * 500, groups, locked accounts, accounts the reader must skip, and
 * Active Directory-shaped accounts (msuser schema). Skipped with the reason
 * when slapd cannot start here; required when SEATKEEPER_REQUIRE_LDAP=1 (CI).
 */
const unavailable = await slapdUnavailable();
// CI (SEATKEEPER_REQUIRE_LDAP=1) runs the StartTLS tests too: without openssl the server fails to start there.
const withTls = opensslAvailable() || process.env.SEATKEEPER_REQUIRE_LDAP === '1';

describe.skipIf(unavailable !== null)('readLdapDirectory against OpenLDAP', () => {
  let server: SlapdServer;
  beforeAll(async () => {
    server = await startSlapd({
      suffix: fixture.SUFFIX,
      ldif: fixture.directoryFixtureLdif(),
      sizeLimit: fixture.SIZE_LIMIT,
      databaseConfig: fixture.FIXTURE_DATABASE_CONFIG,
      tls: withTls,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const options = (overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions => ({
    url: server.url,
    bindDN: fixture.READER.dn,
    password: fixture.READER.password,
    baseDN: fixture.SUFFIX,
    preset: 'openldap',
    areaId: 'primary',
    ...overrides,
  });

  const placement = [
    { group: fixture.ACME_GROUP, areaId: 'extranet', organizationId: 'acme' },
    { group: fixture.GLOBEX_GROUP, areaId: 'extranet', organizationId: 'globex' },
    { dnSuffix: fixture.PARTNERS, areaId: 'extranet', organizationId: null },
  ];

  describe('paged search', () => {
    it('reads every account of a directory six times larger than the server size limit', async () => {
      const { entries, skipped } = await readLdapDirectory(options());
      expect(entries.length + skipped.length).toBe(fixture.ACCOUNT_COUNT);
      expect(fixture.ACCOUNT_COUNT).toBeGreaterThan(fixture.SIZE_LIMIT * 5);
      expect(new Set(entries.map((entry) => entry.externalId)).size).toBe(entries.length);
      expect(entries.every((entry) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(entry.externalId))).toBe(true);
      expect(entries.find((entry) => entry.username === 'user0001')).toMatchObject({ displayName: 'User 1', email: 'user0001@example.com', areaId: 'primary', enabled: true });
    });

    it('yields page by page, each page at most pageSize entries', async () => {
      const sizes: number[] = [];
      for await (const page of readLdapDirectoryPages(options({ baseDN: fixture.PEOPLE, pageSize: 250 }))) sizes.push(page.length);
      expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(fixture.PEOPLE_COUNT / 250));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(250);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(fixture.PEOPLE_COUNT + 1);
    });

    it('a consumer may stop after the first page', async () => {
      for await (const page of readLdapDirectoryPages(options({ pageSize: 100 }))) {
        expect(page.length).toBeGreaterThan(0);
        break;
      }
    });

    it('an account the server caps at its size limit gets LdapSizeLimitError, not a partial directory', async () => {
      const read = readLdapDirectory(options({ bindDN: fixture.LIMITED_READER.dn, password: fixture.LIMITED_READER.password }));
      await expect(read).rejects.toBeInstanceOf(LdapSizeLimitError);
      await expect(read).rejects.toMatchObject({ code: 'LDAP_SIZE_LIMIT', resultCode: 4, entriesRead: fixture.SIZE_LIMIT });
    });
  });

  describe('accounts that cannot be mapped', () => {
    it('are reported one by one with their DN and reason; the rest are returned', async () => {
      const seen: LdapSkippedEntry[] = [];
      const { entries, skipped } = await readLdapDirectory(options({ baseDN: fixture.PEOPLE, onSkipped: (entry) => seen.push(entry) }));
      expect(skipped).toEqual([
        { dn: `cn=no-uid,${fixture.PEOPLE}`, reason: 'MISSING_ATTRIBUTE', attribute: 'uid', message: 'no uid (the username)' },
        expect.objectContaining({ dn: `cn=two-uids,${fixture.PEOPLE}`, reason: 'AMBIGUOUS_ATTRIBUTE', attribute: 'uid' }),
      ]);
      expect(seen).toEqual(skipped);
      expect(entries).toHaveLength(fixture.PEOPLE_COUNT + 1);
    });

    it('without a default area, accounts no rule places are skipped with NO_PLACEMENT', async () => {
      const { entries, skipped } = await readLdapDirectory(options({ areaId: undefined, placement, baseDN: fixture.PARTNERS }));
      expect(skipped).toEqual([]);
      expect(entries).toHaveLength(fixture.ACME_COUNT + fixture.GLOBEX_COUNT + fixture.INITECH_COUNT);
      const people = await readLdapDirectory(options({ areaId: undefined, placement, usernames: ['user0001'] }));
      expect(people.skipped).toMatchObject([{ dn: `uid=user0001,${fixture.PEOPLE}`, reason: 'NO_PLACEMENT' }]);
    });
  });

  describe('disabled accounts', () => {
    it('an administrator lock disables; a temporary lockout after failed passwords does not', async () => {
      const { entries } = await readLdapDirectory(options({ baseDN: fixture.PEOPLE }));
      const byName = new Map(entries.map((entry) => [entry.username, entry]));
      for (let i = 1; i <= fixture.PEOPLE_COUNT; i++) {
        expect(byName.get(fixture.username(i))?.enabled, fixture.username(i)).toBe(!fixture.lockedByAdmin(i));
      }
      expect(entries.filter((entry) => entry.enabled === false)).toHaveLength(fixture.PEOPLE_COUNT / 40);
    });

    it('the disabled rule is configurable: employeeType inactive', async () => {
      const { entries } = await readLdapDirectory(options({ baseDN: fixture.PEOPLE, mapping: { disabled: { attribute: 'employeeType', equals: ['INACTIVE'] } } }));
      const disabled = entries.filter((entry) => entry.enabled === false).map((entry) => entry.username);
      const expected = Array.from({ length: fixture.PEOPLE_COUNT }, (_, k) => k + 1).filter(fixture.inactive).map(fixture.username);
      expect(disabled.sort()).toEqual(expected.sort());
    });
  });

  describe('attribute mapping', () => {
    it('an account without mail gets email null, so the sync clears a stale one', async () => {
      const { entries } = await readLdapDirectory(options({ usernames: [fixture.username(5)] }));
      expect(entries).toEqual([expect.objectContaining({ username: 'user0005', email: null, displayName: 'User 5' })]);
    });

    it('options override the preset field by field; null leaves a field out', async () => {
      const { entries } = await readLdapDirectory(options({ usernames: ['user0002'], mapping: { displayName: 'sn', email: null, username: undefined } }));
      expect(entries).toEqual([{ externalId: expect.any(String), username: 'user0002', displayName: 'Person', areaId: 'primary', enabled: true }]);
    });

    it('the Active Directory preset reads binary objectGUID, userAccountControl and memberOf', async () => {
      const { entries, skipped } = await readLdapDirectory(
        options({
          preset: 'active-directory',
          baseDN: fixture.AD,
          // AD expands objectCategory=person to the category's DN; OpenLDAP does not.
          filter: '(objectClass=user)',
          placement: [{ group: fixture.AD_PARTNER_GROUP, areaId: 'extranet', organizationId: 'acme' }],
        }),
      );
      expect(skipped).toMatchObject([{ reason: 'MISSING_ATTRIBUTE', attribute: 'objectGUID' }]);
      expect(entries).toHaveLength(fixture.AD_COUNT - 1);
      for (const entry of entries) {
        const i = Number(entry.username.replace('aduser', ''));
        expect(entry).toEqual({
          externalId: fixture.adGuidText(i),
          username: `aduser${i}`,
          displayName: `AD User ${i}`,
          email: `aduser${i}@example.com`,
          enabled: !fixture.adDisabled(i),
          ...(fixture.adPartner(i) ? { areaId: 'extranet', organizationId: 'acme' } : { areaId: 'primary' }),
        });
      }
    });
  });

  describe('placement rules', () => {
    it('place by group member lists (member, uniqueMember) and by DN suffix; the first matching rule wins', async () => {
      const { entries } = await readLdapDirectory(options({ placement }));
      const where = (username: string) => {
        const entry = entries.find((candidate) => candidate.username === username);
        return `${entry?.areaId}/${entry?.organizationId}`;
      };
      expect(where('user0001')).toBe('primary/undefined');
      expect(where('acme001')).toBe('extranet/acme');
      // In both partner groups: the Acme rule comes first.
      expect(where('globex001')).toBe('extranet/acme');
      expect(where(`globex${String(fixture.GLOBEX_IN_ACME_GROUP + 1).padStart(3, '0')}`)).toBe('extranet/globex');
      expect(where('initech001')).toBe('extranet/null');
      const counts = new Map<string, number>();
      for (const entry of entries) counts.set(`${entry.areaId}/${entry.organizationId}`, (counts.get(`${entry.areaId}/${entry.organizationId}`) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual({
        'primary/undefined': fixture.PEOPLE_COUNT + 1,
        'extranet/acme': fixture.ACME_COUNT + fixture.GLOBEX_IN_ACME_GROUP,
        'extranet/globex': fixture.GLOBEX_COUNT - fixture.GLOBEX_IN_ACME_GROUP,
        'extranet/null': fixture.INITECH_COUNT,
      });
    });

    it('a placement group that does not exist stops the read with LdapSearchError', async () => {
      const read = readLdapDirectory(options({ placement: [{ group: `cn=nobody,${fixture.GROUPS}`, areaId: 'extranet' }] }));
      await expect(read).rejects.toBeInstanceOf(LdapSearchError);
      await expect(read).rejects.toMatchObject({ code: 'LDAP_SEARCH_FAILED', resultCode: 32 });
    });
  });

  describe('filter values', () => {
    it('a username that is filter syntax matches only itself and never widens the filter', async () => {
      const tricky = await readLdapDirectory(options({ usernames: [fixture.TRICKY_UID] }));
      expect(tricky.entries.map((entry) => entry.username)).toEqual([fixture.TRICKY_UID]);
      const star = await readLdapDirectory(options({ usernames: ['*'] }));
      expect(star.entries).toEqual([]);
      const two = await readLdapDirectory(options({ usernames: ['user0001', 'USER0002', 'user0001)(uid=user0003'] }));
      expect(two.entries.map((entry) => entry.username).sort()).toEqual(['user0001', 'user0002']);
    });
  });

  describe('failures', () => {
    it('a wrong password is LdapBindError with the result code', async () => {
      const read = readLdapDirectory(options({ password: 'wrong' }));
      await expect(read).rejects.toBeInstanceOf(LdapBindError);
      await expect(read).rejects.toMatchObject({ code: 'LDAP_BIND_REFUSED', resultCode: 49 });
      await expect(read).rejects.toBeInstanceOf(SeatkeeperError);
    });

    it('a server that does not answer is LdapUnavailableError', async () => {
      const port = await closedPort();
      const read = readLdapDirectory(options({ url: `ldap://127.0.0.1:${port}` }));
      await expect(read).rejects.toBeInstanceOf(LdapUnavailableError);
      await expect(read).rejects.toMatchObject({ code: 'LDAP_UNAVAILABLE', resultCode: undefined });
    });

    it('a base DN that does not exist is LdapSearchError', async () => {
      await expect(readLdapDirectory(options({ baseDN: `ou=nowhere,${fixture.SUFFIX}` }))).rejects.toMatchObject({ code: 'LDAP_SEARCH_FAILED', resultCode: 32 });
    });

    it('malformed options are InvalidInputError before anything is sent', () => {
      expect(() => readLdapDirectoryPages(options({ filter: '(uid=ann' }))).toThrow(InvalidInputError);
      expect(() => readLdapDirectoryPages(options({ password: '' }))).toThrow(/unauthenticated bind/);
      expect(() => readLdapDirectoryPages(options({ password: undefined }))).toThrow(/bindDN and password go together/);
      expect(() => readLdapDirectoryPages(options({ placement: [{ areaId: 'x' }] }))).toThrow(/group or a dnSuffix/);
      expect(() => readLdapDirectoryPages(options({ tlsOptions: { ca: 'x' } }))).toThrow(/startTLS/);
    });
  });

  describe.skipIf(!withTls)('StartTLS', () => {
    it('upgrades the connection with the options passed through, checking the certificate against the URL host', async () => {
      const { entries } = await readLdapDirectory(options({ startTLS: true, tlsOptions: { ca: server.certificate }, usernames: ['user0001'] }));
      expect(entries).toHaveLength(1);
    });

    it('an untrusted certificate is LdapUnavailableError, and the password is never sent', async () => {
      const read = readLdapDirectory(options({ startTLS: true, usernames: ['user0001'] }));
      await expect(read).rejects.toBeInstanceOf(LdapUnavailableError);
      await expect(read).rejects.toThrow(/TLS connection/);
    });
  });

  describe('syncing what was read', () => {
    it('creates the users beyond the license limit blocked (license-limit) and the disabled ones blocked (directory-disabled)', async () => {
      const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
      await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 1000 });
      const { entries } = await readLdapDirectory(options({ baseDN: fixture.PEOPLE }));

      const report = await seats.syncDirectory(entries);

      const disabled = fixture.PEOPLE_COUNT / 40;
      const enabled = entries.length - disabled;
      expect(report.invalid).toEqual([]);
      expect(report.totals).toMatchObject({ create: 1000, createBlocked: entries.length - 1000, waitingForLicense: enabled - 1000 });
      const reasons = new Map<string, number>();
      for (const line of report.lines) if (line.action === 'create-blocked') reasons.set(String(line.reason), (reasons.get(String(line.reason)) ?? 0) + 1);
      expect(Object.fromEntries(reasons)).toEqual({ 'license-limit': enabled - 1000, 'directory-disabled': disabled });
      expect((await seats.summary()).areas[0]).toMatchObject({ using: 1000, maxUsers: 1000 });

      // The same directory read again changes nothing.
      const again = await seats.syncDirectory((await readLdapDirectory(options({ baseDN: fixture.PEOPLE }))).entries);
      expect(again.totals).toMatchObject({ create: 0, createBlocked: 0, activate: 0, block: 0, update: 0 });
    });

    it('readLdapDirectoryPages feeds syncDirectory straight, page by page, with the outcome of the whole read', async () => {
      const site = async () => {
        const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
        await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 1000 });
        return seats;
      };
      const users = async (seats: Awaited<ReturnType<typeof site>>) => {
        const found: string[] = [];
        for await (const u of seats.listUsers()) found.push(`${u.externalId}:${u.username}:${u.state}:${u.blockReason ?? ''}`);
        return found.sort();
      };
      const whole = await site();
      const expected = await whole.syncDirectory((await readLdapDirectory(options({ baseDN: fixture.PEOPLE }))).entries);

      const paged = await site();
      const report = await paged.syncDirectory(readLdapDirectoryPages(options({ baseDN: fixture.PEOPLE, pageSize: 200 })), { onMissing: 'block' });
      expect(report.totals).toEqual(expected.totals);
      expect(report.sampled).toMatchObject({ entries: fixture.PEOPLE_COUNT + 1 });
      expect(await users(paged)).toEqual(await users(whole));

      // Read and synced again, the whole directory: nothing changes, nobody is missing.
      const again = await paged.syncDirectory(readLdapDirectoryPages(options({ baseDN: fixture.PEOPLE, pageSize: 200 })), { onMissing: 'block' });
      expect(again.totals).toMatchObject({ create: 0, createBlocked: 0, activate: 0, block: 0, update: 0, unchanged: fixture.PEOPLE_COUNT + 1 });
    });
  });
});

/** A local port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
