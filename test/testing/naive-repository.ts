import { InMemorySeatRepository } from '../../src/index.js';
import type { SeatTransaction, TransactionScope } from '../../src/index.js';

/**
 * A deliberately broken repository: the in-memory one with transactions that
 * lock nothing, so a seat check and the insert after it are not atomic. Every
 * transaction still commits all-or-nothing; it is only the per-area exclusion
 * that is missing, the mistake of a naive check-then-insert store.
 */
export class NaiveSeatRepository extends InMemorySeatRepository {
  override transaction<T>(_scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    return super.transaction({ areaIds: [] }, work);
  }
}
