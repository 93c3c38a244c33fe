/**
 * Dates as the export writes them: exactly `Date.prototype.toISOString()`, but
 * about three times cheaper, because a million-user export formats a million
 * dates per date column.
 *
 * @module
 */

/** `00` to `99`, so two-digit fields are looked up instead of padded. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * A formatter giving exactly what `date.toISOString()` gives
 * (`2026-03-01T09:30:00.000Z`). Years 0 to 9999 are assembled from the UTC
 * fields; other years (written `+010000-...` / `-000001-...`) and invalid dates
 * (a `RangeError`) go to `toISOString` itself. The formatter remembers the last
 * instant it formatted: users created in one batch share it, and follow each
 * other in the export.
 *
 * @returns `(date) => text`, one per export column
 */
export function isoDateFormatter(): (date: Date) => string {
  let lastTime = Number.NaN;
  let lastText = '';
  return (date) => {
    const time = date.getTime();
    if (time === lastTime) return lastText;
    lastText = isoDateTime(date);
    lastTime = time;
    return lastText;
  };
}

function isoDateTime(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  const ms = date.getUTCMilliseconds();
  const yyyy = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  const mmm = ms >= 100 ? String(ms) : ms >= 10 ? `0${ms}` : `00${ms}`;
  return `${yyyy}-${TWO_DIGITS[date.getUTCMonth() + 1]}-${TWO_DIGITS[date.getUTCDate()]}T${TWO_DIGITS[date.getUTCHours()]}:${TWO_DIGITS[date.getUTCMinutes()]}:${TWO_DIGITS[date.getUTCSeconds()]}.${mmm}Z`;
}
