/**
 * `seatkeeper/ldap`: reads the accounts of an LDAP directory (Active Directory,
 * OpenLDAP) as directory sync entries, with ldapts (an optional peer
 * dependency: `npm install ldapts`).
 *
 * - {@link readLdapDirectory} returns the entries for `seats.syncDirectory`
 *   and the accounts it skipped; {@link readLdapDirectoryPages} yields them page
 *   by page, which `seats.syncDirectory` takes as they come, in bounded memory.
 * - {@link LDAP_PRESETS} holds the Active Directory and OpenLDAP defaults.
 * - Failures are {@link LdapBindError}, {@link LdapUnavailableError},
 *   {@link LdapSizeLimitError} and {@link LdapSearchError}.
 *
 * The guide is docs/ldap.md.
 *
 * @example
 * ```ts
 * import { readLdapDirectory } from 'seatkeeper/ldap';
 *
 * const { entries, skipped } = await readLdapDirectory({
 *   url: 'ldap://ldap.example.com',
 *   startTLS: true,
 *   bindDN: 'cn=seatkeeper,ou=services,dc=example,dc=com',
 *   password,
 *   baseDN: 'ou=people,dc=example,dc=com',
 *   preset: 'openldap',
 *   areaId: 'primary',
 * });
 * await seats.syncDirectory(entries);
 * ```
 *
 * @packageDocumentation
 * @module seatkeeper/ldap
 */
export { readLdapDirectory, readLdapDirectoryPages, type LdapDirectory } from './read.js';
export {
  LDAP_PRESETS,
  ldapAttributeMappingSchema,
  ldapAttributeNameSchema,
  ldapDirectoryOptionsSchema,
  ldapDisabledRuleSchema,
  ldapDnSchema,
  ldapGroupMembershipSchema,
  ldapPlacementRuleSchema,
  ldapPresetNameSchema,
  type LdapAttributeMapping,
  type LdapDirectoryOptions,
  type LdapDisabledRule,
  type LdapGroupMembership,
  type LdapPlacementRule,
  type LdapPreset,
  type LdapPresetName,
} from './options.js';
export type { LdapSkippedEntry, LdapSkipReason } from './map-entry.js';
export { LdapBindError, LdapSearchError, LdapSizeLimitError, LdapUnavailableError, type LdapErrorOptions } from './errors.js';
