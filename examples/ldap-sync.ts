/**
 * Syncing an LDAP directory into seatkeeper: 3,000 accounts on an OpenLDAP
 * server whose size limit is 500 (paged search reads them all), partners
 * placed by group and by OU, locked accounts blocked, and the accounts beyond
 * the license limit created blocked until licenses are bought; then the
 * directory synced again straight from its pages, in bounded memory.
 *
 * The example starts its own OpenLDAP server (Debian's slapd) on a free local
 * port; without slapd it says so and exits 0.
 *
 * Run: npx tsx examples/ldap-sync.ts
 */
import { createSeatkeeper, InMemorySeatRepository, type DirectorySyncReport } from 'seatkeeper';
import { readLdapDirectory, readLdapDirectoryPages, type LdapDirectoryOptions } from 'seatkeeper/ldap';
import { slapdUnavailable, startSlapd } from '../test/support/slapd.js';
import * as fixture from '../test/support/slapd-fixture.js';

const unavailable = await slapdUnavailable('examples/ldap-sync.ts');
if (unavailable !== null) process.exit(0);

const server = await startSlapd({
  suffix: fixture.SUFFIX,
  ldif: fixture.directoryFixtureLdif(),
  sizeLimit: fixture.SIZE_LIMIT,
  databaseConfig: fixture.FIXTURE_DATABASE_CONFIG,
});

try {
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 2000 });
  await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Partner Extranet', maxUsers: 700 });
  await seats.defineOrganization({ id: 'acme', areaId: 'extranet', name: 'Acme', access: 'granted', maxUsers: 450 });
  await seats.defineOrganization({ id: 'globex', areaId: 'extranet', name: 'Globex', access: 'granted', maxUsers: null });

  // What a host configures once: where the directory is, who reads it, where its people go.
  const directory: LdapDirectoryOptions = {
    url: server.url, // in production: 'ldaps://ldap.example.com' or startTLS: true, with tlsOptions: { ca }
    bindDN: fixture.READER.dn,
    password: fixture.READER.password,
    baseDN: fixture.SUFFIX,
    preset: 'openldap',
    // The first rule that matches an account decides; the others go to the primary area, host company.
    placement: [
      { group: fixture.ACME_GROUP, areaId: 'extranet', organizationId: 'acme' },
      { group: fixture.GLOBEX_GROUP, areaId: 'extranet', organizationId: 'globex' },
      { dnSuffix: fixture.PARTNERS, areaId: 'extranet', organizationId: null },
    ],
    areaId: 'primary',
    organizationId: null,
  };

  const { entries, skipped } = await readLdapDirectory(directory);
  console.log(`Read ${entries.length} accounts from ${server.url} (server size limit ${fixture.SIZE_LIMIT}: paged search read past it)`);
  for (const account of skipped) console.log(`  not synced: ${account.dn} (${account.reason}: ${account.message})`);

  // A dry run first: nothing is written.
  const plan = await seats.planDirectorySync(entries, { onMissing: 'block' });
  console.log(`Plan: ${plan.totals.create} to create, ${plan.totals.createBlocked} to create blocked, ${plan.totals.invalid} invalid`);
  const first = await seats.applyDirectorySync(plan);
  show('First sync', first);

  // Licenses are bought: the next sync activates the waiting profiles, oldest first.
  await seats.applyLicenseChange(await seats.requestLicenses({ type: 'add', areaId: 'primary', quantity: 500 }));
  const second = await seats.syncDirectory((await readLdapDirectory(directory)).entries, { onMissing: 'block' });
  show('Next sync after buying 500 licenses', second);

  for (const area of (await seats.summary()).areas) console.log(`${area.name}: ${area.using} of ${area.maxUsers} licenses in use (${area.status})`);

  // Any size: the pages go straight into the sync, batch by batch, never held whole.
  const streamed = await seats.syncDirectory(readLdapDirectoryPages({ ...directory, pageSize: 250 }), { onMissing: 'block' });
  console.log(`\nStreamed sync of ${streamed.sampled?.entries} accounts, page by page: ${streamed.totals.unchanged} unchanged, ${streamed.totals.block} blocked`);

  const partners = fixture.ACME_COUNT + fixture.GLOBEX_COUNT + fixture.INITECH_COUNT;
  const enabledPeople = fixture.PEOPLE_COUNT + 1 - fixture.PEOPLE_COUNT / 40;
  const ok =
    skipped.length === 2 &&
    first.totals.create === 2000 + partners &&
    first.waitingForLicense.length === enabledPeople - 2000 &&
    second.totals.activate === enabledPeople - 2000 &&
    second.waitingForLicense.length === 0 &&
    streamed.totals.unchanged === entries.length &&
    streamed.totals.block === 0;
  if (!ok) {
    console.error('Unexpected outcome: see above.');
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}

function show(title: string, report: DirectorySyncReport): void {
  const reasons = new Map<string, number>();
  for (const line of report.lines) {
    if (line.action === 'create-blocked') reasons.set(String(line.reason), (reasons.get(String(line.reason)) ?? 0) + 1);
  }
  console.log(`\n${title}: ${report.totals.create} created, ${report.totals.activate} activated, ${report.totals.createBlocked} created blocked`);
  for (const [reason, count] of reasons) console.log(`  blocked ${reason}: ${count}`);
  console.log(`  waiting for a license: ${report.waitingForLicense.length}`);
}
