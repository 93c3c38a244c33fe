import {
  auditLogOptionsSchema,
  decodeTimeCursor,
  encodeTimeCursor,
  purgeAuditLogOptionsSchema,
  type AuditEvent,
  type AuditLogOptions,
  type PurgeAuditLogOptions,
} from '../core/audit.js';
import { InvalidInputError } from '../errors.js';
import type { ServiceContext } from './context.js';
import { parseInput } from './validate.js';

/** One page of the audit trail, newest first. */
export interface AuditLogPage {
  /** The events, newest first (events of the same instant in the reverse order they happened). */
  readonly events: readonly AuditEvent[];
  /** Pass as `after` to read the next page; `null` exactly when no older event matches. */
  readonly next: string | null;
}

/** Reading and pruning the audit trail: who changed what, when. */
export interface AuditApi {
  /**
   * Reads the audit trail newest first, one page at a time: every change of a
   * user, area, partner organization, license count or the responsible person,
   * with who made it (the `actor` the write was given, or the library's system
   * actor) and the fields that changed, before and after. Filters combine;
   * each is served by an index, so a page costs the same however deep it lies.
   *
   * @param options - `userId`, `areaId`, `since` (inclusive), `until` (exclusive), `after` (a `next` cursor), `limit` (default 100, at most 1,000)
   * @returns the page and the cursor of the next one
   * @throws InvalidInputError when an option or the cursor is malformed
   * @example
   * ```ts
   * let after: string | undefined;
   * do {
   *   const page = await seats.auditLog({ userId, limit: 50, ...(after ? { after } : {}) });
   *   for (const e of page.events) console.log(e.at.toISOString(), e.actor.id, e.action, e.before, '->', e.after);
   *   after = page.next ?? undefined;
   * } while (after);
   * ```
   */
  auditLog(options?: AuditLogOptions): Promise<AuditLogPage>;
  /**
   * Deletes the audit events older than a time, for a retention policy (e.g.
   * run nightly with `before` one year ago). Nothing else changes.
   *
   * @param options - `before`: events strictly before it are deleted
   * @returns how many events were deleted
   * @throws InvalidInputError when `before` is not a valid Date
   * @example
   * ```ts
   * const removed = await seats.purgeAuditLog({ before: new Date(Date.now() - 365 * 86_400_000) });
   * ```
   */
  purgeAuditLog(options: PurgeAuditLogOptions): Promise<number>;
}

/** The page size of `auditLog` when none is given. */
const DEFAULT_AUDIT_PAGE = 100;

/** Builds the {@link AuditApi}. */
export function auditApi(context: ServiceContext): AuditApi {
  return {
    async auditLog(options = {}) {
      const { after, limit = DEFAULT_AUDIT_PAGE, ...filter } = parseInput(auditLogOptionsSchema, options, 'auditLog options');
      const cursor = after === undefined ? null : decodeTimeCursor(after);
      if (after !== undefined && cursor === null) {
        throw new InvalidInputError('auditLog options', [{ path: ['after'], code: 'custom', message: 'must be a next cursor returned by auditLog' }]);
      }
      const page = await context.repository.listAuditEvents(filter, { after: cursor, limit });
      return { events: page.events, next: page.next === null ? null : encodeTimeCursor(page.next) };
    },

    async purgeAuditLog(options) {
      const { before } = parseInput(purgeAuditLogOptionsSchema, options, 'purgeAuditLog options');
      return context.repository.purgeAuditEvents(before);
    },
  };
}
