/** License change history and usage snapshots: append inside a transaction, list oldest first. */
import type { LicenseChangeRecord, TimeRange, UsageSnapshot } from '../../ports/repository.js';
import { select, sqlTime, write, type Queryable } from './queryable.js';
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
  await write(db, `INSERT INTO ${t.licenseChanges} (${LICENSE_CHANGE_COLUMNS}) VALUES (?)`, [licenseChangeValues(change)], 'recording a license change');
}

/** License changes, oldest first (ties in the order they were kept), optionally of one area. */
export async function selectLicenseChanges(db: Queryable, t: Tables, areaId?: string): Promise<LicenseChangeRecord[]> {
  const rows =
    areaId === undefined
      ? await select<LicenseChangeRow>(db, `SELECT ${LICENSE_CHANGE_COLUMNS} FROM ${t.licenseChanges} ORDER BY applied_at, seq`, [], 'listing license changes')
      : await select<LicenseChangeRow>(
          db,
          `SELECT ${LICENSE_CHANGE_COLUMNS} FROM ${t.licenseChanges} WHERE area_id = ? ORDER BY applied_at, seq`,
          [areaId],
          'listing license changes',
        );
  return rows.map(licenseChangeFromRow);
}

/** Keeps a usage snapshot. */
export async function insertUsageSnapshot(db: Queryable, t: Tables, snapshot: UsageSnapshot): Promise<void> {
  await write(db, `INSERT INTO ${t.usageSnapshots} (${USAGE_SNAPSHOT_COLUMNS}) VALUES (?)`, [usageSnapshotValues(snapshot)], 'recording a usage snapshot');
}

/** Usage snapshots, oldest first, optionally of one area and inside a time range (both ends inclusive). */
export async function selectUsageSnapshots(db: Queryable, t: Tables, areaId: string | undefined, range: TimeRange): Promise<UsageSnapshot[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (areaId !== undefined) {
    conditions.push('area_id = ?');
    values.push(areaId);
  }
  if (range.from !== undefined) {
    conditions.push('taken_at >= ?');
    values.push(sqlTime(range.from));
  }
  if (range.to !== undefined) {
    conditions.push('taken_at <= ?');
    values.push(sqlTime(range.to));
  }
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const rows = await select<UsageSnapshotRow>(db, `SELECT ${USAGE_SNAPSHOT_COLUMNS} FROM ${t.usageSnapshots} ${where} ORDER BY taken_at, seq`, values, 'listing usage snapshots');
  return rows.map(usageSnapshotFromRow);
}
