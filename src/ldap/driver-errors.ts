/**
 * Turns what ldapts throws into the typed errors of `seatkeeper/ldap`, so a
 * host switches on stable codes instead of LDAP result codes and socket errors.
 * ldapts throws a `ResultCodeError` subclass (with a numeric `code`) when the
 * server answered with an error, and plain errors for the connection.
 */
import { SeatkeeperError } from '../errors.js';
import { LdapBindError, LdapSearchError, LdapSizeLimitError, LdapUnavailableError } from './errors.js';

/** busy, unavailable, unwillingToPerform is not here: that is a refusal, not an outage. */
const UNAVAILABLE_RESULT_CODES = new Set([51, 52]);
/** sizeLimitExceeded, adminLimitExceeded. */
const SIZE_LIMIT_RESULT_CODES = new Set([4, 11]);

/** Node's codes for a certificate the TLS handshake refused. */
const TLS_ERROR_CODE = /CERT|SELF_SIGNED|HOSTNAME|ALTNAME|ERR_TLS|ERR_SSL/;

/** The LDAP result code of an error ldapts threw for a server answer, else `undefined`. */
export function ldapResultCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}

function describe(error: unknown, resultCode: number | undefined): string {
  if (!(error instanceof Error)) return String(error);
  // ldapts names the result (InvalidCredentialsError) and adds " Code: 0x31" to the server's message, often empty.
  if (resultCode !== undefined) {
    const message = error.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
    return `${error.name}, result code ${resultCode}${message === '' ? '' : `: ${message}`}`;
  }
  const code = (error as { code?: unknown }).code;
  // Node socket errors carry a string code (ECONNREFUSED).
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/** The server, and the DN the failing operation was about (the bind DN, the base DN, a group). */
export interface LdapErrorContext {
  readonly server: string;
  readonly subject?: string;
}

/** Where the error happened, to choose the error class and word the message. */
export type LdapStep = 'connect' | 'bind' | 'search' | 'groups';

/**
 * The typed error for what ldapts threw.
 *
 * @param error - what was thrown
 * @param step - what was being done
 * @param context - the server's URL and the DN concerned, for the message
 * @param entriesRead - entries read so far (for a size limit)
 */
export function toLdapError(error: unknown, step: LdapStep, { server, subject = '' }: LdapErrorContext, entriesRead = 0): SeatkeeperError {
  if (error instanceof SeatkeeperError) return error;
  const resultCode = ldapResultCode(error);
  const detail = describe(error, resultCode);
  const options = { cause: error, resultCode };
  // A refused StartTLS is a transport problem too: nothing was sent in the clear.
  if (resultCode === undefined || UNAVAILABLE_RESULT_CODES.has(resultCode) || step === 'connect') {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && TLS_ERROR_CODE.test(code)) {
      return new LdapUnavailableError(
        `The TLS connection to the LDAP server at ${server} failed (${detail}). Check tlsOptions (ca for a private certificate authority) and that the certificate names the URL's host.`,
        options,
      );
    }
    return new LdapUnavailableError(
      `The LDAP server at ${server} could not be reached while ${doing(step)} (${detail}). Check the URL, the network and the TLS options, then retry.`,
      options,
    );
  }
  if (step === 'bind') {
    return new LdapBindError(
      `The LDAP server at ${server} refused the bind as "${subject}" (${detail}). Check the bind DN and password, and whether the server requires TLS (startTLS or ldaps://).`,
      options,
    );
  }
  if (SIZE_LIMIT_RESULT_CODES.has(resultCode)) {
    return new LdapSizeLimitError(
      `The LDAP server at ${server} stopped the search of "${subject}" at its size limit after ${entriesRead} entries (${detail}). The entries read are not the whole directory: nothing should be synced from them. Allow paged searches beyond the limit for the bound account (OpenLDAP: limits ... size.prtotal=unlimited) or narrow baseDN / filter.`,
      entriesRead,
      options,
    );
  }
  return new LdapSearchError(
    `The LDAP server at ${server} refused ${step === 'groups' ? 'to read the placement group' : 'the search of'} "${subject}" (${detail}). Check that it exists and that the bound account may read it.`,
    options,
  );
}

function doing(step: LdapStep): string {
  switch (step) {
    case 'connect':
      return 'connecting (StartTLS included)';
    case 'bind':
      return 'binding';
    case 'search':
      return 'searching';
    case 'groups':
      return 'reading the placement group';
  }
}
