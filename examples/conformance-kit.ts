/**
 * The repository conformance kit without a test runner: run every check of
 * seatkeeper/testing against a repository and print what passed. Here the
 * in-memory repository passes them all, and a naive one, whose transactions
 * do not lock their area, fails the races.
 *
 * Run: npx tsx examples/conformance-kit.ts
 */
import { InMemorySeatRepository, type SeatTransaction, type TransactionScope } from 'seatkeeper';
import { runSeatRepositoryChecks } from 'seatkeeper/testing';

/** Check-then-insert without a lock: the classic overselling mistake. */
class NaiveRepository extends InMemorySeatRepository {
  override transaction<T>(_scope: TransactionScope, work: (tx: SeatTransaction) => Promise<T>): Promise<T> {
    return super.transaction({ areaIds: [] }, work);
  }
}

for (const [name, make] of [
  ['InMemorySeatRepository', () => new InMemorySeatRepository()],
  ['a naive check-then-insert repository', () => new NaiveRepository()],
] as const) {
  const results = await runSeatRepositoryChecks(make);
  const failed = results.filter((r) => !r.ok);
  console.log(`${name}: ${results.length - failed.length} of ${results.length} checks passed`);
  for (const r of failed) console.log(`  FAILED ${r.check.group}: ${r.check.name}`);
  // The reference passes everything; the naive one fails the races and nothing else.
  const asExpected = name === 'InMemorySeatRepository' ? failed.length === 0 : failed.length > 0 && failed.every((r) => r.check.group === 'concurrency');
  if (!asExpected) process.exit(1);
}
