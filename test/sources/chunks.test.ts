import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { type Batch, ChunkCollector } from '../../src/sources/chunks.js';
import { database, databaseSchema } from '../../src/sources/database.js';
import { lineChunks } from '../../src/sources/lines.js';
import type { Chunk } from '../../src/sources/source.js';
import { attachClock, Clock } from '../../src/util/clock.js';
import { mockTime } from '../helpers/mock-time.js';

/** Every chunk `records` make, one byte each, the rest at the end included. */
function collectAll<T>(size: number, records: T[]): Batch<T>[] {
  const chunk = new ChunkCollector<T>(size);
  const out: Batch<T>[] = [];
  for (const record of records) {
    const full = chunk.add(record, 1);
    if (full) out.push(full);
  }
  const rest = chunk.rest();
  if (rest) out.push(rest);
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('ChunkCollector', () => {
  it('an exact multiple makes only full chunks, and nothing is left over', () => {
    assert.deepEqual(
      collectAll(3, range(6)).map((b) => b.records),
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
    );
    assert.deepEqual(
      collectAll(1, range(3)).map((b) => b.records),
      [[0], [1], [2]],
    );
  });

  it('one record past a multiple is a last chunk of its own', () => {
    assert.deepEqual(
      collectAll(3, range(7)).map((b) => b.records),
      [[0, 1, 2], [3, 4, 5], [6]],
    );
    assert.deepEqual(collectAll(5, range(2)), [{ records: [0, 1], bytes: 2 }], 'fewer than one chunk');
  });

  it('empty input makes no chunk at all', () => {
    assert.deepEqual(collectAll(3, []), []);
    assert.equal(new ChunkCollector(3).rest(), undefined);
  });

  it('hands a chunk on with its last record, not with the next one', () => {
    const chunk = new ChunkCollector<string>(2);
    assert.equal(chunk.add('a', 2), undefined);
    assert.deepEqual(chunk.add('b', 3), { records: ['a', 'b'], bytes: 5 });
    assert.equal(chunk.rest(), undefined, 'started over');
  });

  it('bytes without a record belong to the chunk in progress; discard drops both', () => {
    const chunk = new ChunkCollector<string>(2);
    chunk.addBytes(1); // a blank line before the first record
    chunk.add('a', 4);
    chunk.discard();
    chunk.addBytes(1);
    assert.deepEqual(chunk.add('b', 4), undefined);
    chunk.addBytes(2); // blank lines at the end: a last chunk of bytes only is still one
    assert.deepEqual(chunk.rest(), { records: ['b'], bytes: 7 });
    chunk.addBytes(2);
    assert.deepEqual(chunk.rest(), { records: [], bytes: 2 });
  });

  it('refuses a chunk size below one', () => {
    assert.throws(() => new ChunkCollector(0), RangeError);
    assert.throws(() => new ChunkCollector(Number.NaN), RangeError);
  });
});

describe('a chunk cut short by an abort', () => {
  it('lines: the full chunks before it are handed on, the partial one never, and the abort reason comes out as it is', async () => {
    const controller = new AbortController();
    const reason = new DOMException('cancelled by a test', 'AbortError');
    async function* body() {
      yield Buffer.from('{"a":1}\n{"a":2}\n{"a":3}\n{"a":4}\n'); // one chunk of 3, and one record of the next
      controller.signal.throwIfAborted(); // as a stream handed the signal ends
    }
    const seen: unknown[][] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of lineChunks(body(), { chunkRecords: 3, maxRecordBytes: 1e3 })) {
          seen.push(chunk.records);
          controller.abort(reason);
        }
      })(),
      (err) => err === reason,
    );
    assert.deepEqual(seen, [['{"a":1}', '{"a":2}', '{"a":3}']]);
  });

  it('database: aborted after 6 rows of chunks of 4, one chunk comes out, the connection closes, the abort goes on up', async (t: TestContext) => {
    const time = mockTime(t);
    const controller = new AbortController();
    attachClock(controller.signal, new Clock());
    const reason = new DOMException('cancelled by a test', 'AbortError');
    const config = databaseSchema.parse({ name: 'db', kind: 'database', rows: 10, chunkRows: 4, connectDelay: '10ms', rowDelay: '10ms', closeDelay: '10ms' });
    const notes: string[] = [];
    const chunks: Chunk[] = [];
    const read = (async () => {
      for await (const chunk of database.create(config, { baseDir: '/', seed: 1, slowmo: 1 }).read({ signal: controller.signal, note: (n) => notes.push(n) }))
        chunks.push(chunk);
    })();
    read.catch(() => {}); // asserted below, once time has run
    await time.until(() => performance.now() >= 75); // connected at 10 ms, rows at 20, 30, … 70: the chunk of rows 0-3 and two rows more
    assert.deepEqual(
      chunks.map((c) => c.records.length),
      [4],
    );
    controller.abort(reason);
    await time.until(() => notes.includes('connection closed')); // the close (10 ms)
    await assert.rejects(read, (err) => err === reason);
    assert.deepEqual(
      chunks.map((c) => c.cursor),
      [{ seq: 1 }],
      'rows 4 and 5 were not handed on: a resumed run reads them again',
    );
    assert.deepEqual(notes, ['connecting…', 'connection open', 'closing…', 'connection closed']);
  });
});
