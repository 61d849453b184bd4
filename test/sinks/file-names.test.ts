import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { outputPath, safeFileName } from '../../src/sinks/file-names.js';

describe('safe file names', () => {
  const hostile = [
    '../../x',
    '/abs/path',
    '..',
    '.',
    '.hidden',
    'a/b',
    'a\\b',
    'evil\u001b[2J',
    'bell\u0007',
    'c1\u009b',
    'rtl\u202e',
    'new\nline',
    '\u0000',
    'données',
    'x'.repeat(5000),
    'dead-letter',
    'Dead-Letter',
    'CON',
    ' ',
    '-rf',
  ];

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

describe('safe file names on case-insensitive and Windows file systems', () => {
  const windowsDevice = (file: string) => /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(file.split('.')[0]!);

  it('names that differ only by case get files that differ case-insensitively too', () => {
    const names = ['orders', 'Orders', 'ORDERS', 'oRdErS', 'api.v2', 'API.V2', 'a_b', 'A_B'];
    const files = names.map((n) => safeFileName(n).toLowerCase());
    assert.equal(new Set(files).size, names.length, files.join(' '));
  });

  it('plain lowercase names are still their own file names (outputs and checkpoints of older runs)', () => {
    for (const name of ['orders', 'orders-0001', 'api.v2', 'event-log', 'clicks_2024', 'x'.repeat(80), 'console', 'con-1', 'lpt', 'nul1']) {
      assert.equal(safeFileName(name), name);
    }
  });

  it('never a Windows device name, whatever the case or extension, nor a trailing dot', () => {
    const names = ['CON', 'con', 'Con', 'NUL', 'nul', 'aux.txt', 'AUX.tar.gz', 'com1', 'COM9', 'lpt1.orders', 'prn', 'orders.', 'orders..'];
    const files = new Set<string>();
    for (const name of names) {
      const file = safeFileName(name);
      assert.ok(!windowsDevice(file) && !windowsDevice(`${file}.ndjson`), `${name} -> ${file}`);
      assert.ok(!file.endsWith('.'), `${name} -> ${file}`);
      assert.match(file, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      files.add(file.toLowerCase());
    }
    assert.equal(files.size, names.length, 'all distinct');
  });
});
