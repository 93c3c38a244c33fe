/**
 * Active Directory's `objectGUID` is 16 bytes whose first three fields are
 * stored little-endian (the Windows GUID layout), so the string AD tools show
 * (`Get-ADUser`, the `<GUID=...>` DN form) is not the bytes in order.
 */

/**
 * Formats a binary GUID the way Windows shows it, in lower case:
 * `00112233-4455-6677-8899-aabbccddeeff` for the bytes
 * `33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff`. `null` unless it is 16 bytes.
 *
 * @param bytes - the attribute's value as read
 */
export function formatWindowsGuid(bytes: Uint8Array): string | null {
  if (bytes.length !== 16) return null;
  const hex = (from: number, to: number, reversed: boolean): string => {
    const part = Array.from(bytes.subarray(from, to), (byte) => byte.toString(16).padStart(2, '0'));
    return (reversed ? part.reverse() : part).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}
