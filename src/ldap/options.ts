/**
 * The options of the LDAP reader, as zod schemas (the single source of their
 * types), and the Active Directory and OpenLDAP presets.
 *
 * @module
 */
import type { ConnectionOptions } from 'node:tls';
import { FilterParser } from 'ldapts';
import { z } from 'zod';
import { idSchema } from '../core/schemas.js';
import { normaliseDn } from './dn.js';
import type { LdapSkippedEntry } from './map-entry.js';

/** An attribute description: a name such as `mail` or `sAMAccountName` (options such as `;binary` allowed), or an OID. */
export const ldapAttributeNameSchema = z
  .string()
  .regex(/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/, 'must be an LDAP attribute name such as "mail"');

/** A distinguished name, e.g. `ou=partners,dc=example,dc=com`. */
export const ldapDnSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((dn) => normaliseDn(dn) !== null, 'must be a distinguished name such as "ou=people,dc=example,dc=com"');

/**
 * When an account counts as disabled (the profile is then blocked with
 * `directory-disabled`). One of:
 * - `{ attribute, flag }`: the attribute is an integer with any bit of `flag`
 *   set (Active Directory: `userAccountControl` with `0x2`, ACCOUNTDISABLE);
 * - `{ attribute, present: true }`: the attribute has any value;
 * - `{ attribute, equals }`: the attribute has one of these values (ignoring
 *   case), e.g. OpenLDAP's `pwdAccountLockedTime` of `000001010000Z`, the
 *   value an administrator's permanent lock writes.
 *
 * An account without the attribute is enabled.
 */
export const ldapDisabledRuleSchema = z.union([
  z.strictObject({
    /** The integer attribute, e.g. `userAccountControl`. */
    attribute: ldapAttributeNameSchema,
    /** The bits that mean disabled, e.g. `0x2`. */
    flag: z.number().int().min(1).max(0x7fffffff),
  }),
  z.strictObject({
    /** The attribute whose presence means disabled. */
    attribute: ldapAttributeNameSchema,
    /** Always `true`. */
    present: z.literal(true),
  }),
  z.strictObject({
    /** The attribute to compare. */
    attribute: ldapAttributeNameSchema,
    /** The values that mean disabled, compared ignoring case. */
    equals: z.array(z.string().min(1)).min(1).readonly(),
  }),
]);
/** When an account counts as disabled; see {@link ldapDisabledRuleSchema}. */
export type LdapDisabledRule = z.infer<typeof ldapDisabledRuleSchema>;

/**
 * Which LDAP attribute fills which field of a directory entry. `null` leaves
 * the field out of the entries, so a sync keeps what the profile has.
 */
export const ldapAttributeMappingSchema = z.strictObject({
  /** The stable id of the account (`objectGUID`, `entryUUID`): what profiles are matched by. Required in every entry. */
  externalId: ldapAttributeNameSchema,
  /** `text` takes the value as it is; `windows-guid` reads 16 bytes (AD's `objectGUID`) and formats them as Windows does. */
  externalIdFormat: z.enum(['text', 'windows-guid']),
  /** The username (`sAMAccountName`, `uid`). Required in every entry. */
  username: ldapAttributeNameSchema,
  /** The display name (`displayName`, `cn`); an account without it gets `null`. */
  displayName: ldapAttributeNameSchema.nullable(),
  /** The email address (`mail`); an account without it gets `null`. */
  email: ldapAttributeNameSchema.nullable(),
  /** When an account is disabled; `null`: every account is enabled. */
  disabled: ldapDisabledRuleSchema.nullable(),
});
/** Which LDAP attribute fills which entry field; see {@link ldapAttributeMappingSchema}. */
export type LdapAttributeMapping = z.infer<typeof ldapAttributeMappingSchema>;

/**
 * Where group membership is read for placement rules with a `group`:
 * - `memberOf`: the account's own `memberOf` values (Active Directory; OpenLDAP
 *   with the memberof overlay);
 * - `member`: the group entry's `member` and `uniqueMember` lists, read once
 *   before the accounts (any server; AD's ranged `member;range=` values are followed).
 *
 * Only direct membership counts: members of nested groups are not followed.
 */
export const ldapGroupMembershipSchema = z.enum(['memberOf', 'member']);
/** Where group membership is read; see {@link ldapGroupMembershipSchema}. */
export type LdapGroupMembership = z.infer<typeof ldapGroupMembershipSchema>;

/** The name of a preset: `active-directory` or `openldap`. */
export const ldapPresetNameSchema = z.enum(['active-directory', 'openldap']);
/** The name of a preset. */
export type LdapPresetName = z.infer<typeof ldapPresetNameSchema>;

/** What a preset sets: the filter, the attribute mapping and where group membership is read. */
export interface LdapPreset {
  /** The search filter selecting user accounts. */
  readonly filter: string;
  /** The attribute mapping. */
  readonly mapping: Readonly<LdapAttributeMapping>;
  /** Where group membership is read. */
  readonly groupMembership: LdapGroupMembership;
}

/**
 * The defaults of each preset; every option overrides them.
 *
 * - `active-directory`: user accounts `(&(objectCategory=person)(objectClass=user))`;
 *   `objectGUID` (formatted as Windows does) is the external id, `sAMAccountName`
 *   the username, `displayName`, `mail`; `userAccountControl` bit `0x2`
 *   (ACCOUNTDISABLE) means disabled; groups from `memberOf`.
 * - `openldap`: `(objectClass=inetOrgPerson)`; `entryUUID`, `uid`, `cn`, `mail`;
 *   disabled when `pwdAccountLockedTime` is `000001010000Z` (locked by an
 *   administrator with the ppolicy overlay; a temporary lockout after failed
 *   passwords is not a disabled account); groups from their `member` lists.
 */
export const LDAP_PRESETS: Readonly<Record<LdapPresetName, LdapPreset>> = Object.freeze({
  'active-directory': Object.freeze({
    filter: '(&(objectCategory=person)(objectClass=user))',
    mapping: Object.freeze({
      externalId: 'objectGUID',
      externalIdFormat: 'windows-guid',
      username: 'sAMAccountName',
      displayName: 'displayName',
      email: 'mail',
      disabled: Object.freeze({ attribute: 'userAccountControl', flag: 0x2 }),
    }),
    groupMembership: 'memberOf',
  }),
  openldap: Object.freeze({
    filter: '(objectClass=inetOrgPerson)',
    mapping: Object.freeze({
      externalId: 'entryUUID',
      externalIdFormat: 'text',
      username: 'uid',
      displayName: 'cn',
      email: 'mail',
      disabled: Object.freeze({ attribute: 'pwdAccountLockedTime', equals: Object.freeze(['000001010000Z']) }),
    }),
    groupMembership: 'member',
  }),
});

/**
 * Puts the accounts it matches in an area and, optionally, a partner
 * organization. A rule matches an account that is a direct member of `group`
 * and/or lies under `dnSuffix` (both must hold when both are given). The
 * first rule that matches decides.
 */
export const ldapPlacementRuleSchema = z
  .strictObject({
    /** The DN of a group whose direct members this rule places. */
    group: ldapDnSchema.optional(),
    /** A DN the account's DN must end with, e.g. `ou=partners,dc=example,dc=com`. */
    dnSuffix: ldapDnSchema.optional(),
    /** The area the accounts go to. */
    areaId: idSchema,
    /**
     * The partner organization (of `areaId`) the accounts belong to; `null`:
     * the host company; omitted: the entries leave it out, so a sync keeps
     * the profile's partner.
     */
    organizationId: idSchema.nullable().optional(),
  })
  .refine((rule) => rule.group !== undefined || rule.dnSuffix !== undefined, 'a placement rule needs a group or a dnSuffix');
/** A placement rule as the host writes it; see {@link ldapPlacementRuleSchema}. */
export type LdapPlacementRule = z.input<typeof ldapPlacementRuleSchema>;

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The options of {@link readLdapDirectory} and {@link readLdapDirectoryPages}. */
export const ldapDirectoryOptionsSchema = z
  .strictObject({
    /** The server: `ldap://host:389` or `ldaps://host:636`. */
    url: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'must be an LDAP URL such as "ldaps://dc1.example.com:636" (protocol, host and port only)'),
    /** The DN (or, on Active Directory, `user@domain`) of the account to bind as; omitted: an anonymous search. */
    bindDN: z.string().trim().min(1).optional(),
    /** The bind password; required with `bindDN` (an empty password would be an unauthenticated bind, which servers accept as anonymous). */
    password: z.string().min(1, 'must not be empty: an empty password is an unauthenticated bind').optional(),
    /**
     * TLS options (`ca`, `minVersion`, `checkServerIdentity`...) for `ldaps://` and StartTLS, passed to ldapts
     * as they are. The certificate is checked against the URL's host unless `host` / `servername` say otherwise.
     */
    tlsOptions: z.custom<ConnectionOptions>(isObject, 'must be an object of TLS options').optional(),
    /** Upgrade an `ldap://` connection with StartTLS before binding (the password never travels in the clear). Default `false`. */
    startTLS: z.boolean().default(false),
    /** How long each LDAP operation (the bind, each page) may take, in milliseconds. Default 60,000. */
    timeout: z.number().int().positive().default(60_000),
    /** How long connecting may take, in milliseconds. Default 10,000. */
    connectTimeout: z.number().int().positive().default(10_000),
    /** Where the accounts are searched, e.g. `ou=people,dc=example,dc=com`. */
    baseDN: ldapDnSchema,
    /** `sub` (default): the whole subtree; `one`: the entries right below `baseDN`; `base`: `baseDN` itself; `children`: the subtree without `baseDN`. */
    scope: z.enum(['base', 'one', 'sub', 'children']).default('sub'),
    /** The defaults for the filter, the mapping and group membership. */
    preset: ldapPresetNameSchema,
    /** The search filter (RFC 4515) selecting accounts, instead of the preset's. Escape values put into it: ldapts's `escapeFilter` does. */
    filter: z
      .string()
      .trim()
      .min(1)
      .refine((filter) => parsesAsFilter(filter), 'must be an LDAP filter such as "(objectClass=inetOrgPerson)"')
      .optional(),
    /** Read only these accounts (matched exactly on the username attribute; the values are escaped), e.g. the user logging in. */
    usernames: z.array(z.string().min(1)).min(1).max(1000).optional(),
    /** Attributes that replace the preset's mapping, field by field. */
    mapping: ldapAttributeMappingSchema.partial().optional(),
    /** Where group membership is read, instead of the preset's choice. */
    groupMembership: ldapGroupMembershipSchema.optional(),
    /** Placement rules, the first match wins; accounts no rule matches go to `areaId`. */
    placement: z.array(ldapPlacementRuleSchema).default([]),
    /** The area of accounts no placement rule matches; omitted: they are skipped (`NO_PLACEMENT`). */
    areaId: idSchema.optional(),
    /** The partner organization of accounts no rule matches (`null`: the host company); omitted: left out of the entries. */
    organizationId: idSchema.nullable().optional(),
    /** Entries per page of the paged search (RFC 2696). Keep it at or below the server's limit (AD: 1,000). Default 500. */
    pageSize: z.number().int().min(1).max(100_000).default(500),
    /** Called with each account that is not turned into an entry, as it is found. */
    onSkipped: z.custom<(skipped: LdapSkippedEntry) => void>((value) => typeof value === 'function', 'must be a function').optional(),
  })
  .refine((options) => (options.bindDN === undefined) === (options.password === undefined), {
    message: 'bindDN and password go together: give both for a simple bind, or neither for an anonymous one',
    path: ['password'],
  })
  .refine((options) => !(options.startTLS && /^ldaps:/i.test(options.url)), {
    message: 'startTLS is for ldap:// URLs; an ldaps:// connection is encrypted from the start',
    path: ['startTLS'],
  })
  .refine((options) => options.tlsOptions === undefined || options.startTLS || /^ldaps:/i.test(options.url), {
    message: 'tlsOptions on an ldap:// URL need startTLS: true (or use an ldaps:// URL)',
    path: ['tlsOptions'],
  })
  .refine((options) => options.organizationId === undefined || options.areaId !== undefined, {
    message: 'organizationId needs areaId',
    path: ['organizationId'],
  });
/** The options as a host passes them; see {@link ldapDirectoryOptionsSchema}. */
export type LdapDirectoryOptions = z.input<typeof ldapDirectoryOptionsSchema>;
/** The options after validation, defaults filled in. */
export type ParsedLdapDirectoryOptions = z.output<typeof ldapDirectoryOptionsSchema>;

function parsesAsFilter(filter: string): boolean {
  try {
    FilterParser.parseString(filter);
    return true;
  } catch {
    return false;
  }
}
