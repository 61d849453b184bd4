import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { outputPath, safeFileName } from '../../src/sinks/file-names.js';

describe('safe file names', () => {
  const hostile = ['../../x', '/abs/path', '..', '.', '.hidden', 'a/b', 'a\\b', 'evil\u001b[2J', 'bell\u0007', 'c1\u009b', 'rtl\u202e', 'new\nline', '\u0000', 'données', 'x'.repeat(5000), 'dead-letter', 'Dead-Letter', 'CON', ' ', '-rf'];

  it('every name becomes a plain file name inside --out; names that changed carry a hash, so none collide', () => {
    const names = new Set<string>();
    for (const name of hostile) {
      const file = safeFileName(name);
      assert.match(file, /^[A-Za-z0-9][A-Za-z0-9._-]*$/, JSON.stringify(name));
      assert.ok(file.length <= 91, `${file.length} characters`);
      assert.ok(!relative('/out', outputPath('/out', name, '.ndjson')).startsWith('..'));
      names.add(file);
    }
    assert.equal(names.size, hostile.length, 'all distinct');
    assert.equal(safeFileName('orders'), 'orders', 'plain names stay as they are');
    assert.equal(safeFileName('x'.repeat(5000)), safeFileName('x'.repeat(5000)), 'and the mapping is stable across runs');
  });

  it("a source cannot take the name of ingest-tui's own files", () => {
    assert.notEqual(safeFileName('dead-letter'), 'dead-letter');
    assert.notEqual(safeFileName('dead-letter'), safeFileName('Dead-Letter'));
  });
});
