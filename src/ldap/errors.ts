/**
 * The typed errors `seatkeeper/ldap` throws, one stable `code` each. An entry
 * the reader cannot map is not an error: it is reported in `skipped` and the
 * rest of the directory is read.
 *
 * @module
 */
import { SeatkeeperError, type SeatkeeperErrorOptions } from '../errors.js';

/** What every LDAP error carries besides its code. */
export interface LdapErrorOptions extends SeatkeeperErrorOptions {
  /** The LDAP result code the server answered with (49 for invalid credentials), when it answered one. */
  readonly resultCode?: number | undefined;
}

/**
 * The server refused the bind: wrong DN or password (result code 49), an
 * account that may not bind, or a server that wants TLS or another
 * authentication method first. Nothing was read.
 */
export class LdapBindError extends SeatkeeperError {
  /** The LDAP result code of the refusal, e.g. 49 (invalidCredentials). */
  readonly resultCode: number | undefined;
  /**
   * @param message - who could not bind and what to check
   * @param options - the result code and the ldapts error
   */
  constructor(message: string, options: LdapErrorOptions = {}) {
    super('LDAP_BIND_REFUSED', message, options);
    this.resultCode = options.resultCode;
  }
}

/**
 * The directory server could not be reached or dropped the connection: refused
 * or timed-out connection, unknown host, failed TLS handshake, a busy or
 * unavailable server. Nothing should be synced from a read that failed; retry later.
 */
export class LdapUnavailableError extends SeatkeeperError {
  /** The LDAP result code (51 busy, 52 unavailable) when the server answered one; `undefined` for network errors. */
  readonly resultCode: number | undefined;
  /**
   * @param message - what could not be reached
   * @param options - the result code, if any, and the underlying error
   */
  constructor(message: string, options: LdapErrorOptions = {}) {
    super('LDAP_UNAVAILABLE', message, options);
    this.resultCode = options.resultCode;
  }
}

/**
 * The server stopped the search at its size limit (result code 4, or 11 for an
 * administrative limit): the entries read are not the whole directory, so they
 * must not be synced as if they were. Paged search is on by default; this
 * means the server ignores it or caps paged searches for the bound account
 * (OpenLDAP: `limits ... size.prtotal`). `entriesRead` says how far it got.
 */
export class LdapSizeLimitError extends SeatkeeperError {
  /** The LDAP result code (4 sizeLimitExceeded or 11 adminLimitExceeded). */
  readonly resultCode: number | undefined;
  /** How many entries were read before the server stopped. */
  readonly entriesRead: number;
  /**
   * @param message - what stopped and what to change
   * @param entriesRead - entries read before the limit
   * @param options - the result code and the ldapts error
   */
  constructor(message: string, entriesRead: number, options: LdapErrorOptions = {}) {
    super('LDAP_SIZE_LIMIT', message, options);
    this.resultCode = options.resultCode;
    this.entriesRead = entriesRead;
  }
}

/**
 * The server refused the search or a group read for another reason: a base DN
 * or placement group that does not exist (result code 32), a filter the server
 * rejects, insufficient access, a time limit. `resultCode` says which.
 */
export class LdapSearchError extends SeatkeeperError {
  /** The LDAP result code, e.g. 32 (noSuchObject). */
  readonly resultCode: number | undefined;
  /**
   * @param message - what was refused and what to check
   * @param options - the result code and the ldapts error
   */
  constructor(message: string, options: LdapErrorOptions = {}) {
    super('LDAP_SEARCH_FAILED', message, options);
    this.resultCode = options.resultCode;
  }
}
