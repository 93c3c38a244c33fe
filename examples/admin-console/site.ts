/**
 * The demo site the admin console starts with: three license pools in the
 * states a license page has to show.
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
 * from the directory, and the SuperUser and Guest system users exist.
 */
import type { BulkUserInput, DirectoryEntryInput, Seatkeeper } from 'seatkeeper';

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

/**
 * Defines the demo site on an empty repository.
 *
 * @param seats - a seatkeeper instance on an empty repository
 */
export async function seedDemoSite(seats: Seatkeeper): Promise<void> {
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: 120 });
  await seats.defineArea({ id: 'suppliers', kind: 'extranet', name: 'Supplier Extranet', maxUsers: 25 });
  await seats.defineArea({ id: 'customers', kind: 'extranet', name: 'Customer Portal', maxUsers: 50 });
  await seats.defineOrganization({ id: 'northwind', areaId: 'primary', name: 'Northwind Traders', access: 'granted', maxUsers: 8 });
  await seats.defineOrganization({ id: 'fabrikam', areaId: 'primary', name: 'Fabrikam', access: 'denied', maxUsers: 0 });
  await seats.defineOrganization({ id: 'litware', areaId: 'suppliers', name: 'Litware', access: 'granted', maxUsers: 10 });
  await seats.defineOrganization({ id: 'contoso', areaId: 'suppliers', name: 'Contoso Consulting', access: 'granted', maxUsers: null });
  await seats.setResponsiblePerson('licences@intranet.example');
  await seats.ensureSystemUsers();

  const host = people('intranet.example', 0);
  const users: BulkUserInput[] = [
    { ...ZOE, areaId: 'primary' },
    ...take(host, 80).map((p) => ({ ...p, areaId: 'primary' })),
    ...take(host, 4).map((p) => ({ ...p, areaId: 'primary', state: 'blocked' as const })),
    ...take(people('northwind.example', 200), 12).map((p, i) => ({
      ...p,
      areaId: 'primary',
      organizationId: 'northwind',
      ...(i < 4 ? {} : { state: 'blocked' as const }),
    })),
    ...take(people('fabrikam.example', 300), 3).map((p) => ({ ...p, areaId: 'primary', organizationId: 'fabrikam', state: 'blocked' as const })),
    ...take(people('litware.example', 400), 10).map((p) => ({ ...p, areaId: 'suppliers', organizationId: 'litware' })),
    ...take(people('contoso.example', 450), 6).map((p) => ({ ...p, areaId: 'suppliers', organizationId: 'contoso' })),
    ...take(people('suppliers.example', 600), 6).map((p) => ({ ...p, areaId: 'suppliers' })),
    ...take(people('customers.example', 700), 18).map((p) => ({ ...p, areaId: 'customers' })),
  ];
  const created = await seats.createUsers(users, { blockedBy: 'it-admin' });
  if (!created.written) throw new Error(`the demo site could not be seeded: ${created.shortages.map((s) => s.message).join(' ')}`);
  // 30 host users and 5 supplier users come from directories; the last 2 suppliers find the extranet full.
  await seats.syncDirectory([...DIRECTORY_USERS, ...SUPPLIER_DIRECTORY]);
}
