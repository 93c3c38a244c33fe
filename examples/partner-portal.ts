/**
 * A partner portal: the host company shares its Primary Area with two partner
 * organizations, one of which is later denied access. Shows quotas, refusals,
 * what each admin sees, the Company Admin List, diagnostics and explainUser.
 *
 * Run with: npx tsx examples/partner-portal.ts
 */
import { createSeatkeeper, InMemorySeatRepository, type Seatkeeper } from 'seatkeeper';

function check(condition: boolean, what: string): void {
  if (!condition) {
    console.error(`FAILED: ${what}`);
    process.exit(1);
  }
}

async function addUsers(seats: Seatkeeper, prefix: string, count: number, organizationId: string | null): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const r = await seats.createUser({ username: `${prefix}${i}`, areaId: 'primary', organizationId });
    if (r.ok) ids.push(r.user.id);
    else console.log(`  ${prefix}${i}: refused ${r.reason.code}: ${r.reason.message}`);
  }
  return ids;
}

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 20 });
await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 5 });
await seats.defineOrganization({ id: 'globex', areaId: 'primary', name: 'Globex', access: 'granted', maxUsers: null });

console.log('Acme has a quota of 5; Globex has none and shares the unallocated seats with the host company.');
await addUsers(seats, 'acme', 6, 'acme');
const globex = await addUsers(seats, 'globex', 3, 'globex');
await addUsers(seats, 'host', 10, null);

const area = (await seats.summary()).areas[0];
check(area?.using === 18 && area.allocated === 5 && area.unallocatedRemaining === 2, 'the allocation arithmetic');
console.log(`\nPrimary Area: ${area?.using} of ${area?.maxUsers} used, ${area?.allocated} allocated to quotas, ${area?.unallocatedRemaining} unallocated left.`);

const acmeAdmin = { role: 'partner-admin', organizationId: 'acme' } as const;
let view = await seats.licenseView(acmeAdmin, 'partner-user-admin-list');
console.log('\nAcme admin, Globex without a quota:', JSON.stringify(view));
check(view.role === 'partner-admin' && view.using === 5 && view.remaining === null, 'remaining is hidden while a partner has no quota');
check(!JSON.stringify(view).includes('globex') && !JSON.stringify(view).includes('Globex'), 'no other organization in a partner view');

await seats.defineOrganization({ id: 'globex', areaId: 'primary', name: 'Globex', access: 'granted', maxUsers: 4 });
view = await seats.licenseView(acmeAdmin, 'partner-user-admin-list');
console.log('Acme admin, every partner has a quota:', JSON.stringify(view));
check(view.role === 'partner-admin' && view.remaining === 0 && view.status === 'exhausted', 'remaining shown once every quota is set');
check((await seats.licenseView(acmeAdmin, 'user-admin-list')).visible === false, 'partner admins see no count on the User Admin List');

console.log('\nGlobex is denied access (its users keep their seats):');
await seats.defineOrganization({ id: 'globex', areaId: 'primary', name: 'Globex', access: 'denied', maxUsers: null });
const refused = await seats.createUser({ username: 'globex9', areaId: 'primary', organizationId: 'globex' });
check(!refused.ok && refused.reason.code === 'PARTNER_ACCESS_DENIED', 'a denied partner gets no new seat');
console.log(`  new Globex user: ${refused.ok ? 'created' : refused.reason.code}`);

console.log('\nCompany Admin List:');
for (const row of await seats.companyAdminList('primary')) {
  console.log(`  ${row.name.padEnd(8)} users ${row.usersLabel.padEnd(6)} quota ${String(row.maxUsers ?? '-').padEnd(3)} ${row.access.padEnd(8)} ${row.status ?? ''}`);
}

console.log('\nDiagnostics:');
const findings = await seats.diagnose();
for (const f of findings) console.log(`  [${f.severity}] ${f.code}: ${f.message}`);
check(findings.some((f) => f.code === 'DENIED_PARTNER_WITHOUT_QUOTA'), 'a denied partner without a quota is diagnosed');

const why = await seats.explainUser(globex[0] ?? '');
console.log(`\nexplainUser(globex1): ${why.code}\n  ${why.explanation}`);
check(why.code === 'HOLDS_SEAT_PARTNER_DENIED' && why.holdsSeat, 'a denied partner keeps its seats');
console.log('\npartner portal example: ok');
