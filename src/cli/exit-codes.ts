/**
 * The exit codes scripts can rely on, and which failure gets which.
 *
 * @module
 */
import { SeatkeeperError } from 'seatkeeper';

/** The exit codes of the `seatkeeper` command. */
export const EXIT = Object.freeze({
  /** Done. */
  OK: 0,
  /** Refused or invalid: a refusal, invalid input, a CSV with errors, a diagnosis with errors, a failed operation. */
  REFUSED: 1,
  /** Usage: an unknown command or option, a missing or malformed argument. */
  USAGE: 2,
  /** The database (or the LDAP directory) could not be reached or was busy; nothing was written; retry later. */
  UNAVAILABLE: 3,
});

/** An exit code of the `seatkeeper` command. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The `--help` epilog that lists them. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  refused or invalid: a seat refused, invalid input, a CSV with errors,
     diagnose findings of severity error, any other failure
  2  usage: unknown command or option, missing or malformed argument
  3  the database (or LDAP directory) is unreachable or busy: nothing was
     written, retry later`;

/** A failure of the command line itself, with the exit code it ends with. */
export class CliError extends Error {
  /** The exit code. */
  readonly exitCode: ExitCode;
  /** A line of advice printed after the message, if any. */
  readonly hint: string | undefined;

  /**
   * @param exitCode - the exit code
   * @param message - what went wrong
   * @param options - advice to print after it, and the cause
   */
  constructor(exitCode: ExitCode, message: string, options: { readonly hint?: string; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Error codes after which retrying later can succeed: nothing was written. */
const RETRY_LATER = new Set<string>(['STORAGE_UNAVAILABLE', 'SERIALIZATION_FAILURE', 'LDAP_UNAVAILABLE']);

/** Socket errors of a server that cannot be reached, should one arrive unwrapped. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * The exit code a failure ends the command with.
 *
 * @param error - what was thrown
 * @returns 3 for an unreachable or busy database or directory, the error's own code for a {@link CliError}, else 1
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof SeatkeeperError) return RETRY_LATER.has(error.code) ? EXIT.UNAVAILABLE : EXIT.REFUSED;
  const code = (error as { readonly code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return EXIT.UNAVAILABLE;
  return EXIT.REFUSED;
}
