/**
 * Configuration diagnostics: what is set up in a way that loses seats, hides
 * figures or keeps people from being told, and what to do about it. Pure: the
 * service reads the figures, this finds the problems.
 *
 * @module
 */
import type { SystemRole, User } from './schemas.js';
import { SYSTEM_USERNAMES } from './system-users.js';
import { seatsWithinQuotas, type AreaUsage, type OrganizationUsage } from './usage.js';

/** How urgent a finding is: `error` (seats are wrong now), `warning` (will surprise someone), `info` (worth knowing). */
export type FindingSeverity = 'error' | 'warning' | 'info';

/**
 * The stable code of a finding. Switch on these; messages may be reworded.
 *
 * - `NO_PRIMARY_AREA`: no primary area is defined.
 * - `AREA_OVER_LIMIT`: an area uses more seats than it has.
 * - `AREA_OVER_ALLOCATED`: the partner quotas of an area add up to more than its seats.
 * - `QUOTAS_NOT_COVERED`: the quotas fit, but the host company and partners without a quota already use seats the quotas set aside.
 * - `PARTNER_OVER_QUOTA`: a partner uses more seats than its quota.
 * - `DENIED_PARTNER_HOLDS_QUOTA`: a denied partner keeps a quota above 0, which still counts against the host company's remaining.
 * - `DENIED_PARTNER_WITHOUT_QUOTA`: a denied partner has no quota set, which hides Remaining from every partner admin of its area.
 * - `DENIED_PARTNER_HAS_ACTIVE_USERS`: a denied partner's users still hold seats (denying blocks nobody).
 * - `PARTNER_WITHOUT_QUOTA`: a granted partner has no quota set, so no partner admin of its area sees Remaining.
 * - `NO_RESPONSIBLE_PERSON`: nobody is told when a limit is exceeded.
 * - `LEGACY_GUEST_NOT_MIGRATED`: the system guest was renamed and has not been made a licensed user yet.
 * - `USERNAME_COLLISION`: two users stored before the username comparison rules changed
 *   have names that are now the same (`straße` and `STRASSE`); one should be renamed.
 * - `SUPERUSER_MISSING`: the site has no SuperUser (`ensureSystemUsers` was never run, or its name is held by another user).
 * - `GUEST_MISSING`: the site has no system guest (it was deleted, `ensureSystemUsers` was never run, or its name is held by another user).
 */
export type FindingCode =
  | 'NO_PRIMARY_AREA'
  | 'AREA_OVER_LIMIT'
  | 'AREA_OVER_ALLOCATED'
  | 'QUOTAS_NOT_COVERED'
  | 'PARTNER_OVER_QUOTA'
  | 'DENIED_PARTNER_HOLDS_QUOTA'
  | 'DENIED_PARTNER_WITHOUT_QUOTA'
  | 'DENIED_PARTNER_HAS_ACTIVE_USERS'
  | 'PARTNER_WITHOUT_QUOTA'
  | 'NO_RESPONSIBLE_PERSON'
  | 'LEGACY_GUEST_NOT_MIGRATED'
  | 'USERNAME_COLLISION'
  | 'SUPERUSER_MISSING'
  | 'GUEST_MISSING';

/** One configuration finding. */
export interface Finding {
  /** The stable code. */
  readonly code: FindingCode;
  /** How urgent it is. */
  readonly severity: FindingSeverity;
  /** What is wrong and what to do, in plain words: the problem followed by {@link Finding.fix}. */
  readonly message: string;
  /** What to do about it, in plain words. */
  readonly fix: string;
  /** The area concerned, if any. */
  readonly areaId?: string;
  /** The partner organization concerned, if any. */
  readonly organizationId?: string;
  /** The user concerned, if any. */
  readonly userId?: string;
}

/** What the diagnostics look at, all read by the service. */
export interface DiagnosticsInput {
  /** Every area's figures, with its partner organizations. */
  readonly areas: readonly AreaUsage[];
  /** The responsible person's address, or `null` when none is set. */
  readonly responsiblePerson: string | null;
  /** System guests renamed by the site and not migrated yet. */
  readonly legacyGuests: readonly Pick<User, 'id' | 'username' | 'areaId'>[];
  /** Pairs of users whose usernames are the same name by today's rules: the holder of the name, then the other. Default none. */
  readonly usernameCollisions?: readonly (readonly [CollidingUser, CollidingUser])[];
  /** The smallest purchase a license request may ask for, to phrase purchase advice. Default 5. */
  readonly minimumPurchase?: number;
  /** System users the site lacks (looked for only when a primary area exists). Default none. */
  readonly missingSystemUsers?: readonly MissingSystemUser[];
}

/** A system user the site lacks, for a `SUPERUSER_MISSING` or `GUEST_MISSING` finding. */
export interface MissingSystemUser {
  /** Which system user. */
  readonly role: SystemRole;
  /** The user that holds its name (stored before the name was reserved), or `null` when the name is free. */
  readonly nameHeldBy: Pick<User, 'id' | 'username' | 'areaId'> | null;
}

/** What a `USERNAME_COLLISION` finding names of each user. */
export type CollidingUser = Pick<User, 'id' | 'username' | 'areaId'>;

const SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = { error: 0, warning: 1, info: 2 };

/**
 * Finds configuration problems: over-limit and over-allocated areas, quota
 * mistakes with denied partners, missing quotas that hide figures from partner
 * admins, no responsible person, legacy guests not migrated, usernames
 * that collide under today's comparison rules, and missing system users. Errors come
 * first, then warnings, then information; within a severity, site-wide
 * findings first, then by area in the order given.
 *
 * @param input - the figures and settings to look at
 * @returns the findings; empty when all is well
 * @example
 * ```ts
 * for (const f of diagnoseConfiguration({ areas, responsiblePerson: null, legacyGuests: [] })) console.log(f.severity, f.message);
 * ```
 */
export function diagnoseConfiguration(input: DiagnosticsInput): Finding[] {
  const minimumPurchase = input.minimumPurchase ?? 5;
  const findings: Finding[] = [];
  if (!input.areas.some((a) => a.kind === 'primary')) {
    findings.push(
      finding('NO_PRIMARY_AREA', 'error', 'No primary area is defined, so there is no pool for intranet users and no home for the system users.', {
        fix: "Define it with defineArea({ id, kind: 'primary', name, maxUsers }).",
      }),
    );
  }
  if (input.responsiblePerson === null) {
    findings.push(
      finding('NO_RESPONSIBLE_PERSON', 'warning', 'No responsible person is set, so nobody is told when a license limit is exceeded.', {
        fix: 'Set one with setResponsiblePerson(email); a group address is fine.',
      }),
    );
  }
  const areaNames = new Map(input.areas.map((a) => [a.areaId, a.name]));
  for (const guest of input.legacyGuests) {
    const areaName = areaNames.get(guest.areaId) ?? guest.areaId;
    findings.push(
      finding(
        'LEGACY_GUEST_NOT_MIGRATED',
        'warning',
        `The system guest was renamed to "${guest.username}" and is still a system account; a renamed guest must become a licensed user.`,
        {
          fix: `Run migrateLegacyGuest(): "${guest.username}" becomes an active licensed user taking a seat in ${areaName}, and a new inactive guest is created.`,
          areaId: guest.areaId,
          userId: guest.id,
        },
      ),
    );
  }
  for (const [holder, other] of input.usernameCollisions ?? []) {
    findings.push(
      finding(
        'USERNAME_COLLISION',
        'warning',
        `The users "${holder.username}" (id ${holder.id}) and "${other.username}" (id ${other.id}) have the same username by the comparison rules (case, width and accent composition are ignored), so they can pass for each other; looking up either name finds "${holder.username}".`,
        {
          fix: `Rename one of them with updateUser(id, { username }); nothing is renamed automatically.`,
          areaId: other.areaId,
          userId: other.id,
        },
      ),
    );
  }
  for (const missing of input.missingSystemUsers ?? []) findings.push(missingSystemUserFinding(missing));
  for (const area of input.areas) findings.push(...areaFindings(area, minimumPurchase));
  return findings
    .map((f, index) => ({ f, index }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.index - b.index)
    .map(({ f }) => f);
}

function missingSystemUserFinding({ role, nameHeldBy }: MissingSystemUser): Finding {
  const name = SYSTEM_USERNAMES[role];
  const what = role === 'superuser' ? 'no SuperUser, the account that can always administer it' : 'no system guest account';
  const fix =
    nameHeldBy === null
      ? 'Run ensureSystemUsers(): it creates the missing system user in the primary area, taking no seat.'
      : `Its name "${name}" is held by the user "${nameHeldBy.username}" (id ${nameHeldBy.id}), stored before the name was reserved: rename that user with updateUser(id, { username }), then run ensureSystemUsers().`;
  return finding(role === 'superuser' ? 'SUPERUSER_MISSING' : 'GUEST_MISSING', 'warning', `The site has ${what}.`, {
    fix,
    ...(nameHeldBy === null ? {} : { areaId: nameHeldBy.areaId, userId: nameHeldBy.id }),
  });
}

function areaFindings(area: AreaUsage, minimumPurchase: number): Finding[] {
  const findings: Finding[] = [];
  const at = { areaId: area.areaId };
  const overLimit = area.using > area.maxUsers;
  const overAllocated = area.allocated > area.maxUsers;
  if (overLimit) {
    findings.push(
      finding(
        'AREA_OVER_LIMIT',
        'error',
        `${area.name} uses ${area.using} seats but has ${area.maxUsers}: it is over its limit by ${area.overBy}, and no new user gets a seat there.`,
        {
          fix: `Purchase at least ${Math.max(area.overBy + 1, minimumPurchase)} licenses for it, or block or delete at least ${area.overBy + 1} profiles that are no longer needed, to have a seat free again.`,
          ...at,
        },
      ),
    );
  }
  if (overAllocated) {
    const excess = area.allocated - area.maxUsers;
    findings.push(
      finding(
        'AREA_OVER_ALLOCATED',
        'error',
        `The partner quotas of ${area.name} add up to ${area.allocated} but the area has ${area.maxUsers} seats: partners can be refused before they reach their quota, and the host company has no unallocated seat.`,
        { fix: `Lower the partner quotas by ${excess} in total, or purchase ${Math.max(excess, minimumPurchase)} licenses for the area.`, ...at },
      ),
    );
  }
  const shortfall = area.allocated + unquotedUsing(area) - area.maxUsers;
  if (!overLimit && !overAllocated && shortfall > 0) {
    findings.push(
      finding(
        'QUOTAS_NOT_COVERED',
        'warning',
        `The partner quotas of ${area.name} set aside ${area.allocated} seats, but the host company and partners without a quota already use ${unquotedUsing(area)} of its ${area.maxUsers}: partners with a quota can be refused ${shortfall} seat(s) before they reach it.`,
        { fix: `Lower the partner quotas by ${shortfall}, block ${shortfall} host company users, or purchase ${Math.max(shortfall, minimumPurchase)} licenses for the area.`, ...at },
      ),
    );
  }
  for (const organization of area.organizations) findings.push(...organizationFindings(area, organization));
  return findings;
}

function organizationFindings(area: AreaUsage, o: OrganizationUsage): Finding[] {
  const findings: Finding[] = [];
  const at = { areaId: area.areaId, organizationId: o.organizationId };
  const blockFirst = o.using > 0 ? ` (it still uses ${o.using} seat(s): block those users first, or pass allowOverLimit: true)` : '';
  if (o.maxUsers !== null && o.using > o.maxUsers) {
    findings.push(
      finding('PARTNER_OVER_QUOTA', 'warning', `${o.name} uses ${o.using} seats but its quota is ${o.maxUsers}; its extra seats come out of the host company's unallocated seats.`, {
        fix: `Block ${o.using - o.maxUsers} of its users, or raise its Maximum Users to ${o.using}.`,
        ...at,
      }),
    );
  }
  if (o.access === 'denied' && o.maxUsers !== null && o.maxUsers > 0) {
    findings.push(
      finding(
        'DENIED_PARTNER_HOLDS_QUOTA',
        'warning',
        `${o.name} is denied access but keeps a Maximum Users of ${o.maxUsers}: those seats still count against the host company's remaining in ${area.name}.`,
        { fix: `Set its Maximum Users to 0${blockFirst}.`, ...at },
      ),
    );
  }
  if (o.access === 'denied' && o.maxUsers === null) {
    findings.push(
      finding(
        'DENIED_PARTNER_WITHOUT_QUOTA',
        'warning',
        `${o.name} is denied access and has no Maximum Users set, so no partner admin of ${area.name} sees their Remaining seats.`,
        { fix: `Set its Maximum Users to 0${blockFirst}.`, ...at },
      ),
    );
  }
  if (o.access === 'denied' && o.using > 0) {
    findings.push(
      finding(
        'DENIED_PARTNER_HAS_ACTIVE_USERS',
        'info',
        `${o.name} is denied access, but ${o.using} of its users are still active and hold seats: denying access blocks nobody.`,
        { fix: 'Block its users if they should no longer sign in; that frees their seats. Grant access again to let it take new seats.', ...at },
      ),
    );
  }
  if (o.access === 'granted' && o.maxUsers === null) {
    findings.push(
      finding(
        'PARTNER_WITHOUT_QUOTA',
        'info',
        `${o.name} has no Maximum Users set, so no partner admin of ${area.name} sees their Remaining seats; it takes seats from the area's unallocated seats.`,
        { fix: 'Set a Maximum Users for every partner organization of the area if partner admins should see their Remaining seats.', ...at },
      ),
    );
  }
  return findings;
}

/** Seats drawn from the unallocated pool: host company, partners without a quota, and partners beyond their quota. */
function unquotedUsing(area: AreaUsage): number {
  return area.using - seatsWithinQuotas(area.organizations);
}

function finding(
  code: FindingCode,
  severity: FindingSeverity,
  problem: string,
  rest: { readonly fix: string; readonly areaId?: string; readonly organizationId?: string; readonly userId?: string },
): Finding {
  return { code, severity, message: `${problem} ${rest.fix}`, ...rest };
}
