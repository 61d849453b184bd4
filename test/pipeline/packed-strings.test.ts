import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allStrings, packStrings, unpackStrings } from '../../src/pipeline/packed-strings.js';

describe('packed strings', () => {
  it('unpack gives back exactly the strings packed: empty ones, newlines, emoji, lone surrogates', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-composite' })), fc.array(fc.string({ unit: 'binary' })), (a, b) => {
        for (const strings of [a, b, ['', '\n', 'a\nb', '😀', '\ud800', '']]) assert.deepEqual(unpackStrings(packStrings(strings)), strings);
      }),
    );
  });

  it('packs only lists of strings', () => {
    assert.equal(allStrings(['a', '']), true);
    assert.equal(allStrings([]), true);
    assert.equal(allStrings(['a', { a: 1 }]), false);
    assert.equal(allStrings([null]), false);
  });
});
