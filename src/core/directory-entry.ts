/**
 * What a directory feed (Active Directory, LDAP, SCIM) hands to a sync: the
 * entry and option schemas, and the per-entry validation of a whole feed.
 *
 * @module
 */
import { z } from 'zod';
import type { InputIssue } from '../errors.js';
import { checkDirectoryEntry } from './directory-entry-check.js';
import { displayNameSchema, emailSchema, idSchema, usernameKey, usernameSchema } from './schemas.js';

/**
 * One user as the directory sees it. `externalId` (an AD objectGUID, a SCIM id)
 * is the key a sync matches profiles by. For a profile that exists, an omitted
 * `email`, `displayName` or `organizationId` leaves the stored value as it is and
 * `null` clears it; `enabled` defaults to `true`.
 */
export const directoryEntrySchema = z.strictObject({
  /** The directory's id for the account (AD objectGUID, SCIM `id`): what profiles are matched by. */
  externalId: idSchema,
  /** The username, unique site-wide ignoring case. */
  username: usernameSchema,
  /** The email address; omitted keeps a profile's, `null` clears it. */
  email: emailSchema.nullable().optional(),
  /** The name shown in lists; omitted keeps a profile's, `null` clears it. */
  displayName: displayNameSchema.nullable().optional(),
  /** The area (license pool) the user belongs to. */
  areaId: idSchema,
  /** A partner organization of `areaId`, or `null` for the host company. */
  organizationId: idSchema.nullable().optional(),
  /** `false` when the account is disabled in the directory: the profile is blocked (`directory-disabled`). */
  enabled: z.boolean().default(true),
});
/** One feed entry as a host passes it. */
export type DirectoryEntryInput = z.input<typeof directoryEntrySchema>;
/** One feed entry after validation (trimmed, `enabled` filled in). */
export type DirectoryEntry = z.output<typeof directoryEntrySchema>;

/** The default of `maxBlockShare`: a sync may block at most 20 % of an area's active users. */
export const DEFAULT_MAX_BLOCK_SHARE = 0.2;

/** Options of `planDirectorySync` and `syncDirectory`. */
export const directorySyncOptionsSchema = z.strictObject({
  /**
   * What happens to directory users missing from the feed: `keep` (default)
   * leaves them as they are; `block` blocks them with `directory-removed`.
   */
  onMissing: z.enum(['keep', 'block']).optional(),
  /**
   * The largest share (0 to 1) of an area's active licensed users one sync may
   * block; a feed that would block more is refused unless `force` is set. Default 0.2.
   */
  maxBlockShare: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
  /** Apply even a feed the mass-block guard refuses. */
  force: z.boolean().optional(),
  /**
   * The areas this feed covers. Entries for other areas are invalid, and only
   * users of these areas can be missing from the feed. Default: every area.
   */
  areaIds: z.array(idSchema).min(1, 'must name at least one area').optional(),
});
/** Options of `planDirectorySync` and `syncDirectory`. */
export type DirectorySyncOptions = z.input<typeof directorySyncOptionsSchema>;

/** {@link DirectorySyncOptions} with every default filled in, as a plan records them. */
export interface ResolvedDirectorySyncOptions {
  /** `keep` or `block` users missing from the feed. */
  readonly onMissing: 'keep' | 'block';
  /** The largest share of an area's active licensed users one sync may block. */
  readonly maxBlockShare: number;
  /** Whether the mass-block guard is overridden. */
  readonly force: boolean;
  /** The areas the feed covers, or `null` for every area. */
  readonly areaIds: readonly string[] | null;
}

/**
 * Fills in the defaults of validated options.
 *
 * @param options - options that passed {@link directorySyncOptionsSchema}
 * @returns the options a plan records
 */
export function resolveDirectorySyncOptions(options: z.output<typeof directorySyncOptionsSchema>): ResolvedDirectorySyncOptions {
  return {
    onMissing: options.onMissing ?? 'keep',
    maxBlockShare: options.maxBlockShare ?? DEFAULT_MAX_BLOCK_SHARE,
    force: options.force ?? false,
    areaIds: options.areaIds === undefined ? null : [...new Set(options.areaIds)],
  };
}

/** A feed entry that cannot be applied, with every reason why. Nothing is written for it. */
export interface InvalidDirectoryEntry {
  /** Its position in the feed, from 0. */
  readonly index: number;
  /** Its external id, when it has a readable one. */
  readonly externalId: string | null;
  /** Its username, when it has a readable one. */
  readonly username: string | null;
  /** What is wrong, with the path inside the entry (e.g. `['email']`). */
  readonly issues: readonly InputIssue[];
}

/** A valid feed entry and its position in the feed. */
export interface IndexedDirectoryEntry {
  /** Its position in the feed, from 0. */
  readonly index: number;
  /** The validated entry. */
  readonly entry: DirectoryEntry;
}

/** A feed split into the entries that validated and those that did not. */
export interface ParsedDirectoryFeed {
  /** Valid entries in feed order. */
  readonly valid: readonly IndexedDirectoryEntry[];
  /** Invalid entries in feed order. */
  readonly invalid: readonly InvalidDirectoryEntry[];
  /**
   * Every external id the feed names, valid entry or not. A user whose id is
   * here is never "missing from the feed": a malformed entry must not block it.
   */
  readonly externalIds: ReadonlySet<string>;
}

/**
 * Validates every entry of a feed on its own, so one bad entry never stops the
 * rest. An entry is invalid when it fails {@link directoryEntrySchema}, or when
 * its external id or username (ignoring case) appears more than once in the
 * feed: then every occurrence is invalid, since the feed does not say which one is right.
 *
 * @param feed - the entries as the host passed them
 * @returns the valid entries, the invalid ones with their issues, and every external id named
 */
export function parseDirectoryFeed(feed: readonly unknown[]): ParsedDirectoryFeed {
  // First pass: check each entry (the fast check; zod only later, for what it leaves) and find repeated keys.
  const checked: (DirectoryEntry | null)[] = [];
  const externalIds = new Set<string>();
  const usernameKeys = new Set<string>();
  // How often each repeated value appears; null while none is (the usual case), so the second pass can skip them.
  let repeatedExternalIds: Map<string, number> | null = null;
  let repeatedUsernames: Map<string, number> | null = null;
  for (let index = 0; index < feed.length; index++) {
    const raw = feed[index];
    const entry = checkDirectoryEntry(raw);
    checked.push(entry);
    const externalId = entry === null ? readKey(raw, 'externalId') : entry.externalId;
    const username = entry === null ? readKey(raw, 'username') : entry.username;
    // A value already there leaves a set's size as it was: one hash operation per key instead of two.
    if (externalId !== null) {
      const size = externalIds.size;
      if (externalIds.add(externalId).size === size) (repeatedExternalIds ??= new Map()).set(externalId, (repeatedExternalIds.get(externalId) ?? 1) + 1);
    }
    if (username !== null) {
      const key = usernameKey(username);
      const size = usernameKeys.size;
      if (usernameKeys.add(key).size === size) (repeatedUsernames ??= new Map()).set(key, (repeatedUsernames.get(key) ?? 1) + 1);
    }
  }

  const valid: IndexedDirectoryEntry[] = [];
  const invalid: InvalidDirectoryEntry[] = [];
  const noRepeats = repeatedExternalIds === null && repeatedUsernames === null;
  for (let index = 0; index < feed.length; index++) {
    const fast = checked[index] ?? null;
    if (fast !== null && noRepeats) {
      valid.push({ index, entry: fast });
      continue;
    }
    const raw = feed[index];
    const parsed = fast === null ? directoryEntrySchema.safeParse(raw) : null;
    const entry = fast ?? (parsed?.success === true ? parsed.data : null);
    // A valid entry's keys are the trimmed strings readKey would read.
    const externalId = entry === null ? readKey(raw, 'externalId') : entry.externalId;
    const username = entry === null ? readKey(raw, 'username') : entry.username;
    const externalIdTimes = externalId === null ? 0 : (repeatedExternalIds?.get(externalId) ?? 0);
    const usernameTimes = username === null ? 0 : (repeatedUsernames?.get(usernameKey(username)) ?? 0);
    if (entry !== null && externalIdTimes === 0 && usernameTimes === 0) {
      valid.push({ index, entry });
      continue;
    }
    const issues: InputIssue[] =
      parsed === null || parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: [...issue.path], code: issue.code, message: issue.message }));
    if (externalIdTimes > 1) {
      issues.push({
        path: ['externalId'],
        code: 'duplicate_external_id',
        message: `external id "${externalId}" appears ${externalIdTimes} times in the feed; every occurrence is left out`,
      });
    }
    if (usernameTimes > 1) {
      issues.push({
        path: ['username'],
        code: 'duplicate_username',
        message: `username "${username}" appears ${usernameTimes} times in the feed (ignoring case); every occurrence is left out`,
      });
    }
    invalid.push({ index, externalId, username, issues });
  }
  return { valid, invalid, externalIds };
}

/** A trimmed, non-empty string field of a raw entry, or `null`. */
function readKey(raw: unknown, field: 'externalId' | 'username'): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = (raw as Record<string, unknown>)[field];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
