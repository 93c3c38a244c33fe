/**
 * Reading the accounts of an LDAP directory (Active Directory, OpenLDAP) as
 * directory sync entries, with ldapts: bind, paged search, placement.
 *
 * @module
 */
import { isIP } from 'node:net';
import { AndFilter, Client, EqualityFilter, FilterParser, OrFilter, type Filter, type SearchOptions } from 'ldapts';
import type { DirectoryEntryInput } from '../core/directory-entry.js';
import { parseInput } from '../service/validate.js';
import { dnKey, normaliseDn, type NormalisedDn } from './dn.js';
import { toLdapError } from './driver-errors.js';
import { LdapSearchError } from './errors.js';
import { mapLdapEntry, type CompiledPlacementRule, type EntryMappingContext, type LdapEntry, type LdapSkippedEntry } from './map-entry.js';
import {
  LDAP_PRESETS,
  ldapDirectoryOptionsSchema,
  type LdapAttributeMapping,
  type LdapDirectoryOptions,
  type ParsedLdapDirectoryOptions,
} from './options.js';

/** What {@link readLdapDirectory} read: the entries to sync and the accounts it skipped. */
export interface LdapDirectory {
  /** One entry per account, in the order the server returned them: hand them to `planDirectorySync` / `syncDirectory`. */
  readonly entries: DirectoryEntryInput[];
  /** The accounts that are not in `entries`, each with its DN and the reason. */
  readonly skipped: readonly LdapSkippedEntry[];
}

/** The options after validation, and what follows from them. */
interface Plan {
  readonly options: ParsedLdapDirectoryOptions;
  readonly mapping: LdapAttributeMapping;
  readonly filter: Filter;
  readonly attributes: string[];
  readonly bufferAttributes: string[];
  /** The DN of each placement group, by its {@link dnKey}. */
  readonly groups: ReadonlyMap<string, string>;
  readonly context: Omit<EntryMappingContext, 'groupMembers'>;
}

function plan(input: LdapDirectoryOptions): Plan {
  const options = parseInput(ldapDirectoryOptionsSchema, input, 'LDAP directory options');
  const preset = LDAP_PRESETS[options.preset];
  // A field given as undefined keeps the preset's: only null leaves a field out.
  const overrides = Object.fromEntries(Object.entries(options.mapping ?? {}).filter(([, value]) => value !== undefined));
  const mapping: LdapAttributeMapping = { ...preset.mapping, ...overrides };
  const groupMembership = options.groupMembership ?? preset.groupMembership;

  let filter = FilterParser.parseString(options.filter ?? preset.filter);
  if (options.usernames !== undefined) {
    // EqualityFilter carries each value as it is: `*)(uid=*` is a username to match, never filter syntax (RFC 4515).
    const names = options.usernames.map((value) => new EqualityFilter({ attribute: mapping.username, value }));
    filter = new AndFilter({ filters: [filter, names.length === 1 ? (names[0] as Filter) : new OrFilter({ filters: names })] });
  }

  const rules: CompiledPlacementRule[] = options.placement.map((rule) => ({
    group: rule.group === undefined ? undefined : (normaliseDn(rule.group) as NormalisedDn),
    dnSuffix: rule.dnSuffix === undefined ? undefined : (normaliseDn(rule.dnSuffix) as NormalisedDn),
    areaId: rule.areaId,
    organizationId: rule.organizationId,
  }));

  const groups = new Map<string, string>();
  for (const rule of options.placement) if (rule.group !== undefined) groups.set(dnKey(normaliseDn(rule.group) as NormalisedDn), rule.group);

  const wanted = [mapping.externalId, mapping.username, mapping.displayName, mapping.email, mapping.disabled?.attribute];
  if (groupMembership === 'memberOf' && rules.some((rule) => rule.group !== undefined)) wanted.push('memberOf');
  const attributes = [...new Map(wanted.filter((name): name is string => name != null).map((name) => [name.toLowerCase(), name])).values()];
  // ldapts returns the values of these as bytes, matching the attribute type exactly as the server spells it
  // (AD: objectGUID), so the spellings a server may use are all listed.
  const bufferAttributes = mapping.externalIdFormat === 'windows-guid' ? [...new Set([mapping.externalId, mapping.externalId.toLowerCase(), 'objectGUID'])] : [];

  return {
    options,
    mapping,
    filter,
    attributes,
    bufferAttributes,
    groups,
    context: {
      mapping,
      groupMembership,
      rules,
      fallback: options.areaId === undefined ? undefined : { areaId: options.areaId, organizationId: options.organizationId },
    },
  };
}

/**
 * Reads the accounts of an LDAP directory page by page (RFC 2696 paged search,
 * so directories larger than the server's size limit are read whole) and yields
 * each page's directory entries: `seats.syncDirectory(readLdapDirectoryPages(options))`
 * syncs them batch by batch, without holding the whole directory in memory.
 *
 * Accounts that cannot be mapped (no external id or username, no placement)
 * are not yielded: `options.onSkipped` is called with each. The connection is
 * closed when the iteration ends, also when the consumer stops early.
 *
 * The options are checked at once; the server is contacted when the iteration starts.
 *
 * @param options - the server, the bind, the search, the mapping and the placement rules
 * @returns the pages, each a fresh array of entries (pages whose accounts were all skipped are left out)
 * @throws InvalidInputError (at once) when an option is malformed
 * @throws LdapUnavailableError, LdapBindError, LdapSizeLimitError, LdapSearchError while iterating:
 *   a read that failed part way must not be synced as a whole directory
 *
 * @example
 * ```ts
 * const directory = { url, bindDN, password, baseDN, preset: 'openldap', areaId: 'primary' } as const;
 * const report = await seats.syncDirectory(readLdapDirectoryPages(directory), { onMissing: 'block' });
 *
 * let count = 0;
 * for await (const page of readLdapDirectoryPages(directory)) count += page.length;
 * ```
 */
export function readLdapDirectoryPages(options: LdapDirectoryOptions): AsyncIterable<DirectoryEntryInput[]> {
  const planned = plan(options);
  return { [Symbol.asyncIterator]: () => pages(planned) };
}

/**
 * Reads the accounts of an LDAP directory as entries for
 * `seats.planDirectorySync(entries)` / `seats.syncDirectory(entries)`, with
 * the accounts it could not map listed in `skipped`. See
 * {@link readLdapDirectoryPages} for reading page by page.
 *
 * @param options - the server, the bind, the search, the mapping and the placement rules
 * @returns the entries and the skipped accounts
 * @throws InvalidInputError when an option is malformed
 * @throws LdapUnavailableError when the server cannot be reached
 * @throws LdapBindError when the server refuses the bind
 * @throws LdapSizeLimitError when the server stops the search at its size limit
 * @throws LdapSearchError when the server refuses the search or a placement group read
 *
 * @example
 * ```ts
 * import { readLdapDirectory } from 'seatkeeper/ldap';
 *
 * const { entries, skipped } = await readLdapDirectory({
 *   url: 'ldaps://dc1.example.com',
 *   bindDN: 'CN=seatkeeper,OU=Service Accounts,DC=example,DC=com',
 *   password: process.env.LDAP_PASSWORD!,
 *   baseDN: 'DC=example,DC=com',
 *   preset: 'active-directory',
 *   areaId: 'primary',
 *   placement: [{ group: 'CN=Acme Extranet,OU=Groups,DC=example,DC=com', areaId: 'extranet', organizationId: 'acme' }],
 * });
 * for (const account of skipped) console.warn(`${account.dn}: ${account.message}`);
 * const report = await seats.syncDirectory(entries, { onMissing: 'block' });
 * ```
 */
export async function readLdapDirectory(options: LdapDirectoryOptions): Promise<LdapDirectory> {
  const skipped: LdapSkippedEntry[] = [];
  const onSkipped = options.onSkipped;
  const entries: DirectoryEntryInput[] = [];
  const planned = plan({
    ...options,
    onSkipped: (entry) => {
      skipped.push(entry);
      onSkipped?.(entry);
    },
  });
  for await (const page of pages(planned)) entries.push(...page);
  return { entries, skipped };
}

async function* pages({ options, filter, attributes, bufferAttributes, groups, context }: Plan): AsyncGenerator<DirectoryEntryInput[], void, undefined> {
  const client = new Client({
    url: options.url,
    timeout: options.timeout,
    connectTimeout: options.connectTimeout,
    // ldapts opens TLS at once whenever it is given TLS options, so an ldap:// URL gets them only with StartTLS below.
    ...(options.tlsOptions !== undefined && !options.startTLS ? { tlsOptions: { ...options.tlsOptions } } : {}),
  });
  const server = options.url;
  try {
    if (options.startTLS) {
      try {
        // ldapts upgrades the socket without naming the host: check the certificate against the URL's host, as ldaps:// does.
        await client.startTLS({ ...tlsHost(options.url), ...options.tlsOptions });
      } catch (error) {
        throw toLdapError(error, 'connect', { server });
      }
    }
    if (options.bindDN !== undefined) {
      try {
        await client.bind(options.bindDN, options.password);
      } catch (error) {
        throw toLdapError(error, 'bind', { server, subject: options.bindDN });
      }
    }

    const groupMembers = context.groupMembership === 'member' ? await readGroupMembers(client, server, groups) : new Map<string, ReadonlySet<string>>();
    const mappingContext: EntryMappingContext = { ...context, groupMembers };

    const search: SearchOptions = {
      scope: options.scope,
      filter,
      attributes,
      explicitBufferAttributes: bufferAttributes,
      paged: { pageSize: options.pageSize },
    };
    let read = 0;
    const results = client.searchPaginated(options.baseDN, search)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<{ searchEntries: LdapEntry[] }>;
      try {
        next = await results.next();
      } catch (error) {
        throw toLdapError(error, 'search', { server, subject: options.baseDN }, read);
      }
      if (next.done === true) break;
      const page: DirectoryEntryInput[] = [];
      for (const entry of next.value.searchEntries) {
        read++;
        const mapped = mapLdapEntry(entry, mappingContext);
        if (mapped.ok) page.push(mapped.entry);
        else options.onSkipped?.(mapped.skipped);
      }
      if (page.length > 0) yield page;
    }
  } finally {
    // The search is over (or abandoned): close the connection whatever happened; a failing unbind changes nothing.
    await client.unbind().catch(() => undefined);
  }
}

/** `member;range=0-1499`: AD hands out large member lists in ranges. */
const MEMBER_ATTRIBUTE = /^(member|uniqueMember)(?:;range=(\d+)-(\d+|\*))?$/i;

/**
 * The direct members of each placement group, as normalised DN keys. Each
 * group is read once by its DN; ranged `member` values (Active Directory,
 * groups of more than 1,500) are read range by range.
 *
 * @param groups - the DN of each group by its {@link dnKey}
 */
async function readGroupMembers(client: Client, server: string, groups: ReadonlyMap<string, string>): Promise<Map<string, ReadonlySet<string>>> {
  const members = new Map<string, ReadonlySet<string>>();
  for (const [key, groupDn] of groups) {
    const set = new Set<string>();
    let requested = ['member', 'uniqueMember'];
    while (requested.length > 0) {
      const entry = await readGroup(client, server, groupDn, requested);
      requested = [];
      for (const [name, values] of Object.entries(entry)) {
        const match = MEMBER_ATTRIBUTE.exec(name);
        if (name === 'dn' || match === null) continue;
        for (const value of Array.isArray(values) ? values : [values]) {
          if (typeof value !== 'string') continue;
          // uniqueMember may carry an optional UID: `uid=ann,ou=people,dc=example,dc=com#'0101'B`.
          const dn = normaliseDn(value.replace(/#'[01]*'B$/, ''));
          if (dn !== null) set.add(dnKey(dn));
        }
        const [, attribute, , end] = match;
        if (end !== undefined && end !== '*') requested.push(`${attribute};range=${Number(end) + 1}-*`);
      }
    }
    members.set(key, set);
  }
  return members;
}

async function readGroup(client: Client, server: string, dn: string, attributes: string[]): Promise<LdapEntry> {
  let entry: LdapEntry | undefined;
  try {
    ({ searchEntries: [entry] } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes }));
  } catch (error) {
    throw toLdapError(error, 'groups', { server, subject: dn });
  }
  if (entry === undefined) {
    throw new LdapSearchError(`The placement group "${dn}" was not returned by the LDAP server. Check that it exists and that the bound account may read it.`);
  }
  return entry;
}

/** The host name TLS checks the server's certificate against: the URL's host (SNI only for names, not IP addresses). */
function tlsHost(url: string): { host: string; servername?: string } {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 ? { host, servername: host } : { host };
}
