import { describe, expect, it } from 'vitest';
import { toSeatkeeperError } from '../../../src/adapters/postgres/errors.js';
import {
  ConfigurationRefusedError,
  ConflictError,
  SerializationFailureError,
  StorageError,
  StorageUnavailableError,
  UnknownAreaError,
} from '../../../src/index.js';

/** A driver error as `pg` builds them: an Error with SQLSTATE and fields. */
function pgError(code: string, message: string, fields: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { code, ...fields });
}

describe('mapping pg errors to typed errors', () => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['ECONNRESET', 'read ECONNRESET'],
    ['ETIMEDOUT', 'connect ETIMEDOUT'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['08001', 'could not establish connection'],
    ['53300', 'sorry, too many clients already'],
    ['3D000', 'database "nope" does not exist'],
    ['28P01', 'password authentication failed'],
    ['25P03', 'terminating connection due to idle-in-transaction timeout'],
    ['57P05', 'terminating connection due to idle-session timeout'],
  ])('%s is StorageUnavailableError', (code, message) => {
    const cause = pgError(code, message);
    const error = toSeatkeeperError(cause, 'reading an area');
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('reading an area');
  });

  it.each(['Connection terminated unexpectedly', 'Cannot use a pool after calling end on the pool', 'timeout exceeded when trying to connect', 'Client has encountered a connection error and is not queryable'])(
    'the pg message "%s" is StorageUnavailableError',
    (message) => {
      expect(toSeatkeeperError(new Error(message), 'committing')).toBeInstanceOf(StorageUnavailableError);
    },
  );

  it.each([
    ['40001', 'could not serialize access due to concurrent update'],
    ['40P01', 'deadlock detected'],
    ['55P03', 'canceling statement due to lock timeout'],
    ['57014', 'canceling statement due to statement timeout'],
    ['57014', 'canceling statement due to user request'],
  ])('%s (%s) is SerializationFailureError: retry', (code, message) => {
    const error = toSeatkeeperError(pgError(code, message), 'locking areas');
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error.code).toBe('SERIALIZATION_FAILURE');
  });

  it.each([
    ['seatkeeper_users_username_key', 'Key (username_key)=(alice) already exists.', 'username', 'alice'],
    ['seatkeeper_users_external_id_key', 'Key (external_id)=(ad-1) already exists.', 'externalId', 'ad-1'],
    ['seatkeeper_users_pkey', 'Key (id)=(u1) already exists.', 'id', 'u1'],
  ])('a unique violation on %s is a ConflictError naming the key', (constraint, detail, field, value) => {
    const error = toSeatkeeperError(pgError('23505', 'duplicate key value violates unique constraint', { constraint, detail }), 'inserting users');
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).field).toBe(field);
    expect(error.message).toContain(`"${value}"`);
  });

  it('a unique violation on the one-primary-area index is ConfigurationRefusedError: a site has exactly one primary area', () => {
    const error = toSeatkeeperError(pgError('23505', 'duplicate key value violates unique constraint', { constraint: 'seatkeeper_areas_one_primary' }), 'writing area "b"');
    expect(error).toBeInstanceOf(ConfigurationRefusedError);
    expect(error).toMatchObject({ code: 'CONFIGURATION_REFUSED', rule: 'SECOND_PRIMARY_AREA' });
    expect(error.message).toMatch(/already a primary area.*writing area "b".*extranet/);
  });

  it('a unique violation on a constraint that is not a user key is a StorageError', () => {
    const error = toSeatkeeperError(pgError('23505', 'duplicate key', { constraint: 'seatkeeper_outbox_pkey' }), 'enqueueing a notification');
    expect(error).toBeInstanceOf(StorageError);
    expect(error.code).toBe('STORAGE_ERROR');
  });

  it('a missing table is a StorageError that says to run migrate()', () => {
    const error = toSeatkeeperError(pgError('42P01', 'relation "seatkeeper_areas" does not exist'), 'locking areas');
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toMatch(/migrate\(\)/);
  });

  it('any other failure is a StorageError keeping the cause; seatkeeper errors pass through unchanged', () => {
    const cause = pgError('23514', 'new row violates check constraint');
    const error = toSeatkeeperError(cause, 'writing an area');
    expect(error).toBeInstanceOf(StorageError);
    expect(error.cause).toBe(cause);
    expect(toSeatkeeperError('a string', 'x')).toBeInstanceOf(StorageError);
    const own = new UnknownAreaError('a');
    expect(toSeatkeeperError(own, 'x')).toBe(own);
  });
});
