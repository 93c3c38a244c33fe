import { describe, expect, it } from 'vitest';
import { canonicalUsername, usernameProblem } from '../../src/core/username.js';
import { createUserInputSchema, emailSchema, idSchema } from '../../src/core/schemas.js';

describe('canonicalUsername (RFC 8265 UsernameCaseMapped with full case folding)', () => {
  it.each([
    ['émile composed and decomposed', '\u00e9mile', 'e\u0301mile'],
    ['case', 'Alice', 'aLICE'],
    ['full case folding: ß is ss', 'straße', 'STRASSE'],
    ['width mapping: fullwidth letters', '\uff21\uff44\uff4d\uff49\uff4e', 'admin'],
    ['surrounding spaces', '  bob ', 'bob'],
    ['an invisible character (a name stored before the rule refusing it)', 'admin\u200b', 'admin'],
    ['a soft hyphen', 'ad\u00admin', 'admin'],
  ])('%s compare equal', (_, a, b) => {
    expect(canonicalUsername(a)).toBe(canonicalUsername(b));
  });

  it('keeps names that look different apart', () => {
    expect(canonicalUsername('bob')).not.toBe(canonicalUsername('bób'));
    expect(canonicalUsername('a.b')).not.toBe(canonicalUsername('ab'));
  });
});

describe('usernameProblem', () => {
  it.each([
    ['a zero-width space', 'admin\u200b', 'invisible-character'],
    ['a soft hyphen', 'ad\u00admin', 'invisible-character'],
    ['a word joiner', 'ad\u2060min', 'invisible-character'],
    ['a variation selector', 'admin\ufe0f', 'invisible-character'],
    ['a right-to-left override', 'ab\u202ecd', 'bidi-control'],
    ['a Cyrillic а among Latin letters', '\u0430dmin', 'mixed-script'],
    ['Greek and Latin', '\u03bfpen', 'mixed-script'],
    ['a private-use code point', 'x\ue000', 'unassigned-character'],
  ])('refuses %s', (_, name, rule) => {
    expect(usernameProblem(name)?.rule).toBe(rule);
  });

  it.each(['alice', 'émile', 'straße', 'jean-luc.o_brien', 'Ελλάδα', 'Москва', '山田太郎', 'yamada山田', '山田たろう', 'user 42', '😀cool'])(
    'allows %s',
    (name) => {
      expect(usernameProblem(name)).toBeNull();
    },
  );
});

describe('stored text', () => {
  it.each([
    ['a NUL', 'a\u0000b'],
    ['a line break', 'a\nb'],
    ['a C1 control', 'a\u0085b'],
    ['a lone surrogate', 'x\ud800'],
  ])('refuses %s in any field', (_, text) => {
    expect(idSchema.safeParse(text).success).toBe(false);
    expect(createUserInputSchema.safeParse({ username: text, areaId: 'primary' }).success).toBe(false);
    expect(createUserInputSchema.safeParse({ username: 'ok', areaId: 'primary', displayName: text }).success).toBe(false);
  });

  it('an empty display name means none', () => {
    expect(createUserInputSchema.parse({ username: 'ok', areaId: 'primary', displayName: '' }).displayName).toBeNull();
  });

  it('email: at most 254 characters, at most 64 before the @ (RFC 5321)', () => {
    expect(emailSchema.safeParse(`${'a'.repeat(64)}@example.com`).success).toBe(true);
    expect(emailSchema.safeParse(`${'a'.repeat(65)}@example.com`).success).toBe(false);
    const long = `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(57)}.com`;
    expect(long.length).toBeGreaterThan(254);
    expect(emailSchema.safeParse(long).success).toBe(false);
  });
});
