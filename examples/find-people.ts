/**
 * Finding people: an admin's user list with a search box, one page at a
 * time, and a partner admin's list of its own organization. See docs/admin.md.
 *
 * Run: npx tsx examples/find-people.ts
 */
import { createSeatkeeper, InMemorySeatRepository, type ListUsersPageOptions } from 'seatkeeper';

const seats = createSeatkeeper({ repository: new InMemorySeatRepository() });
await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 100 });
await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 20 });

const people = [
  { username: 'ezola', displayName: 'Émile Zola', email: 'emile.zola@lettres.example' },
  { username: 'chloe', displayName: 'Chloé Dupont', email: 'chloe@acme.example', organizationId: 'acme' },
  { username: 'vhugo', displayName: 'Victor Hugo', email: 'victor@lettres.example' },
  { username: 'zsaldana', displayName: 'Zoë Saldaña', email: 'zoe@studio.example' },
  { username: 'mmuller', displayName: 'Marie Müller', email: 'marie@acme.example', organizationId: 'acme' },
];
for (const p of people) await seats.createUser({ areaId: 'primary', ...p });
for (let i = 1; i <= 7; i++) await seats.createUser({ username: `lettres${i}`, areaId: 'primary', email: `l${i}@lettres.example` });

// The search box: "EMILE" finds "Émile Zola" (case and accents ignored) in username, display name or email.
const hits = await seats.listUsers({ search: 'EMILE', limit: 20 });
console.log('search "EMILE":', hits.users.map((u) => u.displayName ?? u.username));

// Page by page: the screen keeps `next` and passes it back as `after` when the admin clicks "Next".
const query: ListUsersPageOptions = { areaId: 'primary', search: 'lettres.example', limit: 4 };
let page = await seats.listUsers(query);
for (let n = 1; ; n++) {
  console.log(`page ${n}:`, page.users.map((u) => u.username).join(', '));
  if (page.next === null) break;
  page = await seats.listUsers({ ...query, after: page.next });
}

// A partner admin sees only its own organization: the host passes it as the filter.
const acme = await seats.listUsers({ organizationId: 'acme', state: 'active', limit: 50 });
console.log('Acme users:', acme.users.map((u) => u.username));

// Everyone, without holding them all in memory: leave out `limit` and iterate.
let all = 0;
for await (const _ of seats.listUsers({ areaId: 'primary' })) all++;
console.log(`${all} users in the primary area`);
