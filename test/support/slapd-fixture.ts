/**
 * The directory the LDAP tests and the LDAP example read: 3,000 accounts
 * (OpenLDAP style) in ou=people and three partner OUs, two groups, accounts
 * locked by an administrator or temporarily, accounts the reader must skip,
 * and a dozen Active Directory-shaped accounts (binary objectGUID,
 * userAccountControl, memberOf) in ou=ad. Generated, so the counts below are exact.
 */

export const SUFFIX = 'dc=example,dc=com';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const PARTNERS = `ou=partners,${SUFFIX}`;
export const ACME = `ou=acme,${PARTNERS}`;
export const GLOBEX = `ou=globex,${PARTNERS}`;
export const INITECH = `ou=initech,${PARTNERS}`;
export const GROUPS = `ou=groups,${SUFFIX}`;
export const AD = `ou=ad,${SUFFIX}`;
/** groupOfNames (`member`): every Acme account, and the first GLOBEX_IN_ACME_GROUP Globex accounts. */
export const ACME_GROUP = `cn=acme-extranet,${GROUPS}`;
/** groupOfUniqueNames (`uniqueMember`): every Globex account. */
export const GLOBEX_GROUP = `cn=globex-extranet,${GROUPS}`;
/** The group the AD-shaped accounts name in `memberOf` (written in upper case there). */
export const AD_PARTNER_GROUP = `cn=acme extranet,${GROUPS}`;

/** A service account the server lets page through everything (`size.prtotal=unlimited`). */
export const READER = { dn: `cn=reader,${SUFFIX}`, password: 'reader-secret' } as const;
/** A service account under the server's default limits: a paged search stops at the size limit. */
export const LIMITED_READER = { dn: `cn=limited-reader,${SUFFIX}`, password: 'limited-secret' } as const;

/** The server's size limit: smaller than the directory. */
export const SIZE_LIMIT = 500;

export const PEOPLE_COUNT = 2400;
export const ACME_COUNT = 400;
export const GLOBEX_COUNT = 150;
export const INITECH_COUNT = 47;
export const GLOBEX_IN_ACME_GROUP = 5;
/** Accounts in ou=people besides the numbered ones: one without uid, one with two, one whose uid is filter syntax. */
export const PEOPLE_EXTRAS = 3;
/** Every inetOrgPerson: what the OpenLDAP preset's filter finds. */
export const ACCOUNT_COUNT = PEOPLE_COUNT + PEOPLE_EXTRAS + ACME_COUNT + GLOBEX_COUNT + INITECH_COUNT;

/** The uid of the account whose username is filter syntax. */
export const TRICKY_UID = '*)(uid=*';

/** People account `i` (1-based) was locked by an administrator (`pwdAccountLockedTime: 000001010000Z`). */
export const lockedByAdmin = (i: number): boolean => i % 40 === 0;
/** People account `i` is locked out for a while after failed passwords: not a disabled account. */
export const lockedOutForAWhile = (i: number): boolean => i % 100 === 7;
/** People account `i` has `employeeType: inactive`. */
export const inactive = (i: number): boolean => i % 150 === 3;
/** People account `i` has no mail. */
export const withoutMail = (i: number): boolean => i === 5;

export const username = (i: number): string => `user${String(i).padStart(4, '0')}`;
const pad = (i: number): string => String(i).padStart(3, '0');

/** The AD-shaped accounts: `i` from 1 to AD_COUNT. */
export const AD_COUNT = 12;
/** AD account `i` is disabled (userAccountControl 514, or 66050 for the 8th). */
export const adDisabled = (i: number): boolean => i % 4 === 0;
/** AD account `i` is a member of AD_PARTNER_GROUP. */
export const adPartner = (i: number): boolean => i % 3 === 0;
/** AD account 12 has no objectGUID. */
export const AD_WITHOUT_GUID = 12;
/** The objectGUID bytes of AD account `i`. */
export const adGuidBytes = (i: number): Buffer => Buffer.from([i, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
/** How Windows shows it. */
export const adGuidText = (i: number): string => `332211${i.toString(16).padStart(2, '0')}-5544-7766-8899-aabbccddeeff`;

function entry(dn: string, attributes: Record<string, string | Buffer | readonly (string | Buffer)[] | undefined>): string {
  const lines = [`dn: ${dn}`];
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      // Binary values and text LDIF cannot carry as it is (a leading "*", ":" or space...) are base64.
      if (Buffer.isBuffer(one) || !/^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(one)) lines.push(`${name}:: ${Buffer.from(one).toString('base64')}`);
      else lines.push(`${name}: ${one}`);
    }
  }
  return lines.join('\n');
}

const person = (dn: string, uid: string | readonly string[] | undefined, extra: Record<string, string | readonly string[] | undefined> = {}) =>
  entry(dn, { objectClass: 'inetOrgPerson', uid, sn: 'Person', ...extra });

const ou = (dn: string, name: string) => entry(dn, { objectClass: 'organizationalUnit', ou: name });

/** The whole fixture as LDIF. */
export function directoryFixtureLdif(): string {
  const entries: string[] = [
    entry(SUFFIX, { objectClass: ['dcObject', 'organization'], o: 'Example', dc: 'example' }),
    entry(READER.dn, { objectClass: 'person', cn: 'reader', sn: 'reader', userPassword: READER.password }),
    entry(LIMITED_READER.dn, { objectClass: 'person', cn: 'limited-reader', sn: 'reader', userPassword: LIMITED_READER.password }),
    ou(PEOPLE, 'people'),
    ou(PARTNERS, 'partners'),
    ou(ACME, 'acme'),
    ou(GLOBEX, 'globex'),
    ou(INITECH, 'initech'),
    ou(GROUPS, 'groups'),
    ou(AD, 'ad'),
  ];
  for (let i = 1; i <= PEOPLE_COUNT; i++) {
    const name = username(i);
    entries.push(
      person(`uid=${name},${PEOPLE}`, name, {
        cn: `User ${i}`,
        mail: withoutMail(i) ? undefined : `${name}@example.com`,
        employeeType: inactive(i) ? 'inactive' : undefined,
        pwdAccountLockedTime: lockedByAdmin(i) ? '000001010000Z' : lockedOutForAWhile(i) ? '20260101000000Z' : undefined,
      }),
    );
  }
  entries.push(
    person(`cn=no-uid,${PEOPLE}`, undefined, { cn: 'no-uid' }),
    person(`cn=two-uids,${PEOPLE}`, ['twin-a', 'twin-b'], { cn: 'two-uids' }),
    person(`cn=tricky,${PEOPLE}`, TRICKY_UID, { cn: 'tricky' }),
  );
  const acme = Array.from({ length: ACME_COUNT }, (_, k) => `uid=acme${pad(k + 1)},${ACME}`);
  const globex = Array.from({ length: GLOBEX_COUNT }, (_, k) => `uid=globex${pad(k + 1)},${GLOBEX}`);
  acme.forEach((dn, k) => entries.push(person(dn, `acme${pad(k + 1)}`, { cn: `Acme ${k + 1}`, mail: `acme${pad(k + 1)}@acme.example` })));
  globex.forEach((dn, k) => entries.push(person(dn, `globex${pad(k + 1)}`, { cn: `Globex ${k + 1}` })));
  for (let k = 1; k <= INITECH_COUNT; k++) entries.push(person(`uid=initech${pad(k)},${INITECH}`, `initech${pad(k)}`, { cn: `Initech ${k}` }));
  entries.push(
    entry(ACME_GROUP, { objectClass: 'groupOfNames', cn: 'acme-extranet', member: [...acme, ...globex.slice(0, GLOBEX_IN_ACME_GROUP)] }),
    // Written with other spacing and case than the entries' DNs: membership compares DNs as a directory does.
    entry(GLOBEX_GROUP, { objectClass: 'groupOfUniqueNames', cn: 'globex-extranet', uniqueMember: globex.map((dn) => dn.toUpperCase().replaceAll(',', ', ')) }),
  );
  for (let i = 1; i <= AD_COUNT; i++) {
    entries.push(
      entry(`cn=AD User ${i},${AD}`, {
        // extensibleObject: msuser.schema has sAMAccountName but no class that allows it.
        objectClass: ['user', 'extensibleObject'],
        cn: `AD User ${i}`,
        sn: 'User',
        displayName: `AD User ${i}`,
        sAMAccountName: `aduser${i}`,
        mail: `aduser${i}@example.com`,
        objectGUID: i === AD_WITHOUT_GUID ? undefined : adGuidBytes(i),
        userAccountControl: adDisabled(i) ? (i === 8 ? '66050' : '514') : '512',
        memberOf: adPartner(i) ? 'CN=Acme Extranet,OU=Groups,DC=example,DC=com' : undefined,
        instanceType: '4',
        nTSecurityDescriptor: Buffer.from([1]),
        objectCategory: `CN=Person,CN=Schema,CN=Configuration,${SUFFIX}`,
      }),
    );
  }
  return `${entries.join('\n\n')}\n`;
}

/** The server configuration lines the fixture needs: READER may page through everything, LIMITED_READER may not. */
export const FIXTURE_DATABASE_CONFIG = [`limits dn.exact="${READER.dn}" size.prtotal=unlimited`] as const;
