/**
 * Maps `mysql2` driver and server errors to seatkeeper's typed errors, so a
 * host switches on stable codes instead of error numbers and socket errors:
 *
 * - the server cannot be reached, dropped the connection, or cannot take
 *   writes (read-only after a failover) -> `StorageUnavailableError`
 * - lock wait timeout (1205), deadlock (1213), a row changed since the
 *   snapshot (1020), a NOWAIT lock refused (3572) -> `SerializationFailureError` (retry)
 * - a unique key of users collided (1062), in a statement that writes users
 *   -> `ConflictError` naming the key
 * - anything else -> `StorageError`
 */
import { ConfigurationRefusedError, ConflictError, SeatkeeperError, SerializationFailureError, StorageError, StorageUnavailableError } from '../../errors.js';
import { ONE_PRIMARY_AREA_KEY, USER_UNIQUE_KEYS } from './tables.js';

/** Socket-level and `mysql2` error codes meaning the server is unreachable or the connection is gone. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'PROTOCOL_ENQUEUE_HANDSHAKE_TWICE',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/**
 * Server error numbers meaning "no usable connection": too many connections
 * (1040), access denied at login (1045), unknown database (1049), shutdown in
 * progress (1053), aborted connection (1152), network errors (1158-1161),
 * connection killed (1927 MariaDB, 3169 MySQL), the server is read-only, as a
 * replica is after a failover (1290, 1836), and the client's own codes for a
 * lost server (2002, 2003, 2006, 2013).
 */
const UNAVAILABLE_ERRNOS = new Set([1040, 1045, 1049, 1053, 1152, 1158, 1159, 1160, 1161, 1290, 1836, 1927, 2002, 2003, 2006, 2013, 3169, 4031]);

/** Server error numbers after which the same transaction succeeds when simply retried. */
const RETRYABLE_ERRNOS = new Set([1020, 1205, 1213, 3572]);

/** Duplicate-key error numbers: `ER_DUP_ENTRY` and `ER_DUP_ENTRY_WITH_KEY_NAME`. */
const DUPLICATE_ERRNOS = new Set([1062, 1586]);

/** Messages `mysql2` uses, without a code, for a pool or connection that is gone. */
const UNAVAILABLE_MESSAGES = [/pool is closed/i, /closed state/i, /connection lost/i, /queue limit reached/i];

/** The fields of a `mysql2` error this mapping reads. */
interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly message?: unknown;
  readonly sqlMessage?: unknown;
  readonly fatal?: unknown;
}

/** What the failed statement was, beyond its description. */
export interface ErrorContext {
  /**
   * The statement wrote users: a duplicate key on one of their unique keys is
   * a `ConflictError`. Elsewhere (the outbox, the history) it is a `StorageError`.
   */
  readonly writesUsers?: boolean;
}

/**
 * Turns anything a `mysql2` call threw into a {@link SeatkeeperError}. Errors
 * that already are one pass through unchanged.
 *
 * @param error - what was thrown
 * @param doing - what was being done, e.g. `inserting users`
 * @param context - whether the statement wrote users
 * @returns the typed error, with the original as `cause`
 */
export function toSeatkeeperError(error: unknown, doing: string, context: ErrorContext = {}): SeatkeeperError {
  if (error instanceof SeatkeeperError) return error;
  const driver: DriverError = typeof error === 'object' && error !== null ? error : {};
  const code = typeof driver.code === 'string' ? driver.code : '';
  const errno = typeof driver.errno === 'number' ? driver.errno : 0;
  const message = typeof driver.sqlMessage === 'string' ? driver.sqlMessage : typeof driver.message === 'string' ? driver.message : String(error);
  const label = code === '' ? message : errno === 0 ? `${code}: ${message}` : `${code} ${errno}: ${message}`;
  const options = { cause: error };

  if (RETRYABLE_ERRNOS.has(errno)) {
    return new SerializationFailureError(`MySQL aborted the work while ${doing} (${label}).`, options);
  }
  if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_ERRNOS.has(errno) || driver.fatal === true || UNAVAILABLE_MESSAGES.some((m) => m.test(message))) {
    return new StorageUnavailableError(`MySQL was not available while ${doing} (${label}).`, options);
  }
  if (DUPLICATE_ERRNOS.has(errno) && context.writesUsers === true) {
    const conflict = conflictFrom(message, options);
    if (conflict !== null) return conflict;
  }
  if (DUPLICATE_ERRNOS.has(errno) && new RegExp(`for key '(?:[^']*\\.)?${ONE_PRIMARY_AREA_KEY}'`).test(message)) {
    return new ConfigurationRefusedError(
      'SECOND_PRIMARY_AREA',
      `There is already a primary area (the database refused a second one while ${doing}, perhaps defined by another server at the same moment); a site has exactly one. Define this area as an extranet area.`,
    );
  }
  if (errno === 1146) {
    return new StorageError(`A seatkeeper table is missing while ${doing} (${message}). Run repository.migrate() first.`, options);
  }
  return new StorageError(`MySQL failed while ${doing} (${label}).`, options);
}

/**
 * The ConflictError for a duplicate entry on a users key, or `null` for any
 * other key. The message reads `Duplicate entry 'alice' for key 'username_key'`
 * (MariaDB) or `... for key 'seatkeeper_users.username_key'` (MySQL 8).
 */
function conflictFrom(message: string, options: { cause: unknown }): ConflictError | null {
  const match = /Duplicate entry '(.*)' for key '(?:[^']*\.)?([^'.]+)'/s.exec(message);
  if (match === null) return null;
  const [, value = '(unknown)', key] = match;
  const field = key === USER_UNIQUE_KEYS.username ? 'username' : key === USER_UNIQUE_KEYS.externalId ? 'externalId' : key === USER_UNIQUE_KEYS.id ? 'id' : null;
  return field === null ? null : new ConflictError(field, value, options);
}

