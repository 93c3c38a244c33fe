/**
 * Setting an area's licenses outside a purchase: the explicit, recorded
 * override behind `setAreaLicenses` (a correction, a contract that shrank, a
 * pool set up before seatkeeper). Pure: the service reads the figures under
 * the area's lock and writes what this allows.
 *
 * @module
 */
import { ConfigurationRefusedError } from '../errors.js';
import type { AreaFigures } from './license-request.js';
import { allocation } from './usage.js';

/**
 * Checks that an area may be set to `maxUsers` licenses. Raising is always
 * allowed. Lowering is refused, unless `allowBelowUse`, when the area would be
 * left with fewer seats than it uses (nobody loses a seat either way: with the
 * override the area reports `exceeded`) or than its partner quotas set aside.
 *
 * @param figures - the area, its counts and partners, read under its lock
 * @param maxUsers - the new number of licenses
 * @param allowBelowUse - make the change even below use or below the quotas
 * @throws ConfigurationRefusedError with rule `LICENSES_BELOW_USE` or `LICENSES_BELOW_ALLOCATED`
 * @example
 * ```ts
 * // 10 seats, 8 in use: 6 is refused, 6 with allowBelowUse is allowed (the area is then exceeded by 2).
 * checkLicenseOverride(figures, 6, false); // throws LICENSES_BELOW_USE
 * ```
 */
export function checkLicenseOverride(figures: AreaFigures, maxUsers: number, allowBelowUse: boolean): void {
  const { area, counts, organizations } = figures;
  if (allowBelowUse || maxUsers >= area.maxUsers) return;
  if (maxUsers < counts.using) {
    throw new ConfigurationRefusedError(
      'LICENSES_BELOW_USE',
      `${area.name} uses ${counts.using} seats; setting its licenses to ${maxUsers} would leave it over its limit. ` +
        'Block or delete users there first, set a number no lower than the seats in use, or pass allowBelowUse: true (the area then reports exceeded; nobody loses a seat).',
    );
  }
  const { allocated } = allocation(counts, organizations);
  if (maxUsers < allocated) {
    throw new ConfigurationRefusedError(
      'LICENSES_BELOW_ALLOCATED',
      `The partner quotas of ${area.name} set aside ${allocated} seats; setting its licenses to ${maxUsers} would over-allocate it. ` +
        "Lower a partner's Maximum Users first, or pass allowBelowUse: true.",
    );
  }
}
