import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usernameKey } from '../../src/core/schemas.js';
import { SEARCH_FIELD_SEPARATOR, SEARCH_GRAM_LENGTH, searchGrams, searchKey, searchKeyGrams, searchLikePattern, userSearchKey } from '../../src/core/search.js';

describe('searchKey', () => {
  it('folds case and accents: EMILE, émile, Émile and a decomposed e + combining acute are one text', () => {
    for (const text of ['EMILE', 'émile', 'Émile', 'E\u0301MILE', 'e\u0301mile', 'emile']) expect(searchKey(text)).toBe('emile');
  });

  it('folds the way usernames fold first, then drops every combining mark', () => {
    for (const text of ['  Zoë ', 'Ärger', 'ñandú', 'ÅSA', 'Crème Brûlée', 'Ωmega', '李雷']) {
      expect(searchKey(text)).toBe(usernameKey(text).normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC').trim());
    }
    expect(searchKey('Crème Brûlée')).toBe('creme brulee');
    expect(searchKey('ÅSA')).toBe('asa');
  });

  it('width and full case folding come from the username fold: fullwidth letters, ß and SS', () => {
    expect(searchKey('Ｅｍｉｌｅ')).toBe('emile');
    expect(searchKey('Straße')).toBe('strasse');
    expect(searchKey('STRASSE')).toBe('strasse');
  });

  it('letters of their own are not base letters with a mark: ø, æ, ł stay themselves', () => {
    expect(searchKey('Øystein')).toBe('øystein');
    expect(searchKey('Æsir')).toBe('æsir');
    expect(searchKey('Łódź')).toBe('łodz');
  });

  it('recomposes what decomposition split without a mark: Hangul syllables stay syllables', () => {
    expect(searchKey('한국')).toBe('한국');
  });

  it('a text of marks only folds to nothing', () => {
    expect(searchKey('\u0301\u0308')).toBe('');
    expect(searchKey('   ')).toBe('');
    expect(searchKey('zola \u0301')).toBe('zola');
  });

  it('is idempotent, and NFC and NFD forms of any text fold alike', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: fc.constantFrom(' ', 'e', 'É', '\u0301', '\u0308', 'İ', 'ß', '한', 'ﬁ', 'Ω'), maxLength: 12 })), (text) => {
        const key = searchKey(text);
        expect(searchKey(key)).toBe(key);
        expect(searchKey(text.normalize('NFD'))).toBe(searchKey(text.normalize('NFC')));
      }),
    );
  });
});

describe('userSearchKey', () => {
  it('joins the folded username, display name and email with a control character; a missing field is empty', () => {
    expect(userSearchKey({ username: 'EZola', displayName: 'Émile Zola', email: 'Emile@Example.org' })).toBe(
      ['ezola', 'emile zola', 'emile@example.org'].join(SEARCH_FIELD_SEPARATOR),
    );
    expect(userSearchKey({ username: 'bob', displayName: null, email: null })).toBe(`bob${SEARCH_FIELD_SEPARATOR}${SEARCH_FIELD_SEPARATOR}`);
    expect(SEARCH_FIELD_SEPARATOR).toMatch(/^[\u0000-\u001f]$/);
  });
});

describe('searchLikePattern', () => {
  it('wraps the folded text in % and escapes the LIKE wildcards and the escape character, so they match themselves', () => {
    expect(searchLikePattern('Émile')).toBe('%emile%');
    expect(searchLikePattern('50%')).toBe('%50\\%%');
    expect(searchLikePattern('a_b')).toBe('%a\\_b%');
    expect(searchLikePattern('C:\\Users')).toBe('%c:\\\\users%');
  });
});

describe('search grams', () => {
  it('a stored key holds every run of 1 to 3 code points of each field, none across a separator', () => {
    expect(searchKeyGrams(['zoe', '', 'z@x'].join(SEARCH_FIELD_SEPARATOR))).toEqual(['@', '@x', 'e', 'o', 'oe', 'x', 'z', 'z@', 'z@x', 'zo', 'zoe']);
    // Code points, not UTF-16 units: a character outside the BMP is one.
    expect(searchKeyGrams('a😀b')).toEqual(['a', 'a😀', 'a😀b', 'b', '😀', '😀b']);
    expect(SEARCH_GRAM_LENGTH).toBe(3);
  });

  it('a search needs its folded text as one gram when shorter than 3, else each of its trigrams; nothing when it folds to nothing', () => {
    expect(searchGrams('Émile')).toEqual(['emi', 'ile', 'mil']);
    expect(searchGrams('LI')).toEqual(['li']);
    expect(searchGrams('李')).toEqual(['李']);
    expect(searchGrams('aaaa')).toEqual(['aaa']);
    expect(searchGrams('  ')).toEqual([]);
  });

  it('never misses a match: whenever a stored key contains a search, it holds every gram the search needs', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'e', 'É', ' ', '\u0301', 'ß', 'İ', '李', '😀', '@', '.'), fc.constantFrom(...'zoli')), maxLength: 14 });
    fc.assert(
      fc.property(text, fc.option(text), fc.option(text), fc.nat(), fc.nat(), (username, displayName, email, a, b) => {
        const key = userSearchKey({ username, displayName, email });
        const field = key.split(SEARCH_FIELD_SEPARATOR)[a % 3] ?? '';
        const points = Array.from(field);
        const start = a % (points.length + 1);
        const search = points.slice(start, start + (b % 6)).join('');
        expect(key.includes(searchKey(search))).toBe(true);
        const held = new Set(searchKeyGrams(key));
        for (const gram of searchGrams(search)) expect(held.has(gram), `${JSON.stringify(search)} needs ${JSON.stringify(gram)}`).toBe(true);
      }),
    );
  });
});
