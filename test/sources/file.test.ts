import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { file } from '../../src/sources/file.js';
import type { Chunk, Cursor } from '../../src/sources/source.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

async function readAll(path: string, chunkRecords: number, resumeFrom?: Cursor, signal = new AbortController().signal) {
  const source = file.create({ name: 'f', kind: 'file', path, chunkRecords }, { baseDir: '/', seed: 1, slowmo: 1 });
  const chunks: Chunk[] = [];
  for await (const chunk of source.read({ signal, resumeFrom, note: () => {} })) chunks.push(chunk);
  return chunks;
}

describe('file source', () => {
  it('yields chunks of chunkRecords lines with byte offsets as cursors', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ i, text: 'é' }));
    const path = join(writeFiles(tempDir(), { 'a.ndjson': `${lines.join('\n')}\n` }), 'a.ndjson');
    const chunks = await readAll(path, 3);
    assert.deepEqual(chunks.map((c) => c.records.length), [3, 3, 1]);
    assert.deepEqual(chunks.map((c) => c.seq), [0, 1, 2]);
    const total = Buffer.byteLength(`${lines.join('\n')}\n`);
    assert.equal(chunks.at(-1)!.cursor.offset, total);
    assert.equal(chunks.reduce((n, c) => n + c.bytes, 0), total);
    assert.equal(chunks[0]!.cursor.offset, Buffer.byteLength(`${lines.slice(0, 3).join('\n')}\n`), 'offsets count bytes, not characters');
  });

  it('handles CRLF, blank lines and a last line without a newline', async () => {
    const path = join(writeFiles(tempDir(), { 'a.ndjson': '{"a":1}\r\n\r\n{"a":2}\n\n{"a":3}' }), 'a.ndjson');
    const chunks = await readAll(path, 10);
    assert.deepEqual(chunks.flatMap((c) => c.records), ['{"a":1}', '{"a":2}', '{"a":3}']);
  });

  it('resumes exactly after the last persisted line', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `{"i":${i}}`);
    const path = join(writeFiles(tempDir(), { 'a.ndjson': `${lines.join('\n')}\n` }), 'a.ndjson');
    const first = await readAll(path, 4);
    const resumed = await readAll(path, 4, first[0]!.cursor);
    assert.deepEqual(resumed.flatMap((c) => c.records), lines.slice(4));
    assert.deepEqual(resumed.map((c) => c.seq), [1, 2]);
  });

  it('lines longer than a read buffer arrive whole', async () => {
    const long = JSON.stringify({ blob: 'x'.repeat(700_000) });
    const path = join(writeFiles(tempDir(), { 'a.ndjson': `${long}\n{"b":1}\n` }), 'a.ndjson');
    const chunks = await readAll(path, 1);
    assert.deepEqual(chunks.map((c) => (c.records[0] as string).length), [long.length, 7]);
  });

  it('stops with an AbortError when aborted', async () => {
    const path = join(writeFiles(tempDir(), { 'a.ndjson': '{"a":1}\n'.repeat(10_000) }), 'a.ndjson');
    const controller = new AbortController();
    const source = file.create({ name: 'f', kind: 'file', path, chunkRecords: 10 }, { baseDir: '/', seed: 1, slowmo: 1 });
    let n = 0;
    await assert.rejects(async () => {
      for await (const _ of source.read({ signal: controller.signal, note: () => {} })) if (++n === 2) controller.abort();
    }, { name: 'AbortError' });
  });

  it('a missing file fails the read with the OS error code', async () => {
    await assert.rejects(readAll(join(tempDir(), 'missing.ndjson'), 10), { code: 'ENOENT' });
  });
});
