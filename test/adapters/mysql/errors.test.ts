import { describe, expect, it } from 'vitest';
import { toSeatkeeperError } from '../../../src/adapters/mysql/errors.js';
import { ConflictError, SerializationFailureError, StorageError, StorageUnavailableError, UnknownAreaError } from '../../../src/index.js';

/** A driver error as `mysql2` builds them: an Error with code, errno, sqlState and sqlMessage. */
function mysqlError(code: string, errno: number | undefined, message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...(errno === undefined ? {} : { errno, sqlMessage: message }), ...fields });
}

describe('mapping mysql2 errors to typed errors', () => {
  it.each([
    ['ECONNREFUSED', undefined, 'connect ECONNREFUSED 127.0.0.1:3306'],
    ['ECONNRESET', undefined, 'read ECONNRESET'],
    ['ETIMEDOUT', undefined, 'connect ETIMEDOUT'],
    ['ENOTFOUND', undefined, 'getaddrinfo ENOTFOUND db'],
    ['PROTOCOL_CONNECTION_LOST', undefined, 'Connection lost: The server closed the connection.'],
    ['ER_CON_COUNT_ERROR', 1040, 'Too many connections'],
    ['ER_ACCESS_DENIED_ERROR', 1045, "Access denied for user 'app'@'10.0.0.2'"],
    ['ER_BAD_DB_ERROR', 1049, "Unknown database 'nope'"],
    ['ER_SERVER_SHUTDOWN', 1053, 'Server shutdown in progress'],
    ['ER_OPTION_PREVENTS_STATEMENT', 1290, 'The MariaDB server is running with the --read-only option so it cannot execute this statement'],
    ['ER_CONNECTION_KILLED', 1927, 'Connection was killed'],
  ])('%s is StorageUnavailableError', (code, errno, message) => {
    const cause = mysqlError(code, errno, message);
    const error = toSeatkeeperError(cause, 'reading an area');
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('reading an area');
  });

  it.each(['Pool is closed.', "Can't add new command when connection is in closed state"])('the mysql2 message "%s" is StorageUnavailableError', (message) => {
    expect(toSeatkeeperError(new Error(message), 'committing')).toBeInstanceOf(StorageUnavailableError);
  });

  it('any fatal driver error (the connection is gone) is StorageUnavailableError', () => {
    expect(toSeatkeeperError(mysqlError('PROTOCOL_PACKETS_OUT_OF_ORDER', undefined, 'Packets out of order', { fatal: true }), 'x')).toBeInstanceOf(StorageUnavailableError);
  });

  it.each([
    ['ER_LOCK_WAIT_TIMEOUT', 1205, 'Lock wait timeout exceeded; try restarting transaction'],
    ['ER_LOCK_DEADLOCK', 1213, 'Deadlock found when trying to get lock; try restarting transaction'],
    ['ER_CHECKREAD', 1020, "Record has changed since last read in table 'seatkeeper_users'"],
    ['ER_LOCK_NOWAIT', 3572, 'Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set.'],
  ])('%s is SerializationFailureError: retry', (code, errno, message) => {
    const error = toSeatkeeperError(mysqlError(code, errno, message), 'locking areas');
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error.code).toBe('SERIALIZATION_FAILURE');
  });

  it.each([
    ["Duplicate entry 'alice' for key 'username_key'", 'username', 'alice'],
    ["Duplicate entry 'alice' for key 'seatkeeper_users.username_key'", 'username', 'alice'],
    ["Duplicate entry 'ad-1' for key 'external_id'", 'externalId', 'ad-1'],
    ["Duplicate entry 'ad-1' for key 'app_users.external_id'", 'externalId', 'ad-1'],
    ["Duplicate entry 'u1' for key 'PRIMARY'", 'id', 'u1'],
    ["Duplicate entry 'o'brien' for key 'seatkeeper_users.PRIMARY'", 'id', "o'brien"],
  ])('"%s" in a statement writing users is a ConflictError on %s (MariaDB and MySQL 8 spellings)', (message, field, value) => {
    const error = toSeatkeeperError(mysqlError('ER_DUP_ENTRY', 1062, message), 'inserting users', { writesUsers: true });
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).field).toBe(field);
    expect(error.message).toContain(`"${value}"`);
  });

  it('a privilege refused on a statement (CREATE, TRIGGER, SUPER with binary logging) is a StorageError, not an outage', () => {
    for (const [code, errno, message] of [
      ['ER_TABLEACCESS_DENIED_ERROR', 1142, "CREATE command denied to user 'app'@'%' for table 'seatkeeper_areas'"],
      ['ER_DBACCESS_DENIED_ERROR', 1044, "Access denied for user 'app'@'%' to database 'seatkeeper'"],
      ['ER_BINLOG_CREATE_ROUTINE_NEED_SUPER', 1419, 'You do not have the SUPER privilege and binary logging is enabled (you *might* want to use the less safe log_bin_trust_function_creators variable)'],
    ] as const) {
      const error = toSeatkeeperError(mysqlError(code, errno, message), 'migrating to version 1');
      expect(error.code).toBe('STORAGE_ERROR');
      expect(error.message).toContain(message);
    }
  });

  it('a duplicate key elsewhere (the outbox, a key that is not a user key) is a StorageError', () => {
    const outbox = toSeatkeeperError(mysqlError('ER_DUP_ENTRY', 1062, "Duplicate entry 'n1' for key 'PRIMARY'"), 'enqueueing a notification');
    expect(outbox).toBeInstanceOf(StorageError);
    expect(outbox.code).toBe('STORAGE_ERROR');
    const other = toSeatkeeperError(mysqlError('ER_DUP_ENTRY', 1062, "Duplicate entry 'x' for key 'seq'"), 'inserting users', { writesUsers: true });
    expect(other.code).toBe('STORAGE_ERROR');
  });

  it('a missing table is a StorageError that says to run migrate()', () => {
    const error = toSeatkeeperError(mysqlError('ER_NO_SUCH_TABLE', 1146, "Table 'app.seatkeeper_areas' doesn't exist"), 'locking areas');
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toMatch(/migrate\(\)/);
  });

  it('any other failure is a StorageError keeping the cause; seatkeeper errors pass through unchanged', () => {
    const cause = mysqlError('ER_CONSTRAINT_FAILED', 4025, 'CONSTRAINT `max_users` failed for `app`.`seatkeeper_areas`');
    const error = toSeatkeeperError(cause, 'writing an area');
    expect(error).toBeInstanceOf(StorageError);
    expect(error.cause).toBe(cause);
    expect(toSeatkeeperError('a string', 'x')).toBeInstanceOf(StorageError);
    const own = new UnknownAreaError('a');
    expect(toSeatkeeperError(own, 'x')).toBe(own);
  });
});
