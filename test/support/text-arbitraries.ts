/** fast-check arbitraries of text that breaks naive validation: shared by the tests of the schemas' hand-written twins. */
import fc from 'fast-check';

/**
 * Text that reaches every branch of the text schemas: padding zod trims,
 * control characters, quotes and punctuation, non-ASCII, and lengths on both
 * sides of each limit (200 for ids, 255 for usernames, 500 for display names).
 */
export const trickyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\u0000', '\u001f', '\u007f', "'", '"', '.', '@', '-', '+', '_', 'a', 'Z', '0', 'é', '日'), {
      maxLength: 12,
    })
    .map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom('', ' ', '\t'), fc.integer({ min: 195, max: 505 }), fc.constantFrom('', ' ', '\u0001'))
    .map(([pad, length, end]) => `${pad}${'x'.repeat(length)}${end}`),
);

/** Addresses valid and not: local parts with dots, apostrophes and pluses, odd domains, padding. */
export const emailLike = fc
  .tuple(
    fc.constantFrom('', ' ', '\t'),
    fc.array(fc.constantFrom('a', 'Z', '0', '_', "'", '+', '-', '.', '..', ' ', 'é'), { minLength: 0, maxLength: 6 }).map((p) => p.join('')),
    fc.constantFrom('@', '@@', ''),
    fc.constantFrom('example.com', 'mail.example.org', 'x.y', '-bad.com', 'a.b-c.de', 'localhost', 'ex_ample.com', 'example.c0m'),
    fc.constantFrom('', ' ', '\n'),
  )
  .map((parts) => parts.join(''));
