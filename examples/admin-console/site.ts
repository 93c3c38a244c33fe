/**
 * The demo site the admin console starts with: three license pools in the
 * states a license page has to show, set up 200 days ago, with the sign-ins
 * of its users since.
 *
 * | area | seats | using | shows |
 * |---|---|---|---|
 * | Primary Area | 120 | 115 | the orange warning (5 left, under 5 %); the host's own remaining is 1 |
 * | Supplier Extranet | 25 | 25 | the red stop: no seat left; 2 directory users wait for one |
 * | Customer Portal | 50 | 18 | ok |
 *
 * Partners: Northwind Traders (quota 8, `12 (4)`: 12 profiles, 4 active), Fabrikam
 * (access denied, quota 0, its 3 users blocked), Litware (quota 10, all used) and
 * Contoso Consulting (no quota). Some users are blocked by an admin, some came
 * from the directory, and the SuperUser and Guest system users exist. Ten
 * active users have not signed in for more than 90 days: the dormant-user
 * page finds them.
 */
import { createSeatkeeper, InMemorySeatRepository, type BulkUserInput, type DirectoryEntryInput, type Seatkeeper } from 'seatkeeper';

/** The admin the demo site was set up by, as the audit trail names it. */
export const DEMO_ADMIN = { id: 'it-admin', name: 'IT admin' } as const;

const DAY = 24 * 60 * 60 * 1000;

const FIRST = [
  'Aaron', 'Adèle', 'Aiko', 'Amelia', 'André', 'Anja', 'Arjun', 'Beatriz', 'Björn', 'Camille', 'Carlos', 'Chen', 'Chloé',
  'Daniel', 'Dalia', 'Elena', 'Émile', 'Erik', 'Fatima', 'Felix', 'François', 'Grace', 'Hana', 'Hugo', 'Inès', 'Isaac',
  'Jakub', 'José', 'Julia', 'Karim', 'Lars', 'Léa', 'Liam', 'Lucía', 'Maja', 'Marco', 'Mei', 'Mohammed', 'Nadia', 'Noah',
  'Olga', 'Omar', 'Paula', 'Pedro', 'Priya', 'Rafael', 'Renée', 'Sakura', 'Sofia', 'Tomás', 'Ulrike', 'Victor', 'Yara',
] as const;
const LAST = [
  'Abbott', 'Álvarez', 'Becker', 'Brandt', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Hansen', 'Ibáñez', 'Jansen',
  'Kowalski', 'Lambert', 'Moreau', 'Müller', 'Nakamura', 'Novák', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Silva',
  'Tanaka', 'Umarov', 'Vargas', 'Weber', 'Xu', 'Yilmaz', 'Zimmermann',
] as const;

/** ASCII lower case without accents: how the demo's usernames and mail boxes are written. */
function plain(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '');
}

/** A deterministic stream of distinct people: display name, username (initial + last name) and mail. */
function* people(domain: string, offset: number): Generator<{ displayName: string; username: string; email: string }> {
  for (let i = offset; ; i++) {
    const first = FIRST[(i * 7) % FIRST.length] ?? 'Alex';
    const last = LAST[(i * 11 + Math.floor(i / LAST.length)) % LAST.length] ?? 'Smith';
    const username = `${plain(first).slice(0, 1)}${plain(last)}${i}`;
    yield { displayName: `${first} ${last}`, username, email: `${username}@${domain}` };
  }
}

function take<T>(source: Iterator<T>, count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    const next = source.next();
    if (next.done === true) break;
    out.push(next.value);
  }
  return out;
}

/** The person the search example looks for: "zoe" finds her only through her display name's "Zoë". */
export const ZOE = { username: 'zlefevre', displayName: 'Zoë Lefèvre', email: 'zlefevre@intranet.example' } as const;

/** Host users of the Primary Area that come from the company directory (Active Directory). */
export const DIRECTORY_USERS: readonly DirectoryEntryInput[] = take(people('intranet.example', 500), 30).map((p, i) => ({
  externalId: `ad-${String(i + 1).padStart(4, '0')}`,
  username: p.username,
  email: p.email,
  displayName: p.displayName,
  areaId: 'primary',
}));

/** Supplier Extranet users from the suppliers' directory: the last two arrive when the area is full. */
const SUPPLIER_DIRECTORY: readonly DirectoryEntryInput[] = take(people('suppliers.example', 800), 5).map((p, i) => ({
  externalId: `sup-${String(i + 1).padStart(4, '0')}`,
  username: p.username,
  email: p.email,
  displayName: p.displayName,
  areaId: 'suppliers',
}));

/**
 * A directory feed for the sync page: the directory users as they are, one
 * with a new display name, one disabled in the directory, three new hires
 * (two get a seat: the host's last one and the one the disabled user frees;
 * the third waits for a license) and one entry with a malformed email address.
 */
export function sampleDirectoryFeed(): DirectoryEntryInput[] {
  const hires = take(people('intranet.example', 900), 3).map((p, i) => ({
    externalId: `ad-9${String(i + 1).padStart(3, '0')}`,
    username: p.username,
    email: p.email,
    displayName: p.displayName,
    areaId: 'primary',
  }));
  return [
    ...DIRECTORY_USERS.map((entry, i) => {
      if (i === 0) return { ...entry, displayName: `${entry.displayName ?? ''} (Finance)` };
      if (i === 1) return { ...entry, enabled: false };
      return entry;
    }),
    ...SUPPLIER_DIRECTORY,
    ...hires,
    { externalId: 'ad-9100', username: 'broken.entry', email: 'not-an-address', areaId: 'primary' },
  ];
}

/** The demo's people, by where they are. */
const HOST = take(people('intranet.example', 0), 84);
const NORTHWIND = take(people('northwind.example', 200), 12);
const CUSTOMERS = take(people('customers.example', 700), 18);

/**
 * Who has not signed in for more than 90 days: seven host users and one
 * Northwind user of the Primary Area (last seen 100 to 160 days ago), and two
 * Customer Portal users who never signed in.
 */
export const DORMANT_USERNAMES: readonly string[] = [
  ...[5, 17, 29, 41, 53, 65, 77].map((i) => HOST[i]?.username ?? ''),
  NORTHWIND[1]?.username ?? '',
  ...[3, 11].map((i) => CUSTOMERS[i]?.username ?? ''),
];

/**
 * Defines the demo site on an empty repository.
 *
 * @param seats - a seatkeeper instance on an empty repository
 */
export async function seedDemoSite(seats: Seatkeeper): Promise<void> {
  const by = { actor: DEMO_ADMIN };
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 120 }, by);
  await seats.defineArea({ id: 'suppliers', kind: 'extranet', name: 'Supplier Extranet', maxUsers: 25 }, by);
  await seats.defineArea({ id: 'customers', kind: 'extranet', name: 'Customer Portal', maxUsers: 50 }, by);
  await seats.defineOrganization({ id: 'northwind', areaId: 'primary', name: 'Northwind Traders', access: 'granted', maxUsers: 8 }, by);
  await seats.defineOrganization({ id: 'fabrikam', areaId: 'primary', name: 'Fabrikam', access: 'denied', maxUsers: 0 }, by);
  await seats.defineOrganization({ id: 'litware', areaId: 'suppliers', name: 'Litware', access: 'granted', maxUsers: 10 }, by);
  await seats.defineOrganization({ id: 'contoso', areaId: 'suppliers', name: 'Contoso Consulting', access: 'granted', maxUsers: null }, by);
  await seats.setResponsiblePerson('licences@intranet.example', by);
  await seats.ensureSystemUsers();

  const users: BulkUserInput[] = [
    { ...ZOE, areaId: 'primary' },
    ...HOST.slice(0, 80).map((p) => ({ ...p, areaId: 'primary' })),
    ...HOST.slice(80).map((p) => ({ ...p, areaId: 'primary', state: 'blocked' as const })),
    ...NORTHWIND.map((p, i) => ({ ...p, areaId: 'primary', organizationId: 'northwind', ...(i < 4 ? {} : { state: 'blocked' as const }) })),
    ...take(people('fabrikam.example', 300), 3).map((p) => ({ ...p, areaId: 'primary', organizationId: 'fabrikam', state: 'blocked' as const })),
    ...take(people('litware.example', 400), 10).map((p) => ({ ...p, areaId: 'suppliers', organizationId: 'litware' })),
    ...take(people('contoso.example', 450), 6).map((p) => ({ ...p, areaId: 'suppliers', organizationId: 'contoso' })),
    ...take(people('suppliers.example', 600), 6).map((p) => ({ ...p, areaId: 'suppliers' })),
    ...CUSTOMERS.map((p) => ({ ...p, areaId: 'customers' })),
  ];
  const created = await seats.createUsers(users, by);
  if (!created.written) throw new Error(`the demo site could not be seeded: ${created.shortages.map((s) => s.message).join(' ')}`);
  // 30 host users and 5 supplier users come from directories; the last 2 suppliers find the extranet full.
  await seats.syncDirectory([...DIRECTORY_USERS, ...SUPPLIER_DIRECTORY]);
}

/**
 * Records the sign-ins of the demo's active users up to `now`: most within the
 * last four weeks, those of {@link DORMANT_USERNAMES} long ago or never.
 *
 * @param seats - the seatkeeper instance holding the demo site
 * @param now - the time the site is shown at
 */
export async function recordDemoActivity(seats: Seatkeeper, now: Date): Promise<void> {
  const dormant = new Set(DORMANT_USERNAMES);
  let i = 0;
  for await (const user of seats.listUsers({ state: 'active', kind: 'licensed' })) {
    i++;
    if (user.areaId === 'customers' && dormant.has(user.username)) continue; // never signed in
    const daysAgo = dormant.has(user.username) ? 100 + ((i * 13) % 60) : 1 + ((i * 7) % 28);
    await seats.recordActivity(user.id, new Date(now.getTime() - daysAgo * DAY - ((i * 5) % 9) * 60 * 60 * 1000));
  }
}

/**
 * A new in-memory seatkeeper holding the demo site: set up 200 days before
 * now (so its users are old enough to be dormant), with its users' sign-ins since.
 *
 * @returns the instance, on the real clock
 */
export async function createDemoSite(): Promise<Seatkeeper> {
  let past = 200 * DAY;
  const seats = createSeatkeeper({ repository: new InMemorySeatRepository(), clock: () => new Date(Date.now() - past) });
  await seedDemoSite(seats);
  past = 0;
  await recordDemoActivity(seats, new Date());
  return seats;
}
