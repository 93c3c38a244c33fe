/**
 * A connection checked out of the host's pool for a transaction, the outbox
 * claim or a migration: it has an `error` listener for as long as seatkeeper
 * holds it (a connection cut while idle in a transaction emits `error`, and
 * an unheard `error` would crash the host), and it goes back to the pool
 * unless it broke, in which case it is destroyed instead of being reused.
 */
import type { Pool, PoolConnection } from 'mysql2/promise';
import { toSeatkeeperError } from './errors.js';

/** A checked-out connection and what became of it. */
export class CheckedOutConnection {
  /** The connection; statements run on it with `select` and `write`. */
  readonly connection: PoolConnection;
  #broken: unknown;
  #released = false;
  readonly #onError = (error: unknown) => {
    this.#broken ??= error ?? new Error('The connection reported an error.');
  };

  private constructor(connection: PoolConnection) {
    this.connection = connection;
    connection.on('error', this.#onError);
  }

  /**
   * Checks out a connection, mapping a refused or timed-out connect to
   * `StorageUnavailableError`.
   *
   * @param pool - the host's pool
   * @param doing - what the connection is for, used in error messages
   */
  static async take(pool: Pool, doing: string): Promise<CheckedOutConnection> {
    try {
      return new CheckedOutConnection(await pool.getConnection());
    } catch (error) {
      throw toSeatkeeperError(error, doing);
    }
  }

  /** Marks the connection unfit for reuse: `release()` then destroys it. */
  discard(reason: unknown): void {
    this.#broken ??= reason ?? new Error('The connection was discarded.');
  }

  /** Rolls back whatever is open on the connection; if even that fails, the connection is discarded. */
  async rollback(): Promise<void> {
    if (this.#broken !== undefined) return;
    await this.connection.query('ROLLBACK').catch((error: unknown) => this.discard(error));
  }

  /** Gives the connection back to the pool, or destroys it when it broke. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.connection.off('error', this.#onError);
    if (this.#broken === undefined) this.connection.release();
    else this.connection.destroy();
  }
}
