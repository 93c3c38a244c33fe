/**
 * Maps `pg` driver and server errors to seatkeeper's typed errors, so a host
 * switches on stable codes instead of SQLSTATEs and socket errors:
 *
 * - the server cannot be reached or dropped the connection (shut down, backend
 *   terminated, idle-in-transaction or idle-session timeout) -> `StorageUnavailableError` (retry)
 * - serialization failure, deadlock, lock timeout, statement timeout or a
 *   cancelled statement -> `SerializationFailureError` (retry; nothing was written)
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
 * SQLSTATEs meaning "no usable connection": admin/crash shutdown (a terminated
 * backend is 57P01), server starting up, the server ended an idle session or a
 * transaction left idle too long (`idleInTransactionTimeout`), too many
 * connections, unknown database, authentication failed. Class 08 (connection
 * exception) is matched by prefix.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '25P03', '53300', '3D000', '28000', '28P01']);

/** SQLSTATEs after which the same transaction succeeds when simply retried, with what happened in words. */
const RETRYABLE_STATES: ReadonlyMap<string, string> = new Map([
  ['40001', 'aborted the transaction to keep it serialisable'],
  ['40P01', 'aborted the transaction to break a deadlock'],
  ['55P03', 'gave up waiting for a lock (held by another transaction longer than lockTimeout allows)'],
  ['57014', 'cancelled a statement (it ran longer than statementTimeout allows, or was cancelled by an administrator)'],
]);

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
  const retryable = RETRYABLE_STATES.get(code);
  if (retryable !== undefined) {
    return new SerializationFailureError(`PostgreSQL ${retryable} while ${doing} (${code}: ${message}).`, options);
  }
  if (code === '23505') {
    const conflict = conflictFrom(driver, options);
    if (conflict !== null) return conflict;
    if (driver.constraint === ONE_PRIMARY_AREA_INDEX) {
      return new ConfigurationRefusedError(
        'SECOND_PRIMARY_AREA',
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
