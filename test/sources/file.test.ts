import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { file } from '../../src/sources/file.js';
import type { Chunk, Cursor } from '../../src/sources/source.js';
import { endOf, run } from '../helpers/sources.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

/** A file source as a source file would declare it. */
function fileSource(fields: Record<string, unknown>) {
  return file.create(file.schema.parse({ name: 'f', kind: 'file', ...fields }), { baseDir: '/', seed: 1, slowmo: 1 });
}

async function readAll(path: string, chunkRecords: number, resumeFrom?: Cursor, signal = new AbortController().signal) {
  const source = fileSource({ path, chunkRecords });
  const chunks: Chunk[] = [];
  for await (const chunk of source.read({ signal, resumeFrom, note: () => {} })) chunks.push(chunk);
  return chunks;
}

describe('file source', () => {
  it('yields chunks of chunkRecords lines with byte offsets as cursors', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ i, text: 'é' }));
    const path = join(writeFiles(tempDir(), { 'a.ndjson': `${lines.join('\n')}\n` }), 'a.ndjson');
    const chunks = await readAll(path, 3);
    assert.deepEqual(
      chunks.map((c) => c.records.length),
      [3, 3, 1],
    );
    assert.deepEqual(
      chunks.map((c) => c.seq),
      [0, 1, 2],
    );
    const total = Buffer.byteLength(`${lines.join('\n')}\n`);
    assert.equal(chunks.at(-1)!.cursor.offset, total);
    assert.equal(
      chunks.reduce((n, c) => n + c.bytes, 0),
      total,
    );
    assert.equal(chunks[0]!.cursor.offset, Buffer.byteLength(`${lines.slice(0, 3).join('\n')}\n`), 'offsets count bytes, not characters');
  });

  it('handles CRLF, blank lines and a last line without a newline', async () => {
    const path = join(writeFiles(tempDir(), { 'a.ndjson': '{"a":1}\r\n\r\n{"a":2}\n\n{"a":3}' }), 'a.ndjson');
    const chunks = await readAll(path, 10);
    assert.deepEqual(
      chunks.flatMap((c) => c.records),
      ['{"a":1}', '{"a":2}', '{"a":3}'],
    );
  });

  it('resumes exactly after the last persisted line', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `{"i":${i}}`);
    const path = join(writeFiles(tempDir(), { 'a.ndjson': `${lines.join('\n')}\n` }), 'a.ndjson');
    const first = await readAll(path, 4);
    const resumed = await readAll(path, 4, first[0]!.cursor);
    assert.deepEqual(
      resumed.flatMap((c) => c.records),
      lines.slice(4),
    );
    assert.deepEqual(
      resumed.map((c) => c.seq),
      [1, 2],
    );
  });

  it('lines longer than a read buffer arrive whole', async () => {
    const long = JSON.stringify({ blob: 'x'.repeat(700_000) });
    const path = join(writeFiles(tempDir(), { 'a.ndjson': `${long}\n{"b":1}\n` }), 'a.ndjson');
    const chunks = await readAll(path, 1);
    assert.deepEqual(
      chunks.map((c) => (c.records[0] as string).length),
      [long.length, 7],
    );
  });

  it('stops with an AbortError when aborted', async () => {
    const path = join(writeFiles(tempDir(), { 'a.ndjson': '{"a":1}\n'.repeat(10_000) }), 'a.ndjson');
    const controller = new AbortController();
    const source = fileSource({ path, chunkRecords: 10 });
    let n = 0;
    await assert.rejects(
      async () => {
        for await (const _ of source.read({ signal: controller.signal, note: () => {} })) if (++n === 2) controller.abort();
      },
      { name: 'AbortError' },
    );
  });

  it('a missing file fails the read with the OS error code', async () => {
    await assert.rejects(readAll(join(tempDir(), 'missing.ndjson'), 10), { code: 'ENOENT' });
  });
});

describe('file source: what is not a plain file', () => {
  /** A FIFO in a fresh directory. Afterwards its write end is opened and closed once, so that no open() of it is left waiting. */
  function fifo(t: TestContext): string {
    const path = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [path]);
    t.after(() => {
      try {
        closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // nobody was reading it
      }
    });
    return path;
  }

  /** A shell that writes `lines` into the FIFO (open() waits for the reader), then holds it open for `holdS` (as `sleep`, killed after the test). */
  function writer(t: TestContext, path: string, lines: string[], holdS = 0) {
    const child = spawn('sh', ['-c', `exec 3>"$0"; printf '%s\\n' "$@" >&3; exec sleep ${holdS}`, path, ...lines], { stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    return child;
  }

  it('a FIFO is read until its writer closes it', { timeout: 20_000 }, async (t) => {
    const path = fifo(t);
    writer(t, path, ['{"a":1}', '{"a":2}', '{"a":3}']);
    const chunks = await readAll(path, 2);
    assert.deepEqual(
      chunks.flatMap((c) => c.records),
      ['{"a":1}', '{"a":2}', '{"a":3}'],
    );
    assert.equal(fileSource({ path }).expected, undefined, 'a FIFO has no size to show progress against');
  });

  it('a FIFO nobody writes to: the source times out (open() does not wait for a writer)', { timeout: 20_000 }, async (t) => {
    const path = fifo(t);
    const { pipeline, events } = run([fileSource({ path, timeout: '300ms' })]);
    await pipeline.done;
    assert.deepEqual([endOf(events, 'f').state, endOf(events, 'f').error], ['timed-out', 'timed out after 300ms']);
  });

  it('a FIFO whose writer falls silent: cancel ends the read, and what came is kept', { timeout: 20_000 }, async (t) => {
    const path = fifo(t);
    writer(t, path, ['{"a":1}'], 30);
    const { pipeline, events, bus } = run([fileSource({ path, chunkRecords: 1 })]);
    bus.subscribe((e) => void (e.type === 'chunk' && pipeline.cancel('f')));
    await pipeline.done;
    assert.deepEqual([endOf(events, 'f').state, endOf(events, 'f').persisted], ['cancelled', 1]);
  });

  it('a character device or a directory is refused with the reason', async () => {
    await assert.rejects(readAll('/dev/zero', 10), {
      code: 'E_SOURCE',
      message: '/dev/zero is a character device: a file source reads a regular file or a FIFO',
    });
    const dir = tempDir();
    await assert.rejects(readAll(dir, 10), { code: 'E_SOURCE', message: `${dir} is a directory: a file source reads a regular file or a FIFO` });
  });
});

describe('file source: hostile lines', () => {
  it('a line that is not valid UTF-8 is dead-lettered, the rest persisted, and the source is done', async () => {
    const path = join(tempDir(), 'a.ndjson');
    writeFileSync(path, Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from([0xe9]), Buffer.from('"}\n{"c":3}\n')]));
    const { pipeline, events } = run([fileSource({ path })]);
    await pipeline.done;
    const end = endOf(events, 'f');
    assert.deepEqual([end.state, end.records, end.persisted, end.deadLettered], ['done', 3, 2, 1]);
    assert.deepEqual(
      events.filter((e) => e.type === 'dead-letter').map((e) => (e as { index: number; reason: string }).reason),
      ['not valid UTF-8'],
    );
  });

  it('a 20 MB line past maxRecordBytes is dead-lettered with only its start kept; the source goes on', { timeout: 20_000 }, async () => {
    const path = join(tempDir(), 'a.ndjson');
    writeFileSync(path, `{"a":1}\n{"blob":"${'x'.repeat(20e6)}"}\n{"b":2}\n`);
    const { pipeline, events } = run([fileSource({ path, maxRecordBytes: '1mb' })]);
    await pipeline.done;
    const end = endOf(events, 'f');
    assert.deepEqual([end.state, end.records, end.persisted, end.deadLettered, end.bytes], ['done', 3, 2, 1, 20_000_028]);
    assert.deepEqual(
      events.filter((e) => e.type === 'dead-letter').map((e) => (e as { reason: string }).reason),
      ['record larger than maxRecordBytes (1 MB): 20 MB'],
    );
  });

  it('maxRecordBytes is a size of at most 256mb', () => {
    assert.equal(file.schema.parse({ name: 'f', kind: 'file', path: 'x' }).maxRecordBytes, 16e6, 'the documented default');
    const refused = file.schema.safeParse({ name: 'f', kind: 'file', path: 'x', maxRecordBytes: '300mb' });
    assert.deepEqual(
      refused.error?.issues.map((i) => [i.path, i.message]),
      [[['maxRecordBytes'], 'must be at most "256mb"']],
    );
  });
});
