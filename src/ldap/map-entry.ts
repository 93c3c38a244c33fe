/**
 * Turning one LDAP entry into a directory feed entry: the attribute mapping,
 * the disabled rule and the placement rules. Pure: the reader hands in what it
 * read (the entry, and the group member lists when membership comes from them).
 */
import type { DirectoryEntryInput } from '../core/directory-entry.js';
import { dnKey, isWithin, normaliseDn, type NormalisedDn } from './dn.js';
import { formatWindowsGuid } from './guid.js';
import type { LdapAttributeMapping, LdapDisabledRule, LdapGroupMembership } from './options.js';

/**
 * Why an account was not turned into an entry:
 * - `MISSING_ATTRIBUTE`: it has no value for the external id or the username;
 * - `AMBIGUOUS_ATTRIBUTE`: it has several values for one of them;
 * - `INVALID_ATTRIBUTE`: a value cannot be read: an external id that is not a
 *   16-byte GUID (`windows-guid`) or not text, a disabled flag that is not an integer;
 * - `NO_PLACEMENT`: no placement rule matches it and no default `areaId` is set.
 */
export type LdapSkipReason = 'MISSING_ATTRIBUTE' | 'AMBIGUOUS_ATTRIBUTE' | 'INVALID_ATTRIBUTE' | 'NO_PLACEMENT';

/** An account the reader found but did not turn into an entry, and why. */
export interface LdapSkippedEntry {
  /** The account's DN. */
  readonly dn: string;
  /** Why it was skipped. */
  readonly reason: LdapSkipReason;
  /** The attribute at fault, for the attribute reasons. */
  readonly attribute?: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/** An LDAP entry as ldapts returns it: the DN and each attribute's value(s). */
export interface LdapEntry {
  /** The entry's DN. */
  readonly dn: string;
  /** Each attribute, by the name the server returned: a value, or a list of values (empty when absent). */
  readonly [attribute: string]: string | Buffer | readonly string[] | readonly Buffer[];
}

/** A placement rule with its DNs normalised. */
export interface CompiledPlacementRule {
  readonly group: NormalisedDn | undefined;
  readonly dnSuffix: NormalisedDn | undefined;
  readonly areaId: string;
  readonly organizationId: string | null | undefined;
}

/** Everything the mapping of one entry needs. */
export interface EntryMappingContext {
  readonly mapping: LdapAttributeMapping;
  readonly groupMembership: LdapGroupMembership;
  readonly rules: readonly CompiledPlacementRule[];
  /** The placement of accounts no rule matches; `undefined`: skip them. */
  readonly fallback: { readonly areaId: string; readonly organizationId: string | null | undefined } | undefined;
  /** The normalised member DNs (by {@link dnKey}) of each rule group, by the group's {@link dnKey}; for `member` membership. */
  readonly groupMembers: ReadonlyMap<string, ReadonlySet<string>>;
}

/** An entry, or why the account was skipped. */
export type MappedEntry = { readonly ok: true; readonly entry: DirectoryEntryInput } | { readonly ok: false; readonly skipped: LdapSkippedEntry };

/** The values of one attribute, found ignoring case; empty when absent. */
function valuesOf(entry: LdapEntry, attribute: string): readonly (string | Buffer)[] {
  const wanted = attribute.toLowerCase();
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn' || name.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? (value as readonly (string | Buffer)[]) : [value as string | Buffer];
  }
  return [];
}

/** A value as text; ldapts hands over a Buffer only for bytes that are not UTF-8. */
function asText(value: string | Buffer): string | null {
  return typeof value === 'string' ? value : null;
}

function skip(dn: string, reason: LdapSkipReason, message: string, attribute?: string): MappedEntry {
  return { ok: false, skipped: attribute === undefined ? { dn, reason, message } : { dn, reason, attribute, message } };
}

type Single = { ok: true; value: string | Buffer } | { ok: false; result: MappedEntry };

/** The one value of a required attribute, or the reason to skip the account. */
function single(entry: LdapEntry, attribute: string, field: string): Single {
  const values = valuesOf(entry, attribute).filter((value) => (typeof value === 'string' ? value.trim() !== '' : value.length > 0));
  if (values.length === 0) return { ok: false, result: skip(entry.dn, 'MISSING_ATTRIBUTE', `no ${attribute} (the ${field})`, attribute) };
  if (values.length > 1) return { ok: false, result: skip(entry.dn, 'AMBIGUOUS_ATTRIBUTE', `${values.length} values of ${attribute} (the ${field}): which one is meant is not known`, attribute) };
  return { ok: true, value: values[0] as string | Buffer };
}

/** The first text value of an optional attribute, `null` when it has none. */
function optionalText(entry: LdapEntry, attribute: string): string | null {
  for (const value of valuesOf(entry, attribute)) {
    const text = asText(value)?.trim();
    if (text !== undefined && text !== '') return text;
  }
  return null;
}

/** Whether the account is disabled, or the reason to skip it. */
function isDisabled(entry: LdapEntry, rule: LdapDisabledRule): boolean | MappedEntry {
  const values = valuesOf(entry, rule.attribute);
  if ('present' in rule) return values.length > 0;
  if ('equals' in rule) {
    const wanted = new Set(rule.equals.map((value) => value.toLowerCase()));
    return values.some((value) => typeof value === 'string' && wanted.has(value.trim().toLowerCase()));
  }
  if (values.length === 0) return false;
  const text = values.length === 1 ? asText(values[0] as string | Buffer)?.trim() : undefined;
  if (text === undefined || !/^-?\d+$/.test(text)) {
    return skip(entry.dn, 'INVALID_ATTRIBUTE', `${rule.attribute} must be one integer to tell whether the account is disabled`, rule.attribute);
  }
  // Bitwise operators work on 32-bit integers, which is what AD stores (negative when the top bit is set).
  return (Number(text) & rule.flag) !== 0;
}

function isMember(entry: LdapEntry, dn: NormalisedDn | null, group: NormalisedDn, context: EntryMappingContext): boolean {
  const key = dnKey(group);
  if (context.groupMembership === 'member') return dn !== null && (context.groupMembers.get(key)?.has(dnKey(dn)) ?? false);
  return valuesOf(entry, 'memberOf').some((value) => {
    const groupDn = typeof value === 'string' ? normaliseDn(value) : null;
    return groupDn !== null && dnKey(groupDn) === key;
  });
}

/**
 * Maps one LDAP entry to a directory feed entry, or says why it is skipped.
 *
 * @param entry - the entry as read
 * @param context - the mapping, the placement rules and the group member lists
 */
export function mapLdapEntry(entry: LdapEntry, context: EntryMappingContext): MappedEntry {
  const { mapping } = context;

  const id = single(entry, mapping.externalId, 'external id');
  if (!id.ok) return id.result;
  let externalId: string | null;
  if (mapping.externalIdFormat === 'windows-guid') {
    // A GUID whose bytes happen to be valid UTF-8 may arrive as text; encoding it again gives the same bytes back.
    externalId = formatWindowsGuid(typeof id.value === 'string' ? Buffer.from(id.value, 'utf8') : id.value);
    if (externalId === null) return skip(entry.dn, 'INVALID_ATTRIBUTE', `${mapping.externalId} must be a 16-byte GUID`, mapping.externalId);
  } else {
    externalId = asText(id.value);
    if (externalId === null) return skip(entry.dn, 'INVALID_ATTRIBUTE', `${mapping.externalId} is binary, not text: use externalIdFormat "windows-guid" for a GUID`, mapping.externalId);
  }

  const name = single(entry, mapping.username, 'username');
  if (!name.ok) return name.result;
  const username = asText(name.value);
  if (username === null) return skip(entry.dn, 'INVALID_ATTRIBUTE', `${mapping.username} is binary, not text`, mapping.username);

  let enabled = true;
  if (mapping.disabled !== null) {
    const disabled = isDisabled(entry, mapping.disabled);
    if (typeof disabled !== 'boolean') return disabled;
    enabled = !disabled;
  }

  const dn = normaliseDn(entry.dn);
  const rule = context.rules.find(
    (candidate) =>
      (candidate.dnSuffix === undefined || (dn !== null && isWithin(dn, candidate.dnSuffix))) &&
      (candidate.group === undefined || isMember(entry, dn, candidate.group, context)),
  );
  const placement = rule ?? context.fallback;
  if (placement === undefined) return skip(entry.dn, 'NO_PLACEMENT', 'no placement rule matches the account and no default areaId is set');

  const result: { -readonly [K in keyof DirectoryEntryInput]: DirectoryEntryInput[K] } = { externalId, username, areaId: placement.areaId, enabled };
  if (placement.organizationId !== undefined) result.organizationId = placement.organizationId;
  if (mapping.email !== null) result.email = optionalText(entry, mapping.email);
  if (mapping.displayName !== null) result.displayName = optionalText(entry, mapping.displayName);
  return { ok: true, entry: result };
}
