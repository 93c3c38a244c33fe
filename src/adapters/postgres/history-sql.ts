/** License change history and usage snapshots: append inside a transaction, list oldest first. */
import type { LicenseChangeRecord, TimeRange, UsageSnapshot } from '../../ports/repository.js';
import { run, type Queryable } from './queryable.js';
import {
  LICENSE_CHANGE_COLUMNS,
  USAGE_SNAPSHOT_COLUMNS,
  licenseChangeFromRow,
  licenseChangeValues,
  usageSnapshotFromRow,
  usageSnapshotValues,
  type LicenseChangeRow,
  type UsageSnapshotRow,
} from '../sql/rows.js';
import type { Tables } from './tables.js';

/** Keeps a license change. */
export async function insertLicenseChange(db: Queryable, t: Tables, change: LicenseChangeRecord): Promise<void> {
  await run(
    db,
    `INSERT INTO ${t.licenseChanges} (${LICENSE_CHANGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    licenseChangeValues(change),
    'recording a license change',
  );
}

/** License changes, oldest first (ties in the order they were kept), optionally of one area. */
export async function selectLicenseChanges(db: Queryable, t: Tables, areaId?: string): Promise<LicenseChangeRecord[]> {
  const { rows } =
    areaId === undefined
      ? await run<LicenseChangeRow>(db, `SELECT ${LICENSE_CHANGE_COLUMNS} FROM ${t.licenseChanges} ORDER BY applied_at, seq`, [], 'listing license changes')
      : await run<LicenseChangeRow>(
          db,
          `SELECT ${LICENSE_CHANGE_COLUMNS} FROM ${t.licenseChanges} WHERE area_id = $1 ORDER BY applied_at, seq`,
          [areaId],
          'listing license changes',
        );
  return rows.map(licenseChangeFromRow);
}

/** Keeps a usage snapshot. */
export async function insertUsageSnapshot(db: Queryable, t: Tables, snapshot: UsageSnapshot): Promise<void> {
  await run(
    db,
    `INSERT INTO ${t.usageSnapshots} (${USAGE_SNAPSHOT_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`,
    usageSnapshotValues(snapshot),
    'recording a usage snapshot',
  );
}

/** Usage snapshots, oldest first, optionally of one area and inside a time range (both ends inclusive). */
export async function selectUsageSnapshots(db: Queryable, t: Tables, areaId: string | undefined, range: TimeRange): Promise<UsageSnapshot[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (areaId !== undefined) {
    values.push(areaId);
    conditions.push(`area_id = $${values.length}`);
  }
  if (range.from !== undefined) {
    values.push(range.from.toISOString());
    conditions.push(`taken_at >= $${values.length}`);
  }
  if (range.to !== undefined) {
    values.push(range.to.toISOString());
    conditions.push(`taken_at <= $${values.length}`);
  }
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { rows } = await run<UsageSnapshotRow>(
    db,
    `SELECT ${USAGE_SNAPSHOT_COLUMNS} FROM ${t.usageSnapshots} ${where} ORDER BY taken_at, seq`,
    values,
    'listing usage snapshots',
  );
  return rows.map(usageSnapshotFromRow);
}
