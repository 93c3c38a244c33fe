/**
 * License requests: a purchase (`add`) or a move between areas (`move`), as
 * validated, serialisable values a host can send to its vendor, and the plan
 * that applies an approved one. Pure: the service reads the areas under their
 * locks and writes what {@link planLicenseChange} returns.
 *
 * @module
 */
import { z } from 'zod';
import { ConfigurationRefusedError, InternalError, type InputIssue } from '../errors.js';
import { idSchema, type Area, type Organization } from './schemas.js';
import { storedText } from './text-rules.js';
import { allocation, type AreaSeatCounts } from './usage.js';

/** The default smallest purchase: licenses are added at least 5 at a time. */
export const DEFAULT_MINIMUM_PURCHASE = 5;

const quantitySchema = z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000_000);
/** A note is stored with the license history, so the text rules of every stored text apply. */
const noteSchema = z.string().trim().pipe(storedText(2000));

/** Input of `requestLicenses`: buy seats for one area, or move seats between two. */
export const licenseRequestInputSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** A purchase. */
    type: z.literal('add'),
    /** The area that gets the seats. */
    areaId: idSchema,
    /** How many seats to buy; at least `minimumPurchase` (default 5). */
    quantity: quantitySchema,
    /** Free text for the vendor, e.g. a cost centre. */
    note: noteSchema.optional(),
  }),
  z.strictObject({
    /** A move between areas. */
    type: z.literal('move'),
    /** The area that gives seats. */
    from: idSchema,
    /** The area that gets them. */
    to: idSchema,
    /** How many seats to move. */
    quantity: quantitySchema,
    /** Move even if the source area is left with fewer seats than it uses (it then reports `exceeded`). */
    allowOverLimit: z.boolean().optional(),
    /** Free text for the vendor. */
    note: noteSchema.optional(),
  }),
]);
/** Input of `requestLicenses`. */
export type LicenseRequestInput = z.input<typeof licenseRequestInputSchema>;

/** A purchase request, as `requestLicenses` returns it. */
export const addLicenseRequestSchema = z.strictObject({
  /** Unique per request; applying the same id twice changes nothing the second time. */
  id: idSchema,
  /** A purchase. */
  type: z.literal('add'),
  /** The area that gets the seats. */
  areaId: idSchema,
  /** Its name when requested. */
  areaName: z.string(),
  /** How many seats to buy. */
  quantity: quantitySchema,
  /** The area's seats when requested. */
  maxUsersBefore: z.number().int().min(0),
  /** The area's seats when requested plus `quantity`. */
  maxUsersAfter: z.number().int().min(0),
  /** The area's seats in use when requested. */
  using: z.number().int().min(0),
  /** When it was requested, ISO 8601 (UTC). */
  requestedAt: z.iso.datetime(),
  /** Free text for the vendor, or `null`. */
  note: noteSchema.nullable(),
  /** Plain text a host can mail to its vendor. */
  summary: z.string(),
});
/** A purchase request. */
export type AddLicenseRequest = z.infer<typeof addLicenseRequestSchema>;

/** A move request, as `requestLicenses` returns it. */
export const moveLicenseRequestSchema = z.strictObject({
  /** Unique per request; applying the same id twice changes nothing the second time. */
  id: idSchema,
  /** A move between areas. */
  type: z.literal('move'),
  /** The area that gives seats. */
  from: idSchema,
  /** Its name when requested. */
  fromName: z.string(),
  /** The area that gets them. */
  to: idSchema,
  /** Its name when requested. */
  toName: z.string(),
  /** How many seats to move. */
  quantity: quantitySchema,
  /** The source area's seats when requested. */
  fromMaxUsersBefore: z.number().int().min(0),
  /** The source area's seats in use when requested. */
  fromUsing: z.number().int().min(0),
  /** The target area's seats when requested. */
  toMaxUsersBefore: z.number().int().min(0),
  /** The target area's seats in use when requested. */
  toUsing: z.number().int().min(0),
  /** Move even if the source is left with fewer seats than it uses. */
  allowOverLimit: z.boolean(),
  /** When it was requested, ISO 8601 (UTC). */
  requestedAt: z.iso.datetime(),
  /** Free text for the vendor, or `null`. */
  note: noteSchema.nullable(),
  /** Plain text a host can mail to its vendor. */
  summary: z.string(),
});
/** A move request. */
export type MoveLicenseRequest = z.infer<typeof moveLicenseRequestSchema>;

/**
 * A license request as `requestLicenses` returns it: plain JSON (dates are ISO
 * 8601 strings) so it survives `JSON.stringify` / `JSON.parse`, a mail, a
 * ticket or a database column, and is validated again by `applyLicenseChange`.
 * The figures are those at request time; applying adds or moves `quantity`
 * seats relative to the limits at apply time.
 */
export const licenseRequestSchema = z.discriminatedUnion('type', [addLicenseRequestSchema, moveLicenseRequestSchema]);
/** A license request: a purchase or a move, ready to send and later to apply. */
export type LicenseRequest = z.infer<typeof licenseRequestSchema>;

/**
 * The rules a schema cannot hold alone: a purchase of at least
 * `minimumPurchase` seats, and a move between two different areas.
 *
 * @param request - an `add` or `move` input or request
 * @param minimumPurchase - the smallest valid purchase
 * @returns the problems found, empty when there are none
 */
export function licenseRequestIssues(
  request: { readonly type: 'add'; readonly quantity: number } | { readonly type: 'move'; readonly from: string; readonly to: string },
  minimumPurchase: number,
): InputIssue[] {
  if (request.type === 'add' && request.quantity < minimumPurchase) {
    return [
      {
        path: ['quantity'],
        code: 'too_small',
        message: `must be at least ${minimumPurchase}: licenses are purchased at least ${minimumPurchase} at a time`,
      },
    ];
  }
  if (request.type === 'move' && request.from === request.to) {
    return [{ path: ['to'], code: 'custom', message: 'must be another area than "from"' }];
  }
  return [];
}

/** What a plan needs to know about one area, read under its lock. */
export interface AreaFigures {
  /** The area. */
  readonly area: Area;
  /** Its aggregate counts. */
  readonly counts: AreaSeatCounts;
  /** Its partner organizations (their quotas are allocations). */
  readonly organizations: readonly Organization[];
}

/** One area's new limit. */
export interface PlannedLimit {
  /** The area. */
  readonly areaId: string;
  /** `maxUsers` before. */
  readonly maxUsersBefore: number;
  /** `maxUsers` after. */
  readonly maxUsersAfter: number;
}

/**
 * The new limits of the areas a request changes, from their current figures.
 * A purchase adds `quantity` to the area. A move takes `quantity` from the
 * source and gives it to the target; it is refused when the source has fewer
 * seats than that, and, unless `allowOverLimit`, when the source would be left
 * with fewer seats than it uses or than its partner quotas set aside.
 *
 * @param request - what to change
 * @param figures - the current figures of the areas it names, by id
 * @returns the new limits (one for a purchase, source then target for a move)
 * @throws ConfigurationRefusedError when a move breaks a rule above
 */
export function planLicenseChange(
  request: LicenseRequestInput | LicenseRequest,
  figures: ReadonlyMap<string, AreaFigures>,
): readonly PlannedLimit[] {
  if (request.type === 'add') {
    const { area } = figuresOf(figures, request.areaId);
    return [{ areaId: area.id, maxUsersBefore: area.maxUsers, maxUsersAfter: area.maxUsers + request.quantity }];
  }
  const source = figuresOf(figures, request.from);
  const target = figuresOf(figures, request.to);
  const left = source.area.maxUsers - request.quantity;
  if (left < 0) {
    throw new ConfigurationRefusedError(
      'MOVE_MORE_THAN_OWNED',
      `Cannot move ${request.quantity} seats out of ${source.area.name}: it has only ${source.area.maxUsers}.`,
    );
  }
  if (request.allowOverLimit !== true) {
    const using = source.counts.using;
    if (left < using) {
      throw new ConfigurationRefusedError(
        'MOVE_BELOW_USE',
        `Moving ${request.quantity} seats would leave ${source.area.name} with ${left} seats for ${using} users in use. ` +
          'Block users there first, move fewer seats, or pass allowOverLimit: true (the area then reports exceeded).',
      );
    }
    const { allocated } = allocation(source.counts, source.organizations);
    if (left < allocated) {
      throw new ConfigurationRefusedError(
        'MOVE_BELOW_ALLOCATED',
        `Moving ${request.quantity} seats would leave ${source.area.name} with ${left} seats, fewer than the ${allocated} its partner quotas set aside. ` +
          "Lower a partner's Maximum Users first, move fewer seats, or pass allowOverLimit: true.",
      );
    }
  }
  return [
    { areaId: source.area.id, maxUsersBefore: source.area.maxUsers, maxUsersAfter: left },
    { areaId: target.area.id, maxUsersBefore: target.area.maxUsers, maxUsersAfter: target.area.maxUsers + request.quantity },
  ];
}

function figuresOf(figures: ReadonlyMap<string, AreaFigures>, areaId: string): AreaFigures {
  const found = figures.get(areaId);
  // The service reads every area a request names before planning; a miss is a bug, not bad input.
  if (found === undefined) throw new InternalError(`area "${areaId}" was not read before planning the license change.`);
  return found;
}

/**
 * The plain-text summary of a request, for the host to mail to its vendor.
 *
 * @param request - the request without its summary
 * @returns a few lines: what is asked, for which area(s), the figures when requested, the request id
 */
export function licenseRequestSummary(request: Omit<AddLicenseRequest, 'summary'> | Omit<MoveLicenseRequest, 'summary'>): string {
  const lines =
    request.type === 'add'
      ? [
          `License purchase request ${request.id}`,
          '',
          `Please add ${request.quantity} user licenses to ${request.areaName} (${request.areaId}).`,
          `Licenses now: ${request.maxUsersBefore}; in use: ${request.using}; after the purchase: ${request.maxUsersAfter}.`,
        ]
      : [
          `License move request ${request.id}`,
          '',
          `Please move ${request.quantity} user licenses from ${request.fromName} (${request.from}) to ${request.toName} (${request.to}).`,
          `${request.fromName}: ${request.fromMaxUsersBefore} licenses, ${request.fromUsing} in use; after the move: ${request.fromMaxUsersBefore - request.quantity}.`,
          `${request.toName}: ${request.toMaxUsersBefore} licenses, ${request.toUsing} in use; after the move: ${request.toMaxUsersBefore + request.quantity}.`,
        ];
  lines.push(`Requested at: ${request.requestedAt}`);
  if (request.note !== null) lines.push(`Note: ${request.note}`);
  return lines.join('\n');
}
