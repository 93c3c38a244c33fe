/**
 * The one granted seat decision, shared and frozen: a bulk import decides a
 * seat per row and keeps every decision, so each grant is not a new object.
 * Internal: not part of the public surface.
 *
 * @module
 */

/** `{ ok: true }`, frozen: a `SeatGranted` (spelled out here, so this module imports nothing). */
export const SEAT_GRANTED: { readonly ok: true } = Object.freeze({ ok: true });
