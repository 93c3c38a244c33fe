import { decideOrganizationChange } from '../core/organization-policy.js';
import { idSchema, organizationInputSchema, type Organization, type OrganizationInput, type WriteOptions } from '../core/schemas.js';
import { ConfigurationRefusedError, SerializationFailureError, UnknownAreaError } from '../errors.js';
import { inAreaTransaction, type ServiceContext } from './context.js';
import { parseInput, writeContext } from './validate.js';
import { countArea } from './reads.js';

/** Defining partner organizations and reading them back. */
export interface OrganizationsApi {
  /**
   * Creates a partner organization, or updates it when the id exists
   * (organization ids are unique site-wide). Its quota (`maxUsers`) is an
   * allocation from its area: those seats are set aside from what the host
   * company and partners without a quota can take, and a denied partner's
   * quota still counts. `maxUsers: null` sets no quota.
   *
   * Denying access (`access: 'denied'`) blocks nobody: its users keep their
   * seats, and it gets no new or reinstated seat. Set a denied partner's quota
   * to 0, or partner admins stop seeing their Remaining seats (see `diagnose`).
   *
   * Runs under the area's lock, so a concurrent seat check never sees half a change.
   *
   * @param input - id, areaId, name, access, maxUsers, and `allowOverLimit` to make a quota change that breaks a limit
   * @param options - `actor`: who defines it, recorded in the audit trail
   * @returns the stored organization
   * @throws InvalidInputError when the input is malformed
   * @throws UnknownAreaError when the area is not defined
   * @throws ConfigurationRefusedError when, without `allowOverLimit: true`, the quotas of the area would add up to more
   *   than its seats or the quota would be lower than the seats the partner already uses; and always when the
   *   organization would move to another area while it has users there
   * @example
   * ```ts
   * await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted', maxUsers: 10 });
   * // later: deny it and release its quota
   * await seats.defineOrganization({ id: 'acme', areaId: 'primary', name: 'Acme', access: 'denied', maxUsers: 0, allowOverLimit: true });
   * ```
   */
  defineOrganization(input: OrganizationInput, options?: WriteOptions): Promise<Organization>;
  /**
   * The partner organization with this id, or `null`.
   *
   * @param organizationId - the organization
   */
  getOrganization(organizationId: string): Promise<Organization | null>;
  /**
   * The partner organizations of one area, or of every area, by name.
   *
   * @param areaId - the area; every area when omitted
   */
  listOrganizations(areaId?: string): Promise<readonly Organization[]>;
}

/** How often `defineOrganization` re-reads when the organization moved between its look-up and its lock. */
const MOVE_RACE_ATTEMPTS = 3;

/** Builds the {@link OrganizationsApi}. */
export function organizationsApi(base: ServiceContext): OrganizationsApi {
  const context = base;
  return {
    async defineOrganization(input, options) {
      const data = parseInput(organizationInputSchema, input, 'defineOrganization input');
      const context = writeContext(base, options, 'defineOrganization options');
      for (let attempt = 0; attempt < MOVE_RACE_ATTEMPTS; attempt++) {
        // The organization's current area must be locked too when it moves, and is only known by reading it first.
        const seen = await context.repository.getOrganization(data.id);
        const areaIds = seen === null || seen.areaId === data.areaId ? [data.areaId] : [seen.areaId, data.areaId];
        const stored = await inAreaTransaction(context, areaIds, async (tx) => {
          const area = await tx.getArea(data.areaId);
          if (area === null) throw new UnknownAreaError(data.areaId);
          const before = await tx.getOrganization(data.id);
          if (before !== null && !areaIds.includes(before.areaId)) return null;
          const moving = before !== null && before.areaId !== data.areaId;
          const [counts, organizations, leftBehind] = await Promise.all([
            countArea(tx, data.areaId),
            tx.listOrganizations(data.areaId),
            moving ? countArea(tx, before.areaId) : null,
          ]);
          const now = context.clock();
          const organization: Organization = {
            id: data.id,
            areaId: data.areaId,
            name: data.name,
            access: data.access,
            maxUsers: data.maxUsers,
            createdAt: before?.createdAt ?? now,
            updatedAt: now,
          };
          const usersLeftBehind = leftBehind?.organizations.find((c) => c.organizationId === data.id)?.users ?? 0;
          const decision = decideOrganizationChange(
            { area, counts, organizations, before, usersLeftBehind },
            organization,
            data.allowOverLimit ?? false,
          );
          if (!decision.ok) throw new ConfigurationRefusedError(decision.rule, decision.message);
          await tx.putOrganization(organization);
          await context.watch.observe(tx, data.areaId, {
            attempted: `${before === null ? 'define' : 'change'} partner organization "${organization.name}"`,
          });
          return organization;
        });
        if (stored !== null) return stored;
      }
      throw new SerializationFailureError(`Partner organization "${data.id}" kept moving between areas while it was being defined.`);
    },

    async getOrganization(organizationId) {
      return context.repository.getOrganization(parseInput(idSchema, organizationId, 'organization id'));
    },

    async listOrganizations(areaId) {
      const id = areaId === undefined ? undefined : parseInput(idSchema, areaId, 'area id');
      const organizations = await context.repository.listOrganizations(id);
      return [...organizations].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
}
