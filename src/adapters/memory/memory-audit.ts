import { redactedAuditEvent, type AuditEvent, type TimeCursor } from '../../core/audit.js';
import type { AuditEventFilter, AuditEventPage, TimePageRequest } from '../../ports/repository.js';

/** An event's place in time order. */
interface TimeKey {
  readonly at: number;
  readonly id: string;
}

/** Orders by time, then id (code units). */
export function compareTimeKeys(a: TimeKey, b: TimeKey): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The committed audit trail of an in-memory repository: the events by id, and
 * three lists of their keys in time order (all, per user, per area) that serve
 * the listing filters as the indexes of a SQL store would: a page starts by a
 * binary search and reads backwards from there.
 */
export class MemoryAuditTrail {
  readonly #events = new Map<string, AuditEvent>();
  readonly #all: TimeKey[] = [];
  readonly #byUser = new Map<string, TimeKey[]>();
  readonly #byArea = new Map<string, TimeKey[]>();

  /** Keeps events (private copies, made by the caller). */
  append(events: readonly AuditEvent[]): void {
    for (const event of events) {
      const key = { at: event.at.getTime(), id: event.id };
      this.#events.set(event.id, event);
      insertSorted(this.#all, key);
      if (event.userId !== null) insertSorted(listOf(this.#byUser, event.userId), key);
      if (event.areaId !== null) insertSorted(listOf(this.#byArea, event.areaId), key);
    }
  }

  /** Removes the fields that name a person from every event of the user. */
  redact(userId: string): void {
    for (const key of this.#byUser.get(userId) ?? []) {
      const event = this.#events.get(key.id);
      if (event !== undefined) this.#events.set(key.id, redactedAuditEvent(event));
    }
  }

  /** One page, newest first: from the narrowest list the filter allows, read backwards from the cursor. */
  list(filter: AuditEventFilter, page: TimePageRequest): AuditEventPage {
    const keys = filter.userId !== undefined ? (this.#byUser.get(filter.userId) ?? []) : filter.areaId !== undefined ? (this.#byArea.get(filter.areaId) ?? []) : this.#all;
    let index = keys.length;
    const bounds: TimeKey[] = [];
    if (page.after !== null) bounds.push({ at: page.after.at.getTime(), id: page.after.id });
    // Strictly before `until`: before every key at that time.
    if (filter.until !== undefined) bounds.push({ at: filter.until.getTime(), id: '' });
    for (const bound of bounds) index = Math.min(index, lowerBound(keys, bound));
    const since = filter.since?.getTime() ?? -Infinity;
    const events: AuditEvent[] = [];
    let next: TimeCursor | null = null;
    while (--index >= 0) {
      const key = keys[index] as TimeKey;
      if (key.at < since) break;
      const event = this.#events.get(key.id);
      if (event === undefined || !matches(event, filter)) continue;
      if (events.length === page.limit) {
        const last = events[events.length - 1] as AuditEvent;
        next = { at: last.at, id: last.id };
        break;
      }
      events.push(event);
    }
    return { events: structuredClone(events), next: next === null ? null : structuredClone(next) };
  }

  /** Deletes the events strictly before `before`; returns how many. */
  purge(before: Date): number {
    const bound = { at: before.getTime(), id: '' };
    const cut = (keys: TimeKey[]) => keys.splice(0, lowerBound(keys, bound));
    const removed = cut(this.#all);
    for (const key of removed) this.#events.delete(key.id);
    for (const lists of [this.#byUser, this.#byArea]) {
      for (const [owner, keys] of lists) {
        cut(keys);
        if (keys.length === 0) lists.delete(owner);
      }
    }
    return removed.length;
  }
}

function matches(event: AuditEvent, filter: AuditEventFilter): boolean {
  return (filter.userId === undefined || event.userId === filter.userId) && (filter.areaId === undefined || event.areaId === filter.areaId);
}

function listOf(lists: Map<string, TimeKey[]>, owner: string): TimeKey[] {
  const keys = lists.get(owner);
  if (keys !== undefined) return keys;
  const created: TimeKey[] = [];
  lists.set(owner, created);
  return created;
}

/** Inserts in order; appends are nearly always at the end. */
function insertSorted(keys: TimeKey[], key: TimeKey): void {
  const last = keys[keys.length - 1];
  if (last === undefined || compareTimeKeys(last, key) < 0) keys.push(key);
  else keys.splice(lowerBound(keys, key), 0, key);
}

/** The first index whose key is not before `key`. */
function lowerBound(keys: readonly TimeKey[], key: TimeKey): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareTimeKeys(keys[mid] as TimeKey, key) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
