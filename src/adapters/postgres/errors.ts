/**
 * Maps `pg` driver and server errors to seatkeeper's typed errors, so a host
 * switches on stable codes instead of SQLSTATEs and socket errors:
 *
 * - the server cannot be reached or dropped the connection -> `StorageUnavailableError`
 * - serialization failure, deadlock, lock timeout -> `SerializationFailureError` (retry)
 * - a unique key of users collided -> `ConflictError` naming the key
 * - a second primary area -> `ConfigurationRefusedError`
 * - anything else -> `StorageError`
 */
import {
  ConfigurationRefusedError,
  ConflictError,
  SeatkeeperError,
  SerializationFailureError,
  StorageError,
  StorageUnavailableError,
} from '../../errors.js';
import { ONE_PRIMARY_AREA_INDEX, USER_UNIQUE_INDEXES } from './tables.js';

/** Socket-level error codes Node reports when the server is unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * SQLSTATEs meaning "no usable connection": admin/crash shutdown, server
 * starting up, too many connections, unknown database, authentication failed.
 * Class 08 (connection exception) is matched by prefix.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '28000', '28P01']);

/** SQLSTATEs after which the same transaction succeeds when simply retried. */
const RETRYABLE_STATES = new Set(['40001', '40P01', '55P03']);

/** Messages `pg` and `pg-pool` use for a connection that is gone or was never made. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /not queryable/i,
  /cannot use a pool after calling end/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
];

/** The fields of a `pg` error this mapping reads. */
interface DriverError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly constraint?: unknown;
  readonly detail?: unknown;
}

/**
 * Turns anything a `pg` call threw into a {@link SeatkeeperError}. Errors that
 * already are one pass through unchanged.
 *
 * @param error - what was thrown
 * @param doing - what was being done, e.g. `inserting users`
 * @returns the typed error, with the original as `cause`
 */
export function toSeatkeeperError(error: unknown, doing: string): SeatkeeperError {
  if (error instanceof SeatkeeperError) return error;
  const driver: DriverError = typeof error === 'object' && error !== null ? error : {};
  const code = typeof driver.code === 'string' ? driver.code : '';
  const message = typeof driver.message === 'string' ? driver.message : String(error);
  const options = { cause: error };

  if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08') || UNAVAILABLE_MESSAGES.some((m) => m.test(message))) {
    return new StorageUnavailableError(`PostgreSQL was not available while ${doing} (${code === '' ? message : `${code}: ${message}`}).`, options);
  }
  if (RETRYABLE_STATES.has(code)) {
    return new SerializationFailureError(`PostgreSQL aborted the transaction while ${doing} (${code}: ${message}).`, options);
  }
  if (code === '23505') {
    const conflict = conflictFrom(driver, options);
    if (conflict !== null) return conflict;
    if (driver.constraint === ONE_PRIMARY_AREA_INDEX) {
      return new ConfigurationRefusedError(
        `There is already a primary area (the database refused a second one while ${doing}, perhaps defined by another server at the same moment); a site has exactly one. Define this area as an extranet area.`,
      );
    }
  }
  if (code === '42P01') {
    return new StorageError(`A seatkeeper table is missing while ${doing} (${message}). Run repository.migrate() first.`, options);
  }
  return new StorageError(`PostgreSQL failed while ${doing} (${code === '' ? message : `${code}: ${message}`}).`, options);
}

/** The ConflictError for a unique violation on a users index, or `null` for any other constraint. */
function conflictFrom(driver: DriverError, options: { cause: unknown }): ConflictError | null {
  const constraint = typeof driver.constraint === 'string' ? driver.constraint : '';
  const field =
    constraint === USER_UNIQUE_INDEXES.username
      ? 'username'
      : constraint === USER_UNIQUE_INDEXES.externalId
        ? 'externalId'
        : constraint === USER_UNIQUE_INDEXES.id
          ? 'id'
          : null;
  if (field === null) return null;
  // detail reads `Key (username_key)=(alice) already exists.`
  const detail = typeof driver.detail === 'string' ? driver.detail : '';
  const value = /\)=\((.*)\) already exists/s.exec(detail)?.[1] ?? '(unknown)';
  return new ConflictError(field, value, options);
}
