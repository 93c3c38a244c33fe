/**
 * Comparing distinguished names the way a directory does (RFC 4514): attribute
 * types and values ignoring case, spaces around separators ignored, `\,` and
 * `\2C` the same character, the parts of a multi-valued RDN in any order.
 * Placement rules compare an entry's DN and its groups with these.
 */

/** A DN as a list of normalised RDNs, the entry's own RDN first. */
export type NormalisedDn = readonly string[];

/**
 * Splits and normalises a DN, or `null` when it is malformed (an RDN without
 * `=`, a dangling escape). The empty DN is the empty list.
 *
 * @param dn - a DN string, e.g. `uid=ann,ou=People,dc=example,dc=com`
 */
export function normaliseDn(dn: string): NormalisedDn | null {
  const rdns: string[] = [];
  let parts: string[] = [];
  let type = '';
  let bytes: number[] = [];
  let inValue = false;
  // Spaces are kept while reading; only unescaped ones at a value's ends are trimmed.
  let trailingSpaces = 0;
  const endPart = (): boolean => {
    if (!inValue) return false;
    const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
    const name = type.trim().toLowerCase();
    if (name === '') return false;
    parts.push(`${name}=${value.toLowerCase()}`);
    type = '';
    bytes = [];
    inValue = false;
    trailingSpaces = 0;
    return true;
  };
  const text = dn.trim();
  if (text === '') return [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (!inValue) {
      if (char === '=') inValue = true;
      else if (char === ',' || char === '+' || char === '\\') return null;
      else type += char;
      continue;
    }
    if (char === '\\') {
      const next = text[i + 1];
      if (next === undefined) return null;
      const hex = text.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(next, 'utf8'));
        i += 1;
      }
      trailingSpaces = 0;
    } else if (char === ',' || char === '+') {
      if (!endPart()) return null;
      if (char === ',') {
        rdns.push(rdnKey(parts));
        parts = [];
      }
    } else if (char === ' ' && bytes.length === 0) {
      // a leading space of a value is not part of it
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
      trailingSpaces = char === ' ' ? trailingSpaces + 1 : 0;
    }
  }
  if (!endPart()) return null;
  rdns.push(rdnKey(parts));
  return rdns;
}

/** One RDN's parts in a fixed order, quoted so that a decoded `,` or `+` in a value cannot run into the next part. */
function rdnKey(parts: readonly string[]): string {
  return JSON.stringify([...parts].sort());
}

/**
 * Whether `dn` is `suffix` or lies below it, comparing whole RDNs (so
 * `ou=partners,dc=example,dc=com` is not a suffix of `uid=x,ou=xpartners,dc=example,dc=com`).
 */
export function isWithin(dn: NormalisedDn, suffix: NormalisedDn): boolean {
  if (suffix.length > dn.length) return false;
  const offset = dn.length - suffix.length;
  return suffix.every((rdn, index) => dn[offset + index] === rdn);
}

/** A DN in one string form for set lookups. */
export function dnKey(dn: NormalisedDn): string {
  return dn.join('\n');
}
