import type { AreaSeatCounts, OrganizationSeatCounts } from '../../core/usage.js';
import type { User } from '../../core/schemas.js';

interface MutableOrganizationCounts {
  users: number;
  using: number;
}

/** Counts of one area, kept up to date on every write so a count never scans users. */
export class AreaCounter {
  users = 0;
  using = 0;
  activeSystem = 0;
  blocked = 0;
  /** Per partner organization; created with the first partner user (a transaction's delta often has none). */
  #organizations: Map<string, MutableOrganizationCounts> | null = null;

  /** Adds (`sign` 1) or removes (`sign` -1) one user's contribution. */
  apply(user: User, sign: 1 | -1): void {
    const active = user.state === 'active';
    const seat = active && user.kind === 'licensed' ? sign : 0;
    this.users += sign;
    this.using += seat;
    if (active && user.kind === 'system') this.activeSystem += sign;
    if (!active) this.blocked += sign;
    if (user.organizationId !== null) {
      const organizations = (this.#organizations ??= new Map());
      let organization = organizations.get(user.organizationId);
      if (organization === undefined) {
        organization = { users: 0, using: 0 };
        organizations.set(user.organizationId, organization);
      }
      organization.users += sign;
      organization.using += seat;
    }
  }

  /** Adds another counter's figures (used to overlay a transaction's pending writes). */
  plus(delta: AreaCounter | undefined, areaId: string): AreaSeatCounts {
    // Read on every seat check: built straight into the result, without intermediate maps.
    const organizations: OrganizationSeatCounts[] = [];
    const extra = delta === undefined ? null : delta.#organizations;
    if (this.#organizations !== null) {
      for (const [organizationId, c] of this.#organizations) {
        const d = extra?.get(organizationId);
        const users = c.users + (d?.users ?? 0);
        const using = c.using + (d?.using ?? 0);
        if (users !== 0 || using !== 0) organizations.push({ organizationId, users, using });
      }
    }
    if (extra !== null) {
      for (const [organizationId, d] of extra) {
        if (this.#organizations?.has(organizationId) !== true && (d.users !== 0 || d.using !== 0)) organizations.push({ organizationId, users: d.users, using: d.using });
      }
    }
    return {
      areaId,
      users: this.users + (delta?.users ?? 0),
      using: this.using + (delta?.using ?? 0),
      activeSystem: this.activeSystem + (delta?.activeSystem ?? 0),
      blocked: this.blocked + (delta?.blocked ?? 0),
      organizations,
    };
  }
}
