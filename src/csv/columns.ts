/**
 * The People CSV columns: their keys, default header labels, how each is read
 * from a user, and which header labels the import recognises for each.
 *
 * @module
 */
import type { User } from '../core/schemas.js';

/** Every column the People CSV knows, by key. */
export const PEOPLE_COLUMN_KEYS = [
  'username',
  'displayName',
  'email',
  'area',
  'organization',
  'accountType',
  'accountState',
  'blockReason',
  'source',
  'created',
  'externalId',
  'areaId',
  'organizationId',
  'updated',
  'lastActivity',
] as const;

/** A People CSV column. */
export type PeopleColumnKey = (typeof PEOPLE_COLUMN_KEYS)[number];

/**
 * The columns an export has unless told otherwise, in order: username, display
 * name, email, area, area id, organization, organization id, account type,
 * account state, block reason, source, created. The id columns make the export
 * re-import into exactly the same areas and partners, whatever their names.
 */
export const DEFAULT_PEOPLE_COLUMNS: readonly PeopleColumnKey[] = [
  'username',
  'displayName',
  'email',
  'area',
  'areaId',
  'organization',
  'organizationId',
  'accountType',
  'accountState',
  'blockReason',
  'source',
  'created',
];

/** The header label of each column unless the caller relabels it. */
export const PEOPLE_COLUMN_LABELS: Readonly<Record<PeopleColumnKey, string>> = {
  username: 'Username',
  displayName: 'Display name',
  email: 'Email',
  area: 'Area',
  organization: 'Organization',
  accountType: 'Account type',
  accountState: 'Account state',
  blockReason: 'Block reason',
  source: 'Source',
  created: 'Created',
  externalId: 'External id',
  areaId: 'Area id',
  organizationId: 'Organization id',
  updated: 'Updated',
  lastActivity: 'Last activity',
};

/** The `Account state` value of an active profile. */
export const ACCOUNT_STATE_ACTIVE = 'Yes';
/** The `Account state` value of a blocked profile. */
export const ACCOUNT_STATE_BLOCKED = 'No';
/** The `Account type` value of a licensed profile. */
export const ACCOUNT_TYPE_LICENSED = 'Licensed';
/** The `Account type` value of a system profile (SuperUser, Guest). */
export const ACCOUNT_TYPE_SYSTEM = 'System';

/** Area and organization names by id, read once per export. */
export interface PeopleNames {
  /** Area name by area id. */
  readonly areas: ReadonlyMap<string, string>;
  /** Organization name by organization id. */
  readonly organizations: ReadonlyMap<string, string>;
}

/**
 * How each column's cell is read from a user (raw: not yet neutralised or
 * quoted). Unknown area and organization ids fall back to the id itself.
 */
export const CELL_READERS: Readonly<Record<PeopleColumnKey, (user: User, names: PeopleNames) => string>> = {
  username: (u) => u.username,
  displayName: (u) => u.displayName ?? '',
  email: (u) => u.email ?? '',
  area: (u, names) => names.areas.get(u.areaId) ?? u.areaId,
  organization: (u, names) => (u.organizationId === null ? '' : (names.organizations.get(u.organizationId) ?? u.organizationId)),
  accountType: (u) => (u.kind === 'licensed' ? ACCOUNT_TYPE_LICENSED : ACCOUNT_TYPE_SYSTEM),
  accountState: (u) => (u.state === 'active' ? ACCOUNT_STATE_ACTIVE : ACCOUNT_STATE_BLOCKED),
  blockReason: (u) => u.blockReason ?? '',
  source: (u) => u.source,
  created: (u) => u.createdAt.toISOString(),
  externalId: (u) => u.externalId ?? '',
  areaId: (u) => u.areaId,
  organizationId: (u) => u.organizationId ?? '',
  updated: (u) => u.updatedAt.toISOString(),
  lastActivity: (u) => u.lastActivityAt?.toISOString() ?? '',
};

/**
 * Header labels the import recognises besides each column's key and default
 * label. Compared after {@link normaliseHeader}, so `E-mail`, `e_mail` and
 * `EMAIL` are all `email`.
 */
const HEADER_ALIASES: Readonly<Partial<Record<PeopleColumnKey, readonly string[]>>> = {
  username: ['login', 'user', 'user name'],
  displayName: ['full name'],
  email: ['mail', 'email address'],
  organization: ['partner', 'partner organization'],
  accountType: ['type', 'kind'],
  accountState: ['active', 'state', 'account status'],
  externalId: ['directory id'],
  created: ['created at'],
  updated: ['updated at'],
  lastActivity: ['last activity at', 'last sign in', 'last login'],
};

/**
 * Folds a header label for matching: lower case, letters and digits only, so
 * `Display name`, `display_name` and `DisplayName` are the same header.
 *
 * @param label - a header cell
 * @returns the folded label
 */
export function normaliseHeader(label: string): string {
  return label.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The header labels the import recognises, folded, each with its column:
 * every key, default label and alias, then the caller's own labels, which win.
 *
 * @param extra - the caller's labels per column (e.g. an export's `headers`)
 * @returns folded label to column
 */
export function headerLookup(extra: Readonly<Partial<Record<PeopleColumnKey, string | readonly string[]>>> = {}): Map<string, PeopleColumnKey> {
  const lookup = new Map<string, PeopleColumnKey>();
  for (const key of PEOPLE_COLUMN_KEYS) {
    for (const label of [key, PEOPLE_COLUMN_LABELS[key], ...(HEADER_ALIASES[key] ?? [])]) lookup.set(normaliseHeader(label), key);
  }
  // A label of punctuation only folds to '' and would match every empty header cell: it is left out.
  for (const key of PEOPLE_COLUMN_KEYS) {
    const labels = extra[key];
    if (labels === undefined) continue;
    for (const label of typeof labels === 'string' ? [labels] : labels) {
      const folded = normaliseHeader(label);
      if (folded !== '') lookup.set(folded, key);
    }
  }
  return lookup;
}
