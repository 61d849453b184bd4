import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32, SourceRandom } from '../../src/sources/random.js';

/** The hash as first written: FNV-1a over the joined string, one step per code point. */
function joinedHash(parts: Array<string | number>): number {
  let h = 2166136261;
  for (const ch of parts.join('\u0000')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

describe('SourceRandom', () => {
  it('gives each chunk mulberry32 seeded with the hash of "seed NUL name NUL seq", for names with NUL, accents, emoji and lone surrogates, in any chunk order', () => {
    const cases: Array<[number, string, number[]]> = [
      [1, 'orders-0001', [0, 1, 2]],
      [42, 'x', [17, 3, 17]],
      [0, '', [0]],
      [-5, 'é', [1e9, 0]],
      [7, 'naïve 😀 name\u0000x', [3, 1_000_000]],
      [3, 'a\ud800b', [1]],
      [3, 'tail\ud83d', [2]],
      [9, '\udc00lead', [4]],
    ];
    for (const [seed, name, chunks] of cases) {
      const numbers = new SourceRandom(seed, name);
      for (const seq of chunks) {
        const chunk = numbers.chunk(seq);
        const reference = mulberry32(joinedHash([seed, name, seq]));
        for (let i = 0; i < 5; i++) assert.equal(chunk.next(), reference(), JSON.stringify([seed, name, seq, i]));
      }
    }
  });
});
