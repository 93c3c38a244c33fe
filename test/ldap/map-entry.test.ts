import { describe, expect, it } from 'vitest';
import { dnKey, isWithin, normaliseDn, type NormalisedDn } from '../../src/ldap/dn.js';
import { formatWindowsGuid } from '../../src/ldap/guid.js';
import { LDAP_PRESETS } from '../../src/ldap/index.js';
import { mapLdapEntry, type EntryMappingContext, type LdapEntry } from '../../src/ldap/map-entry.js';

/**
 * Active Directory cannot run here: its mapping is proven on hand-made entries
 * shaped as ldapts returns them (objectGUID as bytes, the rest as text).
 */

const dn = (text: string): NormalisedDn => normaliseDn(text) as NormalisedDn;

function context(overrides: Partial<EntryMappingContext> = {}): EntryMappingContext {
  return {
    mapping: LDAP_PRESETS['active-directory'].mapping,
    groupMembership: 'memberOf',
    rules: [],
    fallback: { areaId: 'primary', organizationId: undefined },
    groupMembers: new Map(),
    ...overrides,
  };
}

// Get-ADUser shows this account's ObjectGUID as 2d7a5c3b-9f1e-4b8a-8c6d-0e1f2a3b4c5d.
const guidBytes = Buffer.from('3b5c7a2d1e9f8a4b8c6d0e1f2a3b4c5d', 'hex');

function adUser(attributes: Record<string, LdapEntry[string]> = {}): LdapEntry {
  return {
    dn: 'CN=Ann Example,OU=Staff,DC=corp,DC=example,DC=com',
    objectGUID: guidBytes,
    sAMAccountName: 'ann',
    displayName: 'Ann Example',
    mail: 'ann@corp.example.com',
    userAccountControl: '512',
    ...attributes,
  };
}

describe('the Active Directory preset', () => {
  it('formats objectGUID as Windows shows it: the first three fields byte-swapped', () => {
    expect(formatWindowsGuid(guidBytes)).toBe('2d7a5c3b-9f1e-4b8a-8c6d-0e1f2a3b4c5d');
    expect(formatWindowsGuid(Buffer.alloc(15))).toBeNull();
  });

  it('maps objectGUID, sAMAccountName, displayName and mail', () => {
    expect(mapLdapEntry(adUser(), context())).toEqual({
      ok: true,
      entry: {
        externalId: '2d7a5c3b-9f1e-4b8a-8c6d-0e1f2a3b4c5d',
        username: 'ann',
        displayName: 'Ann Example',
        email: 'ann@corp.example.com',
        areaId: 'primary',
        enabled: true,
      },
    });
  });

  it('an objectGUID whose bytes happen to be valid UTF-8 and arrive as text gives the same id', () => {
    const ascii = Buffer.from('0123456789abcdef', 'ascii');
    const mapped = mapLdapEntry(adUser({ objectGUID: ascii.toString('utf8') }), context());
    expect(mapped.ok && mapped.entry.externalId).toBe(formatWindowsGuid(ascii));
  });

  it.each([
    ['512', true, 'NORMAL_ACCOUNT'],
    ['514', false, 'NORMAL_ACCOUNT | ACCOUNTDISABLE'],
    ['66048', true, 'NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD'],
    ['66050', false, 'NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD | ACCOUNTDISABLE'],
    ['16', true, 'LOCKOUT (a lockout is not a disabled account)'],
    ['-2147483646', false, 'bit 31 set (stored as a negative 32-bit integer) | ACCOUNTDISABLE'],
  ])('userAccountControl %s (%s) -> enabled %s', (value, enabled) => {
    const mapped = mapLdapEntry(adUser({ userAccountControl: value }), context());
    expect(mapped.ok && mapped.entry.enabled).toBe(enabled);
  });

  it('an account whose userAccountControl is not an integer is skipped, not guessed', () => {
    expect(mapLdapEntry(adUser({ userAccountControl: 'yes' }), context())).toMatchObject({
      ok: false,
      skipped: { dn: 'CN=Ann Example,OU=Staff,DC=corp,DC=example,DC=com', reason: 'INVALID_ATTRIBUTE', attribute: 'userAccountControl' },
    });
  });

  it('an account without objectGUID or sAMAccountName is skipped with the attribute', () => {
    expect(mapLdapEntry(adUser({ objectGUID: [] }), context())).toMatchObject({ ok: false, skipped: { reason: 'MISSING_ATTRIBUTE', attribute: 'objectGUID' } });
    const { sAMAccountName: _, ...withoutName } = adUser();
    expect(mapLdapEntry(withoutName as LdapEntry, context())).toMatchObject({ ok: false, skipped: { reason: 'MISSING_ATTRIBUTE', attribute: 'sAMAccountName' } });
    expect(mapLdapEntry(adUser({ objectGUID: Buffer.alloc(8) }), context())).toMatchObject({ ok: false, skipped: { reason: 'INVALID_ATTRIBUTE', attribute: 'objectGUID' } });
  });

  it('attribute names are matched ignoring case, as the server may spell them either way', () => {
    const mapped = mapLdapEntry(
      { dn: 'CN=Bo,DC=example,DC=com', objectguid: guidBytes, samaccountname: 'bo', DISPLAYNAME: 'Bo', Mail: [], useraccountcontrol: '514' },
      context(),
    );
    expect(mapped).toEqual({
      ok: true,
      entry: { externalId: '2d7a5c3b-9f1e-4b8a-8c6d-0e1f2a3b4c5d', username: 'bo', displayName: 'Bo', email: null, areaId: 'primary', enabled: false },
    });
  });

  it('memberOf places an account by its group, comparing DNs as a directory does', () => {
    const rules = [{ group: dn('cn=acme extranet, ou=groups, dc=corp,dc=example,dc=com'), dnSuffix: undefined, areaId: 'extranet', organizationId: 'acme' }];
    const member = adUser({ memberOf: ['CN=All Staff,OU=Groups,DC=corp,DC=example,DC=com', 'CN=Acme Extranet,OU=Groups,DC=corp,DC=example,DC=com'] });
    expect(mapLdapEntry(member, context({ rules }))).toMatchObject({ ok: true, entry: { areaId: 'extranet', organizationId: 'acme' } });
    expect(mapLdapEntry(adUser({ memberOf: 'CN=All Staff,OU=Groups,DC=corp,DC=example,DC=com' }), context({ rules }))).toMatchObject({
      ok: true,
      entry: { areaId: 'primary' },
    });
  });
});

describe('placement', () => {
  const partners = dn('ou=Partners,dc=corp,dc=example,dc=com');
  const rules = [
    { group: dn('cn=acme,ou=groups,dc=corp,dc=example,dc=com'), dnSuffix: undefined, areaId: 'extranet', organizationId: 'acme' },
    { group: undefined, dnSuffix: partners, areaId: 'extranet', organizationId: null },
  ];

  it('the first matching rule wins', () => {
    const both = { ...adUser({ memberOf: 'CN=Acme,OU=Groups,DC=corp,DC=example,DC=com' }), dn: 'CN=Ann,OU=Partners,DC=corp,DC=example,DC=com' };
    expect(mapLdapEntry(both, context({ rules }))).toMatchObject({ entry: { areaId: 'extranet', organizationId: 'acme' } });
  });

  it('a DN suffix matches whole RDNs only', () => {
    expect(isWithin(dn('cn=x,ou=partners,dc=corp,dc=example,dc=com'), partners)).toBe(true);
    expect(isWithin(dn('cn=x,ou=xpartners,dc=corp,dc=example,dc=com'), partners)).toBe(false);
    expect(isWithin(dn('ou=partners,dc=corp,dc=example,dc=com'), partners)).toBe(true);
  });

  it('organizationId null puts the account in the host company; an omitted one leaves the field out', () => {
    const entry = { ...adUser(), dn: 'CN=Cy,OU=Partners,DC=corp,DC=example,DC=com' };
    expect(mapLdapEntry(entry, context({ rules }))).toMatchObject({ entry: { areaId: 'extranet', organizationId: null } });
    const mapped = mapLdapEntry(adUser(), context({ rules }));
    expect(mapped.ok && 'organizationId' in mapped.entry).toBe(false);
  });

  it('without a default area an account no rule places is skipped with NO_PLACEMENT', () => {
    expect(mapLdapEntry(adUser(), context({ rules, fallback: undefined }))).toMatchObject({ ok: false, skipped: { reason: 'NO_PLACEMENT' } });
  });

  it('member lists place by the account DN', () => {
    const group = dn('cn=acme,ou=groups,dc=corp,dc=example,dc=com');
    const groupMembers = new Map([[dnKey(group), new Set([dnKey(dn('cn=ann example, ou=staff, dc=corp, dc=example, dc=com'))])]]);
    expect(mapLdapEntry(adUser(), context({ rules, groupMembership: 'member', groupMembers }))).toMatchObject({ entry: { organizationId: 'acme' } });
  });
});

describe('distinguished names', () => {
  it('compare ignoring case, spaces around separators and the form of escapes', () => {
    expect(dnKey(dn('CN=Smith\\, Ann , OU=Staff,DC=example,DC=com'))).toBe(dnKey(dn('cn=smith\\2c ann,ou=staff,dc=example,dc=com')));
    expect(dnKey(dn('cn=J\\C3\\A9r\\C3\\B4me,dc=example'))).toBe(dnKey(dn('CN=Jérôme,DC=example')));
    expect(dnKey(dn('cn=a+uid=b,dc=example'))).toBe(dnKey(dn('uid=b+cn=a,dc=example')));
    expect(dnKey(dn('cn=a\\,b,dc=example'))).not.toBe(dnKey(dn('cn=a,b=,dc=example')));
  });

  it('a malformed DN is null', () => {
    expect(normaliseDn('not a dn')).toBeNull();
    expect(normaliseDn('cn=a,dc=example\\')).toBeNull();
    expect(normaliseDn('')).toEqual([]);
  });
});

describe('the OpenLDAP preset', () => {
  const openldap = context({ mapping: LDAP_PRESETS.openldap.mapping });
  const person = (attributes: Record<string, LdapEntry[string]>): LdapEntry => ({
    dn: 'uid=ann,ou=people,dc=example,dc=com',
    entryUUID: '0f8e5a2c-7f57-1041-9196-c10cc513d541',
    uid: 'ann',
    cn: 'Ann',
    mail: 'ann@example.com',
    pwdAccountLockedTime: [],
    ...attributes,
  });

  it('an administrator lock (000001010000Z) disables; a temporary lockout does not', () => {
    expect(mapLdapEntry(person({ pwdAccountLockedTime: '000001010000Z' }), openldap)).toMatchObject({ entry: { enabled: false } });
    expect(mapLdapEntry(person({ pwdAccountLockedTime: '20260101000000Z' }), openldap)).toMatchObject({ entry: { enabled: true } });
    expect(mapLdapEntry(person({}), openldap)).toMatchObject({ entry: { enabled: true } });
  });

  it('several uids are ambiguous; several mails take the first', () => {
    expect(mapLdapEntry(person({ uid: ['ann', 'anna'] }), openldap)).toMatchObject({ ok: false, skipped: { reason: 'AMBIGUOUS_ATTRIBUTE', attribute: 'uid' } });
    expect(mapLdapEntry(person({ mail: ['ann@example.com', 'a@example.com'] }), openldap)).toMatchObject({ entry: { email: 'ann@example.com' } });
  });
});
