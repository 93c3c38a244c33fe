import type { AreaSeatCounts } from '../../core/usage.js';
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
  readonly organizations = new Map<string, MutableOrganizationCounts>();

  /** Adds (`sign` 1) or removes (`sign` -1) one user's contribution. */
  apply(user: User, sign: 1 | -1): void {
    const active = user.state === 'active';
    const seat = active && user.kind === 'licensed' ? sign : 0;
    this.users += sign;
    this.using += seat;
    if (active && user.kind === 'system') this.activeSystem += sign;
    if (!active) this.blocked += sign;
    if (user.organizationId !== null) {
      let organization = this.organizations.get(user.organizationId);
      if (organization === undefined) {
        organization = { users: 0, using: 0 };
        this.organizations.set(user.organizationId, organization);
      }
      organization.users += sign;
      organization.using += seat;
    }
  }

  /** Adds another counter's figures (used to overlay a transaction's pending writes). */
  plus(delta: AreaCounter | undefined, areaId: string): AreaSeatCounts {
    const organizations = new Map<string, MutableOrganizationCounts>();
    for (const [id, c] of this.organizations) organizations.set(id, { ...c });
    if (delta !== undefined) {
      for (const [id, c] of delta.organizations) {
        const base = organizations.get(id) ?? { users: 0, using: 0 };
        organizations.set(id, { users: base.users + c.users, using: base.using + c.using });
      }
    }
    return {
      areaId,
      users: this.users + (delta?.users ?? 0),
      using: this.using + (delta?.using ?? 0),
      activeSystem: this.activeSystem + (delta?.activeSystem ?? 0),
      blocked: this.blocked + (delta?.blocked ?? 0),
      organizations: [...organizations]
        .filter(([, c]) => c.users !== 0 || c.using !== 0)
        .map(([organizationId, c]) => ({ organizationId, users: c.users, using: c.using })),
    };
  }
}
