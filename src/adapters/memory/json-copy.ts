import type { JsonValue } from '../../ports/repository.js';

/**
 * A copy of a JSON value: plain objects and arrays copied member by member,
 * primitives as they are. Settings are small JSON values, one of them written
 * on every seat change (the notification watch's record), where
 * `structuredClone` would cost more than the rest of the write. Anything that
 * is not plain JSON falls back to `structuredClone`.
 *
 * @param value - the value to copy
 * @returns an equal value sharing nothing changeable with `value`
 */
export function copyJson(value: JsonValue): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: { [key: string]: JsonValue } = {};
  for (const key in value) copy[key] = copyJson((value as { readonly [key: string]: JsonValue })[key] as JsonValue);
  return copy;
}
