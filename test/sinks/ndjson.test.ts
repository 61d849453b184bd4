import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { outputPath, safeFileName } from '../../src/sinks/file-names.js';
import { ndjsonSink } from '../../src/sinks/ndjson.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('safe file names', () => {
  it('keeps plain names and maps hostile ones to unique names inside --out', () => {
    assert.equal(safeFileName('orders-0001'), 'orders-0001');
    const hostile = ['../../x', '/etc/passwd', '..', '.', '', 'a\u001b[2Jb', 'x'.repeat(5000), 'con', 'a/b', 'a_b'];
    const names = hostile.map(safeFileName);
    assert.equal(new Set(names).size, names.length, 'no two names share a file');
    for (const name of names) {
      assert.match(name, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      assert.ok(name.length <= 100);
    }
    const out = tempDir();
    for (const name of hostile) assert.ok(outputPath(out, name, '.ndjson').startsWith(`${out}/`));
  });
});

describe('ndjson sink', () => {
  it('writes one file per source, one record per line, and closes every file', async () => {
    const out = join(tempDir(), 'nested', 'out');
    const sink = ndjsonSink(out);
    await sink.open();
    await sink.write('a', { seq: 0, lines: ['{"n":1}', '{"n":2}'], rejected: [], cursor: { seq: 1 } });
    await sink.write('../b', { seq: 0, lines: ['{"n":3}'], rejected: [], cursor: { seq: 1 } });
    await sink.write('a', { seq: 1, lines: ['{"n":4}'], rejected: [], cursor: { seq: 2 } });
    await sink.endSource('a');
    await sink.close();
    const files = readdirSync(out).sort();
    assert.equal(files.length, 2);
    assert.equal(readFileSync(join(out, 'a.ndjson'), 'utf8'), '{"n":1}\n{"n":2}\n{"n":4}\n');
    assert.ok(
      files.some((f) => /^b-[0-9a-f]{10}\.ndjson$/.test(f)),
      files.join(','),
    );
  });

  it('an output directory that cannot be created rejects open()', async () => {
    await assert.rejects(ndjsonSink('/proc/version/out').open());
  });

  it('a write that cannot happen rejects instead of crashing the process', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'a.ndjson')); // a directory where the file should go
    const sink = ndjsonSink(out);
    await sink.open();
    // Not rewound, so not known to be ours: created exclusively, EEXIST rather than EISDIR.
    await assert.rejects(sink.write('a', { seq: 0, lines: ['{}'], rejected: [], cursor: { seq: 1 } }), { code: 'EEXIST' });
    await assert.rejects(sink.close(), { code: 'EEXIST' });
  });

  it('a file already there that no rewind() made its own is never truncated', async () => {
    const out = writeFiles(tempDir(), { 'a.ndjson': 'not ours\n' });
    const sink = ndjsonSink(out);
    await sink.open();
    await assert.rejects(sink.write('a', { seq: 0, lines: ['{}'], rejected: [], cursor: { seq: 1 } }), { code: 'EEXIST' });
    await sink.close().catch(() => {});
    assert.equal(readFileSync(join(out, 'a.ndjson'), 'utf8'), 'not ours\n');
  });
});
