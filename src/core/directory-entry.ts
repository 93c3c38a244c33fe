/**
 * What a directory feed (Active Directory, LDAP, SCIM) hands to a sync: the
 * entry and option schemas, and the per-entry validation of a whole feed.
 *
 * @module
 */
import { z } from 'zod';
import type { InputIssue } from '../errors.js';
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

/**
 * The users a directory sync is given: an array of entries, or an async
 * iterable of entries or of pages of entries (`readLdapDirectoryPages` from
 * `seatkeeper/ldap` yields pages), which is read once and synced in batches in
 * bounded memory.
 */
export type DirectoryFeed = readonly DirectoryEntryInput[] | AsyncIterable<DirectoryEntryInput | readonly DirectoryEntryInput[]>;

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
  /** Every username the feed names (as {@link usernameKey}s), valid entry or not. */
  readonly usernameKeys: ReadonlySet<string>;
}

/**
 * The keys named by the part of a feed already read, when a feed is validated
 * batch by batch (a streamed feed): an entry repeating one of them is invalid.
 */
export interface DirectoryFeedKeys {
  /** The external ids named so far. */
  readonly externalIds: ReadonlySet<string>;
  /** The usernames named so far, as {@link usernameKey}s. */
  readonly usernameKeys: ReadonlySet<string>;
}

/** Where a batch of a streamed feed stands in the whole feed. */
export interface DirectoryFeedBatch {
  /** The position of the batch's first entry in the feed, from 0. */
  readonly offset: number;
  /** The keys named by the batches before it. */
  readonly earlier: DirectoryFeedKeys;
}

/**
 * Validates every entry of a feed on its own, so one bad entry never stops the
 * rest. An entry is invalid when it fails {@link directoryEntrySchema}, or when
 * its external id or username (ignoring case) appears more than once in the
 * feed: then every occurrence is invalid, since the feed does not say which one is right.
 *
 * A streamed feed is validated batch by batch: given the keys of the batches
 * before it, an entry that repeats one of them is invalid too (the earlier
 * occurrence was already synced, so only the repeats are left out).
 *
 * @param feed - the entries as the host passed them (or one batch of them)
 * @param batch - for one batch of a streamed feed: its offset and the keys named before it
 * @returns the valid entries, the invalid ones with their issues, and every external id and username named
 */
export function parseDirectoryFeed(feed: readonly unknown[], batch?: DirectoryFeedBatch): ParsedDirectoryFeed {
  const offset = batch?.offset ?? 0;
  // Array.from, not map: a hole in a sparse feed is an (invalid) undefined entry, not skipped.
  const parsed = Array.from(feed, (raw) => {
    const result = directoryEntrySchema.safeParse(raw);
    // An invalid entry's keys are read as they are (trimmed), so a repeat is found and it never counts as missing.
    const externalId = result.success ? result.data.externalId : readKey(raw, 'externalId');
    const username = result.success ? result.data.username : readKey(raw, 'username');
    return { result, externalId, username, nameKey: username === null ? null : usernameKey(username) };
  });
  const externalIdTimes = occurrences(parsed.map((p) => p.externalId));
  const usernameTimes = occurrences(parsed.map((p) => p.nameKey));
  const earlierExternalId = (key: string | null) => key !== null && batch !== undefined && batch.earlier.externalIds.has(key);
  const earlierUsername = (key: string | null) => key !== null && batch !== undefined && batch.earlier.usernameKeys.has(key);

  const valid: IndexedDirectoryEntry[] = [];
  const invalid: InvalidDirectoryEntry[] = [];
  parsed.forEach(({ result, externalId, username, nameKey }, position) => {
    const index = offset + position;
    const repeatedExternalId = externalId === null ? 0 : (externalIdTimes.get(externalId) ?? 0);
    const repeatedUsername = nameKey === null ? 0 : (usernameTimes.get(nameKey) ?? 0);
    const seenExternalId = earlierExternalId(externalId);
    const seenUsername = earlierUsername(nameKey);
    if (result.success && repeatedExternalId < 2 && repeatedUsername < 2 && !seenExternalId && !seenUsername) {
      valid.push({ index, entry: result.data });
      return;
    }
    const issues: InputIssue[] = result.success ? [] : result.error.issues.map((issue) => ({ path: [...issue.path], code: issue.code, message: issue.message }));
    if (seenExternalId) {
      issues.push({
        path: ['externalId'],
        code: 'duplicate_external_id',
        message: `external id "${externalId}" appeared earlier in the feed, in a batch already synced; this occurrence is left out`,
      });
    } else if (repeatedExternalId > 1) {
      issues.push({
        path: ['externalId'],
        code: 'duplicate_external_id',
        message: `external id "${externalId}" appears ${repeatedExternalId} times in the feed; every occurrence is left out`,
      });
    }
    if (seenUsername) {
      issues.push({
        path: ['username'],
        code: 'duplicate_username',
        message: `username "${username}" appeared earlier in the feed (ignoring case), in a batch already synced; this occurrence is left out`,
      });
    } else if (repeatedUsername > 1) {
      issues.push({
        path: ['username'],
        code: 'duplicate_username',
        message: `username "${username}" appears ${repeatedUsername} times in the feed (usernames are compared ignoring case, width and accent composition); every occurrence is left out`,
      });
    }
    invalid.push({ index, externalId, username, issues });
  });
  return { valid, invalid, externalIds: new Set(externalIdTimes.keys()), usernameKeys: new Set(usernameTimes.keys()) };
}

/** How many times each value appears; `null`s are left out. */
function occurrences(values: readonly (string | null)[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const value of values) if (value !== null) times.set(value, (times.get(value) ?? 0) + 1);
  return times;
}

/** A trimmed, non-empty string field of a raw entry, or `null`. */
function readKey(raw: unknown, field: 'externalId' | 'username'): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = (raw as Record<string, unknown>)[field];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
