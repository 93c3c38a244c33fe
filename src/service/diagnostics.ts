import { diagnoseConfiguration, type Finding } from '../core/diagnostics.js';
import type { MissingSystemUser } from '../core/diagnostics.js';
import { usernameKey, type SystemRole, type User } from '../core/schemas.js';
import { isLegacyGuest, SYSTEM_USERNAMES } from '../core/system-users.js';
import { findUsersByUsernames } from './reads.js';
import { RESPONSIBLE_PERSON_KEY } from './notifications/watch-state.js';
import type { ServiceContext } from './context.js';
import { summaryApi } from './summary.js';

/** Configuration diagnostics. */
export interface DiagnosticsApi {
  /**
   * Checks the configuration and says what to fix, in plain words: areas over
   * their limit or over-allocated, partner quotas that hide Remaining from
   * partner admins or that a denied partner still holds, partners over their
   * quota, no responsible person, a renamed legacy guest not yet migrated, and
   * stored usernames that are one name by today's comparison rules (when the
   * repository implements `findUsernameCollisions`), and a missing SuperUser or
   * guest (once a primary area exists). Read-only; reads aggregate counts, the
   * (few) system users and the (few) colliding users.
   *
   * @returns the findings, errors first; empty when all is well
   * @example
   * ```ts
   * for (const f of await seats.diagnose()) console.log(`[${f.severity}] ${f.code}: ${f.message}`);
   * ```
   */
  diagnose(): Promise<readonly Finding[]>;
}

/** Builds the {@link DiagnosticsApi}. */
export function diagnosticsApi(context: ServiceContext): DiagnosticsApi {
  const { summary } = summaryApi(context);
  const { repository } = context;

  async function systemUsers(): Promise<User[]> {
    const found: User[] = [];
    let after: string | null = null;
    do {
      const page = await repository.listUsers({ kind: 'system' }, { after, limit: 100 });
      found.push(...page.users);
      after = page.next;
    } while (after !== null);
    return found;
  }

  /** The system users the site lacks, each with the user holding its name, if any. */
  async function missingSystemUsers(present: readonly User[]): Promise<MissingSystemUser[]> {
    const roles = new Set(present.map((u) => u.systemRole));
    const missing = (['superuser', 'guest'] as const).filter((role: SystemRole) => !roles.has(role));
    if (missing.length === 0) return [];
    const holders = await findUsersByUsernames(repository, missing.map((role) => SYSTEM_USERNAMES[role]));
    return missing.map((role) => ({ role, nameHeldBy: holders.get(usernameKey(SYSTEM_USERNAMES[role])) ?? null }));
  }

  return {
    async diagnose() {
      const [site, responsible, system, collisions] = await Promise.all([
        summary(),
        repository.getSetting(RESPONSIBLE_PERSON_KEY),
        systemUsers(),
        repository.findUsernameCollisions?.() ?? [],
      ]);
      // Without a primary area there is no home for system users: NO_PRIMARY_AREA says what to do first.
      const hasPrimary = site.areas.some((a) => a.kind === 'primary');
      return diagnoseConfiguration({
        areas: site.areas,
        responsiblePerson: typeof responsible === 'string' && responsible.trim() !== '' ? responsible : null,
        legacyGuests: system.filter(isLegacyGuest),
        usernameCollisions: collisions,
        minimumPurchase: context.options.minimumPurchase,
        missingSystemUsers: hasPrimary ? await missingSystemUsers(system) : [],
      });
    },
  };
}
