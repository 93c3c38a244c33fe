/** The tables both SQL repositories keep, by the name each statement builds its SQL from. */

/** One repository's tables, each name quoted (and qualified) as its engine needs. */
export interface TableNames {
  /** Applied migration versions. */
  readonly schemaVersion: string;
  /** License pools; their rows are the seat locks. */
  readonly areas: string;
  /** Partner organizations. */
  readonly organizations: string;
  /** User profiles. */
  readonly users: string;
  /** Users per area, organization, state and kind, kept by triggers on `users`: what counting reads. */
  readonly userCounts: string;
  /** Site settings (JSON values). */
  readonly settings: string;
  /** The notification outbox. */
  readonly outbox: string;
  /** License change history. */
  readonly licenseChanges: string;
  /** Usage snapshots. */
  readonly usageSnapshots: string;
  /** The audit trail. */
  readonly auditEvents: string;
}

/**
 * Every table's name.
 *
 * @param name - the engine's quoted, qualified name of a table, from its bare name (`users`)
 */
export function tableNames(name: (table: string) => string): TableNames {
  return {
    schemaVersion: name('schema_version'),
    areas: name('areas'),
    organizations: name('organizations'),
    users: name('users'),
    userCounts: name('user_counts'),
    settings: name('settings'),
    outbox: name('outbox'),
    licenseChanges: name('license_changes'),
    usageSnapshots: name('usage_snapshots'),
    auditEvents: name('audit_events'),
  };
}
