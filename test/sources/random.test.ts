import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceRandom, mulberry32, randomFor } from '../../src/sources/random.js';

/** The hash as first written: FNV-1a over the joined string, one step per code point. */
function joinedHash(parts: Array<string | number>): number {
  let h = 2166136261;
  for (const ch of parts.join('\u0000')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

describe('randomFor', () => {
  it('gives the same numbers as hashing the joined parts, for names with NUL, accents, emoji and lone surrogates', () => {
    const cases: Array<Array<string | number>> = [
      [1, 'orders-0001', 0], [42, 'x', 17], [0, '', 0], [-5, 'é', 1e9],
      [7, 'naïve 😀 name\u0000x', 3], [3, 'a\ud800b', 1], [3, 'tail\ud83d', 2], [9, '\udc00lead', 4],
    ];
    for (const parts of cases) {
      const ours = randomFor(...parts);
      const reference = mulberry32(joinedHash(parts));
      for (let i = 0; i < 5; i++) assert.equal(ours(), reference(), JSON.stringify(parts));
    }
  });
});

describe('SourceRandom', () => {
  it('reseeded per chunk, gives the numbers randomFor(seed, name, seq) gives, in any chunk order', () => {
    const numbers = new SourceRandom(42, 'orders-0007 😀');
    for (const seq of [0, 1, 2, 17, 3, 0, 1_000_000]) {
      const chunk = numbers.chunk(seq);
      const reference = randomFor(42, 'orders-0007 😀', seq);
      for (let i = 0; i < 5; i++) assert.equal(chunk.next(), reference(), `chunk ${seq}, number ${i}`);
    }
  });
});
