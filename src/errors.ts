/**
 * Typed errors thrown by seatkeeper.
 *
 * Expected business outcomes (no seat free, username taken) are never thrown:
 * they come back as {@link SeatRefusal} values. Errors are for bad input,
 * unknown ids and storage failures, and each carries a stable `code` a host
 * can switch on.
 *
 * @module
 */
import type { z } from 'zod';

/** Every stable error code seatkeeper throws. */
export type SeatkeeperErrorCode =
  | 'INVALID_INPUT'
  | 'UNKNOWN_AREA'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_ORGANIZATION'
  | 'NO_PRIMARY_AREA'
  | 'CONFLICT'
  | 'CONFIGURATION_REFUSED'
  | 'STORAGE_UNAVAILABLE'
  | 'SERIALIZATION_FAILURE'
  | 'STORAGE_ERROR'
  | 'STREAM_FAILED'
  | 'LDAP_BIND_REFUSED'
  | 'LDAP_UNAVAILABLE'
  | 'LDAP_SIZE_LIMIT'
  | 'LDAP_SEARCH_FAILED'
  | 'INTERNAL';

/** Options every seatkeeper error accepts. */
export interface SeatkeeperErrorOptions {
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
}

/**
 * The base class of every error seatkeeper throws. Switch on `code`, not on the
 * message: codes are stable across versions, messages may be reworded.
 *
 * @example
 * ```ts
 * try {
 *   await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary', maxUsers: -1 });
 * } catch (error) {
 *   if (error instanceof SeatkeeperError && error.code === 'INVALID_INPUT') console.log(error.message);
 * }
 * ```
 */
export class SeatkeeperError extends Error {
  /** The stable machine-readable code. */
  readonly code: SeatkeeperErrorCode;

  /**
   * @param code - the stable code
   * @param message - what went wrong and what to do about it
   * @param options - the wrapped cause, if any
   */
  constructor(code: SeatkeeperErrorCode, message: string, options: SeatkeeperErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * What kind of problem an {@link InputIssue} is: a zod issue code
 * (`invalid_type`, `too_small`, `custom`...), `invalid_encoding` for bytes that
 * are not text in the expected encoding, or one of the checks a directory feed
 * entry gets against the site: `duplicate_external_id` / `duplicate_username`
 * (twice in one feed), `system_user` (the entry names a system user, or a name reserved for one),
 * `unknown_area`, `area_not_covered` (outside the sync's areas),
 * `unknown_organization`, `username_taken` (by a user outside the directory),
 * `username_not_allowed` (a name that could pass for another: see `USERNAME_NOT_ALLOWED`).
 */
export type InputIssueCode =
  | z.core.$ZodIssueCode
  | 'invalid_encoding'
  | 'duplicate_external_id'
  | 'duplicate_username'
  | 'system_user'
  | 'unknown_area'
  | 'area_not_covered'
  | 'unknown_organization'
  | 'username_taken'
  | 'username_not_allowed';

/** One problem found while validating input; a flattened zod issue. */
export interface InputIssue {
  /** Where in the input the problem is, e.g. `['email']` or `[3, 'username']`. */
  readonly path: readonly PropertyKey[];
  /** The kind of problem, e.g. `invalid_type` or `too_small`. */
  readonly code: InputIssueCode;
  /** What is wrong, in words. */
  readonly message: string;
}

/** Input failed validation; nothing was written. `issues` lists every problem. */
export class InvalidInputError extends SeatkeeperError {
  /** Every problem found, with its path. */
  readonly issues: readonly InputIssue[];

  /**
   * @param what - what was being validated, e.g. `createUser input`
   * @param issues - the zod issues
   * @param options - the wrapped zod error
   */
  constructor(what: string, issues: readonly z.core.$ZodIssue[] | readonly InputIssue[], options: SeatkeeperErrorOptions = {}) {
    const flat = issues.map((issue) => ({ path: [...issue.path], code: issue.code, message: issue.message }));
    const detail = flat.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`).join('; ');
    super('INVALID_INPUT', `Invalid ${what}: ${detail}. Nothing was written; correct the input and try again.`, options);
    this.issues = flat;
  }
}

/** An area id was given that is not defined. Define it with `defineArea` first. */
export class UnknownAreaError extends SeatkeeperError {
  /** The id that was not found. */
  readonly areaId: string;
  /** @param areaId - the id that was not found */
  constructor(areaId: string) {
    super('UNKNOWN_AREA', `Unknown area "${areaId}". Define it with defineArea() before using it.`);
    this.areaId = areaId;
  }
}

/** A user id was given that does not exist (it may have been deleted). */
export class UnknownUserError extends SeatkeeperError {
  /** The id that was not found. */
  readonly userId: string;
  /** @param userId - the id that was not found */
  constructor(userId: string) {
    super('UNKNOWN_USER', `Unknown user "${userId}". It may have been deleted; look it up again by username.`);
    this.userId = userId;
  }
}

/** An organization id was given that is not defined in the area. */
export class UnknownOrganizationError extends SeatkeeperError {
  /** The id that was not found. */
  readonly organizationId: string;
  /**
   * @param organizationId - the id that was not found
   * @param areaId - the area it was looked for in, if any
   */
  constructor(organizationId: string, areaId?: string) {
    super(
      'UNKNOWN_ORGANIZATION',
      `Unknown organization "${organizationId}"${areaId === undefined ? '' : ` in area "${areaId}"`}. Define it with defineOrganization() first.`,
    );
    this.organizationId = organizationId;
  }
}

/**
 * A write collided with a unique key (username or externalId) in storage.
 * Repositories throw it from `insertUser` / `updateUser`; the service turns it
 * into a `USERNAME_TAKEN` refusal where that is the expected outcome.
 */
export class ConflictError extends SeatkeeperError {
  /** Which unique key collided. */
  readonly field: 'username' | 'externalId' | 'id';
  /**
   * @param field - the unique key that collided
   * @param value - the colliding value
   * @param options - the wrapped storage error
   */
  constructor(field: 'username' | 'externalId' | 'id', value: string, options: SeatkeeperErrorOptions = {}) {
    super('CONFLICT', `A user with ${field} "${value}" already exists. Usernames and external ids are unique site-wide, ignoring case.`, options);
    this.field = field;
  }
}

/**
 * The licensing rule that refused a configuration change:
 * - `OVER_ALLOCATED`: partner quotas would set aside more seats than the area has;
 * - `BELOW_USE`: a partner's quota would fall below the seats it uses;
 * - `MOVE_WITH_USERS`: an organization with profiles would move to another area;
 * - `MOVE_MORE_THAN_OWNED`: a license move takes more seats than the source area has;
 * - `MOVE_BELOW_USE`: a license move would leave the source area with fewer seats than it uses;
 * - `MOVE_BELOW_ALLOCATED`: a license move would leave fewer seats than the source area's partner quotas;
 * - `SECOND_PRIMARY_AREA`: a site has exactly one primary area;
 * - `KIND_CHANGE`: an existing area's kind (primary or extranet) never changes;
 * - `LICENSES_BELOW_USE`: `setAreaLicenses` would leave an area with fewer seats than it uses (`allowBelowUse: true` overrides);
 * - `LICENSES_BELOW_ALLOCATED`: `setAreaLicenses` would leave fewer seats than the area's partner quotas set aside (`allowBelowUse: true` overrides);
 * - `SYSTEM_USER_PROTECTED`: the SuperUser is never blocked or deleted, and no system user moves out of the primary area;
 * - `PRIMARY_AREA_RETIRED`: the primary area cannot be retired;
 * - `AREA_HAS_ORGANIZATIONS`: an area is retired only once no partner organization belongs to it.
 */
export type ConfigurationRule =
  | 'OVER_ALLOCATED'
  | 'BELOW_USE'
  | 'MOVE_WITH_USERS'
  | 'MOVE_MORE_THAN_OWNED'
  | 'MOVE_BELOW_USE'
  | 'MOVE_BELOW_ALLOCATED'
  | 'SECOND_PRIMARY_AREA'
  | 'KIND_CHANGE'
  | 'LICENSES_BELOW_USE'
  | 'LICENSES_BELOW_ALLOCATED'
  | 'SYSTEM_USER_PROTECTED'
  | 'PRIMARY_AREA_RETIRED'
  | 'AREA_HAS_ORGANIZATIONS';

/**
 * A configuration change was refused because it would break a licensing rule;
 * `rule` says which. Nothing was written. Where the message says so, an
 * override (`allowOverLimit: true`, `allowBelowUse: true`) makes the change anyway.
 */
export class ConfigurationRefusedError extends SeatkeeperError {
  /** The rule that refused the change. */
  readonly rule: ConfigurationRule;
  /**
   * @param rule - the rule that refused the change
   * @param message - what the change would break and how to proceed
   */
  constructor(rule: ConfigurationRule, message: string) {
    super('CONFIGURATION_REFUSED', message);
    this.rule = rule;
  }
}

/** The storage could not be reached (connection refused, pool closed, timeout). Retry later. */
export class StorageUnavailableError extends SeatkeeperError {
  /**
   * @param message - what could not be reached
   * @param options - the wrapped driver error
   */
  constructor(message: string, options: SeatkeeperErrorOptions = {}) {
    super('STORAGE_UNAVAILABLE', `${message} Check the database connection and retry.`, options);
  }
}

/** The database aborted a transaction to keep it serialisable, or a lock wait timed out. Nothing was written; retry. */
export class SerializationFailureError extends SeatkeeperError {
  /**
   * @param message - what was aborted
   * @param options - the wrapped driver error
   */
  constructor(message: string, options: SeatkeeperErrorOptions = {}) {
    super('SERIALIZATION_FAILURE', `${message} Nothing was written; retry the operation.`, options);
  }
}

/** Any other storage failure, wrapped so callers see a SeatkeeperError. Nothing was written. */
export class StorageError extends SeatkeeperError {
  /**
   * @param message - what failed
   * @param options - the wrapped driver error
   */
  constructor(message: string, options: SeatkeeperErrorOptions = {}) {
    super('STORAGE_ERROR', message, options);
  }
}

/** System users were asked for, but no primary area is defined. Define one first. */
export class NoPrimaryAreaError extends SeatkeeperError {
  constructor() {
    super('NO_PRIMARY_AREA', 'No primary area is defined. Call defineArea({ kind: "primary", ... }) first; system users live there.');
  }
}

/**
 * Reading or writing a stream failed (a CSV upload's stream errored, or the
 * download's writable closed or errored). `cause` is the stream's own error.
 * What was already written to the stream stays; what was read wrote nothing.
 */
export class StreamFailedError extends SeatkeeperError {
  /**
   * @param message - which stream failed and what to do
   * @param options - the stream's error
   */
  constructor(message: string, options: SeatkeeperErrorOptions = {}) {
    super('STREAM_FAILED', message, options);
  }
}

/**
 * An internal invariant of seatkeeper did not hold: a bug in seatkeeper, not a
 * problem with the input or the storage. Nothing was written. Please report it
 * with the message.
 */
export class InternalError extends SeatkeeperError {
  /** @param message - which invariant failed */
  constructor(message: string) {
    super('INTERNAL', `Internal error in seatkeeper: ${message} This is a bug; please report it.`);
  }
}
