import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSources } from '../../src/pipeline/config.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

const sim = (name: string) => ({ name, kind: 'simulated', chunks: 1 });

/** Two files, one source each: the error loading them, or undefined when they load. */
async function loadPair(first: string, second: string): Promise<string | undefined> {
  const dir = writeFiles(tempDir(), { 'a.json': sim(first), 'b.json': sim(second) });
  return loadSources(dir).then(
    () => undefined,
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_CONFIG');
      return err.message;
    },
  );
}

describe('source names that would look the same on screen', () => {
  it('are refused, in one line naming both files and spelling both names out', async () => {
    const posers: Array<[string, string]> = [
      ['orders', '\u001b[1morders'], // an escape sequence, stripped before any terminal sees it
      ['café', 'cafe\u0301'], // composed and decomposed
      ['orders', 'ｏｒｄｅｒｓ'], // fullwidth
      ['orders', 'orders '], // padding hides it
      ['or?ders', 'or\u200bders'], // both show as or?ders
      ['a b', 'a\u00a0b'],
    ];
    for (const [first, second] of posers) {
      const message = await loadPair(first, second);
      assert.ok(message, `${JSON.stringify(second)} posing as ${JSON.stringify(first)} was accepted`);
      assert.match(message, /b\.json: name: source name ".*" looks the same as ".*" \(in .*a\.json\) once shown; rename one$/);
      assert.ok(!message.includes('\n'), 'one line');
      assert.doesNotMatch(message, /[^\x20-\x7e…]/, `every name spelled out in printable ASCII: ${message}`);
      assert.ok(message.includes(JSON.stringify(first).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)), message);
    }
  });

  it('exact duplicates keep their message', async () => {
    assert.match((await loadPair('orders', 'orders'))!, /b\.json: name: duplicate source name "orders" \(also in .*a\.json\)$/);
  });

  it('names that are told apart on screen are fine: case, a visible "?" for an invisible character, other words', async () => {
    for (const [first, second] of [
      ['orders', 'Orders'],
      ['orders', 'or\u200bders'],
      ['注文', '注文-2'],
      ['CON', 'con'],
    ]) {
      assert.equal(await loadPair(first!, second!), undefined, `${first} / ${second}`);
    }
  });
});
