import { diagnoseConfiguration, type Finding } from '../core/diagnostics.js';
import type { User } from '../core/schemas.js';
import { isLegacyGuest } from '../core/system-users.js';
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
   * repository implements `findUsernameCollisions`). Read-only; reads aggregate
   * counts, the (few) system users and the (few) colliding users.
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

  async function legacyGuests(): Promise<User[]> {
    const found: User[] = [];
    let after: string | null = null;
    do {
      const page = await repository.listUsers({ kind: 'system' }, { after, limit: 100 });
      found.push(...page.users.filter(isLegacyGuest));
      after = page.next;
    } while (after !== null);
    return found;
  }

  return {
    async diagnose() {
      const [site, responsible, guests, collisions] = await Promise.all([
        summary(),
        repository.getSetting(RESPONSIBLE_PERSON_KEY),
        legacyGuests(),
        repository.findUsernameCollisions?.() ?? [],
      ]);
      return diagnoseConfiguration({
        areas: site.areas,
        responsiblePerson: typeof responsible === 'string' && responsible.trim() !== '' ? responsible : null,
        legacyGuests: guests,
        usernameCollisions: collisions,
        minimumPurchase: context.options.minimumPurchase,
      });
    },
  };
}
