/**
 * Checking connections out of the host's `pg.Pool`. A checked-out `pg` client
 * that loses its connection (the server terminated its backend, a network
 * cut, an idle-in-transaction timeout) emits `'error'`; the pool listens only
 * while the client is idle, and an `'error'` event nobody listens to crashes
 * the host process. So every connection seatkeeper checks out has a listener
 * for exactly as long as it is out, and a connection that broke is discarded
 * instead of going back to the pool.
 */
import type { Pool, PoolClient } from 'pg';
import { SeatkeeperError, StorageUnavailableError } from '../../errors.js';
import { toSeatkeeperError } from './errors.js';

/** A connection checked out of the pool, with an error listener until it is released. */
export class CheckedOutConnection {
  /** The client; statements run on it. */
  readonly client: PoolClient;
  #lost: Error | undefined;
  readonly #onError = (error: Error): void => {
    this.#lost ??= error;
  };

  /** @param client - a client just checked out of the pool */
  constructor(client: PoolClient) {
    this.client = client;
    client.on('error', this.#onError);
  }

  /** The error the connection was lost with, if it was. */
  get lost(): Error | undefined {
    return this.#lost;
  }

  /**
   * The error to throw for a failure on this connection: when the connection
   * was lost, the typed error of the loss itself (its SQLSTATE says why:
   * terminated, idle-in-transaction timeout), since a statement after the loss
   * only reports that the client is no longer queryable.
   *
   * @param error - what the failing statement threw
   * @param doing - what was being done, in words
   */
  failure(error: unknown, doing: string): unknown {
    if (this.#lost === undefined || !(error instanceof StorageUnavailableError || !(error instanceof SeatkeeperError))) return error;
    return toSeatkeeperError(this.#lost, doing);
  }

  /**
   * Gives the connection back to the pool, or has the pool discard it when it
   * was lost or `discard` is set (a failure left it in an unknown state).
   *
   * @param discard - discard it even though no error was seen on it
   */
  release(discard = false): void {
    this.client.off('error', this.#onError);
    this.client.release(this.#lost ?? (discard ? true : undefined));
  }
}

/**
 * Checks a connection out of the pool, with its error listener in place.
 *
 * @param pool - the host's pool
 * @throws StorageUnavailableError when no connection can be had
 */
export async function checkOut(pool: Pool): Promise<CheckedOutConnection> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toSeatkeeperError(error, 'connecting');
  }
  return new CheckedOutConnection(client);
}
