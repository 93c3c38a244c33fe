import { describe, expect, it } from 'vitest';
import { GITLAB_WARNING_TIERS, seatStatus, warningThresholdsSchema, type Area } from '../../src/index.js';
import { areaUsage, emptyAreaCounts } from '../../src/core/usage.js';
import { isNearlyFull, tierFor } from '../../src/core/warning-thresholds.js';

/** The status of a pool of `max` seats with `left` seats left, under the GitLab tiers. */
const gitlab = (max: number, left: number) => seatStatus(max, max - left, GITLAB_WARNING_TIERS);

describe('warning thresholds as a percentage', () => {
  it('warn when fewer than the share is left: 100 seats with 5 left is ok, with 4 left warning (default 5 %)', () => {
    expect(seatStatus(100, 95)).toBe('ok');
    expect(seatStatus(100, 96)).toBe('warning');
    expect(seatStatus(100, 100)).toBe('exhausted');
    expect(seatStatus(100, 101)).toBe('exceeded');
  });

  it('a configured percentage moves the boundary: at 10 %, 10 of 100 left is ok and 9 is warning', () => {
    expect(seatStatus(100, 90, 10)).toBe('ok');
    expect(seatStatus(100, 91, 10)).toBe('warning');
  });
});

describe('warning thresholds as GitLab tiers', () => {
  it('pools of 2 to 15 seats warn at 1 seat left, not at 2', () => {
    expect(gitlab(2, 1)).toBe('warning');
    expect(gitlab(15, 1)).toBe('warning');
    expect(gitlab(15, 2)).toBe('ok');
  });

  it('pools of 16 to 25 seats warn at 2 seats left, not at 3', () => {
    expect(gitlab(16, 2)).toBe('warning');
    expect(gitlab(16, 3)).toBe('ok');
    expect(gitlab(25, 2)).toBe('warning');
    expect(gitlab(25, 3)).toBe('ok');
  });

  it('pools of 26 to 99 seats warn at 10 % left or less', () => {
    expect(gitlab(26, 2)).toBe('warning'); // 7.7 %
    expect(gitlab(26, 3)).toBe('ok'); // 11.5 %
    expect(gitlab(50, 5)).toBe('warning'); // exactly 10 %
    expect(gitlab(50, 6)).toBe('ok');
  });

  it('pools of 100 to 999 seats warn at 8 % left or less, larger pools at 5 %', () => {
    expect(gitlab(100, 8)).toBe('warning');
    expect(gitlab(100, 9)).toBe('ok');
    expect(gitlab(999, 79)).toBe('warning');
    expect(gitlab(999, 80)).toBe('ok');
    expect(gitlab(1000, 50)).toBe('warning');
    expect(gitlab(1000, 51)).toBe('ok');
  });

  it('a one-seat pool never warns: it goes from ok to exhausted', () => {
    expect(tierFor(GITLAB_WARNING_TIERS, 1)).toBeUndefined();
    expect(gitlab(1, 1)).toBe('ok');
    expect(gitlab(1, 0)).toBe('exhausted');
  });

  it('exhausted and exceeded win over every tier', () => {
    expect(gitlab(20, 0)).toBe('exhausted');
    expect(seatStatus(20, 21, GITLAB_WARNING_TIERS)).toBe('exceeded');
    expect(isNearlyFull(20, 2, GITLAB_WARNING_TIERS)).toBe(true);
  });

  it('a tier table must be sorted by pool size and not empty', () => {
    expect(warningThresholdsSchema.safeParse(GITLAB_WARNING_TIERS).success).toBe(true);
    expect(warningThresholdsSchema.safeParse({ tiers: [] }).success).toBe(false);
    const unsorted = { tiers: [{ minSeats: 16, atMostSeatsLeft: 2 }, { minSeats: 2, atMostSeatsLeft: 1 }] };
    expect(warningThresholdsSchema.safeParse(unsorted).success).toBe(false);
    expect(warningThresholdsSchema.safeParse({ tiers: [{ minSeats: 2, atMostSeatsLeft: 1, atMostPercentLeft: 5 }] }).success).toBe(false);
  });
});

describe('areaUsage uses the configured thresholds for the area and its partners', () => {
  const area: Area = {
    id: 'primary',
    kind: 'primary',
    name: 'Primary',
    maxUsers: 20,
    graceSeats: 0,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
  const organization = { id: 'acme', areaId: 'primary', name: 'Acme', access: 'granted' as const, maxUsers: 20, createdAt: new Date(0), updatedAt: new Date(0) };
  const counts = { ...emptyAreaCounts('primary'), users: 18, using: 18, organizations: [{ organizationId: 'acme', users: 18, using: 18 }] };

  it('18 of 20 is ok at the default 5 % and warning with the GitLab tiers', () => {
    expect(areaUsage(area, counts, [organization]).status).toBe('ok');
    const tiered = areaUsage(area, counts, [organization], { warningThresholds: GITLAB_WARNING_TIERS });
    expect(tiered.status).toBe('warning');
    expect(tiered.organizations[0]?.status).toBe('warning');
  });

  it('warningPercent keeps working when no thresholds are given', () => {
    expect(areaUsage(area, counts, [organization], { warningPercent: 15 }).status).toBe('warning');
    expect(areaUsage(area, counts, [organization], { warningPercent: 15, warningThresholds: 5 }).status).toBe('ok');
  });
});
