/**
 * Loading a package only some commands need (a database driver, the LDAP
 * client, the progress bar), with a clear message when it is not installed.
 *
 * @module
 */
import { CliError, EXIT } from './exit-codes.js';

/**
 * Loads an optional package, or fails with the command to install it.
 *
 * @param load - the dynamic import
 * @param name - the package to install when it is missing
 * @param what - who needs it, e.g. `PostgreSQL URLs need`
 * @param specifier - what is imported, when not the package itself (e.g. `mysql2/promise`)
 * @throws CliError (exit 1) naming the package when it is not installed
 */
export async function loadOptional<T>(load: () => Promise<T>, name: string, what: string, specifier = name): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { readonly code?: unknown }).code;
    const message = (error as { readonly message?: unknown }).message;
    const missing = typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`'${specifier}'`));
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing) {
      throw new CliError(EXIT.REFUSED, `${what} the ${name} package, which is not installed.`, { hint: `npm install ${name}`, cause: error });
    }
    throw error;
  }
}
