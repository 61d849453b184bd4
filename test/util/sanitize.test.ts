import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { displayKey, jsonLine, safeText } from '../../src/util/sanitize.js';

/** Every character class a terminal does not show as itself (Cc, Cf, Zl, Zp, Co, Cn, Cs, default-ignorables). */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;

/** Any string: any code point, lone surrogates included, with invisible ones and escapes more likely. */
const anyText = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0x10ffff }),
      fc.constantFrom(
        0x1b,
        0x9b,
        0x7,
        0x0,
        0x7f,
        0x85,
        0xad,
        0x200b,
        0x200d,
        0x2060,
        0xfeff,
        0x202e,
        0x2028,
        0xfe0f,
        0x0301,
        0x034f,
        0x3164,
        0xd800,
        0xdfff,
        0xe0001,
        0xe000,
        0x0378,
        0xffff,
      ),
      fc.constantFrom(0x61, 0x20, 0x5b, 0x6d, 0x31, 0x3f),
    ),
    { maxLength: 40 },
  )
  .map((codePoints) => String.fromCodePoint(...codePoints));

describe('safeText', () => {
  it('shows every invisible or format character as "?": zero-width, joiners, BOM, soft hyphen, tags, private use, unassigned, lone surrogates', () => {
    const hidden = [
      '\u200b',
      '\u200c',
      '\u200d',
      '\u2060',
      '\ufeff',
      '\u00ad',
      '\u061c',
      '\u180e',
      '\u2061',
      '\u206a',
      '\ufff9', // Cf
      '\u{e0001}',
      '\u{e0041}',
      '\u{1d173}', // tags, musical format characters (astral Cf)
      '\u2028',
      '\u2029',
      '\u0085',
      '\u0090',
      '\u007f',
      '\u0000',
      '\u0007', // Zl, Zp, C1, DEL, C0
      '\ue000',
      '\u{f0000}',
      '\u{10fffd}', // private use
      '\u0378',
      '\uffff',
      '\u{10ffff}', // unassigned, noncharacters
      '\ud800',
      '\udfff', // lone surrogates
      '\ufe0f',
      '\u{e0100}',
      '\u034f',
      '\u115f',
      '\u3164',
      '\uffa0',
      '\u180b',
      '\u2800', // variation selectors, fillers, blanks
    ];
    for (const c of hidden) assert.equal(safeText(`a${c}b`), 'a?b', `U+${c.codePointAt(0)!.toString(16)}`);
  });

  it('a combining mark with nothing to sit on is shown as "?"; on a letter it stays', () => {
    assert.equal(safeText('\u0301orders'), '?orders');
    assert.equal(safeText('a \u0301\u0302b'), 'a ?b');
    assert.equal(safeText('cafe\u0301'), 'cafe\u0301');
    assert.equal(safeText('Vie\u0323\u0302t'), 'Vie\u0323\u0302t');
  });

  it('escape sequences go, line breaks and tabs are a space, other spaces a plain one; visible text is left as it is', () => {
    assert.equal(safeText('\u001b[31mred\u001b[0m\u001b]0;title\u0007'), 'red');
    assert.equal(safeText('a\r\n\tb'), 'a b');
    assert.equal(safeText('a\u00a0b\u3000c'), 'a b c');
    for (const text of ['orders-0001', 'données', '日本語の注文', 'café', 'Ελληνικά', 'עברית', '👍', 'a  b', 'x?y']) assert.equal(safeText(text), text);
  });

  it('for any text: nothing hidden is left, every "cell" is seen (display width is the character count for ASCII-only results)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = safeText(text, Infinity);
        assert.doesNotMatch(shown, HIDDEN, JSON.stringify(shown));
        assert.doesNotMatch(shown, /^\p{M}|\s\p{M}/u, 'no mark stands alone');
        if (/^[\x20-\x7e]*$/.test(shown)) assert.equal(stringWidth(shown), shown.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('names that differed only by invisible characters keep the same table width as their visible length', () => {
    for (const name of ['or\u200bders', '\ufeffapi', 'x\u2060\u2060y']) {
      const shown = safeText(name);
      assert.equal(stringWidth(shown), shown.length, JSON.stringify(shown));
      assert.ok(shown.length === [...name].length, 'one "?" per hidden character: nothing vanishes');
    }
  });

  it('cuts long text with an ellipsis, never inside a surrogate pair', () => {
    assert.equal(safeText('abcdef', 4), 'abc…');
    assert.equal(safeText('ab👍cd', 4), 'ab…');
    assert.equal(safeText('x'.repeat(600)).length, 500);
  });
});

describe('displayKey: names that look the same on screen have the same key', () => {
  it('escape sequences, composed and decomposed accents, fullwidth letters, no-break, edge and doubled spaces', () => {
    const same: Array<[string, string]> = [
      ['orders', '\u001b[1morders\u001b[0m'],
      ['café', 'cafe\u0301'],
      ['orders', 'ｏｒｄｅｒｓ'],
      ['file', '\ufb01le'],
      ['a b', 'a\u00a0b'],
      ['a b', 'a\tb'],
      ['orders', 'orders '],
      ['or?ders', 'or\u200bders'],
      ['or?ders', 'or\u200cders'],
      ['a b', 'a  b'],
    ];
    for (const [a, b] of same) assert.equal(displayKey(a), displayKey(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  });

  it('names that are told apart on screen keep different keys', () => {
    const different: Array<[string, string]> = [
      ['orders', 'Orders'],
      ['orders', 'or\u200bders'],
      ['orders', 'orders-0001'],
      ['a b', 'ab'],
      ['注文', '注文2'],
    ];
    for (const [a, b] of different) assert.notEqual(displayKey(a), displayKey(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  });
});

describe('jsonLine', () => {
  it('for any value: the same value for a JSON reader, and no raw control, format or invisible character on the line', () => {
    fc.assert(
      fc.property(fc.dictionary(anyText, fc.oneof(anyText, fc.integer(), fc.array(anyText, { maxLength: 3 })), { noNullPrototype: true }), (value) => {
        const line = jsonLine(value);
        assert.deepEqual(JSON.parse(line), value);
        assert.doesNotMatch(line, HIDDEN, line);
        assert.ok(!line.includes('\n'), 'one line');
      }),
      { numRuns: 1000 },
    );
  });

  it('spells out what it escapes', () => {
    assert.equal(jsonLine({ name: 'or\u200bders\u0085\u2028\u{e0001}\u001b' }), '{"name":"or\\u200bders\\u0085\\u2028\\udb40\\udc01\\u001b"}');
    assert.equal(jsonLine({ name: 'données 日本 👍' }), '{"name":"données 日本 👍"}');
  });
});
