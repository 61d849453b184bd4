import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { excerpt, type LineChunk, type LineOptions, LineSplitter, lineChunks } from '../../src/sources/lines.js';
import { UnreadableRecord } from '../../src/sources/unreadable.js';

async function* blocksOf(...blocks: Array<Buffer | string>) {
  for (const block of blocks) yield typeof block === 'string' ? Buffer.from(block) : block;
}

async function chunksOf(options: Partial<LineOptions>, ...blocks: Array<Buffer | string>): Promise<LineChunk[]> {
  const chunks: LineChunk[] = [];
  for await (const chunk of lineChunks(blocksOf(...blocks), { chunkRecords: 1000, maxRecordBytes: 1e6, ...options })) chunks.push(chunk);
  return chunks;
}

const recordsOf = (chunks: LineChunk[]) => chunks.flatMap((c) => c.records);

describe('lineChunks', () => {
  it('splits anywhere the same as at once: lines trimmed, blank ones dropped, every byte counted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('{"a":1}', '{"é":"ü"}', '', ' ', '\r', 'x'.repeat(40)), { maxLength: 30 }),
        fc.array(fc.nat(400)),
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        async (lines, cuts, newlineAtEnd, chunkRecords) => {
          const text = lines.join('\n') + (newlineAtEnd ? '\n' : '');
          const bytes = Buffer.from(text);
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const blocks = [0, ...at].map((from, i, all) => bytes.subarray(from, all[i + 1] ?? bytes.length));
          const chunks = await chunksOf({ chunkRecords }, ...blocks);
          assert.deepEqual(
            recordsOf(chunks),
            lines.map((l) => l.trim()).filter((l) => l !== ''),
          );
          assert.equal(
            chunks.reduce((n, c) => n + c.bytes, 0),
            bytes.length,
          );
          assert.ok(chunks.every((c, i) => c.records.length === chunkRecords || i === chunks.length - 1));
        },
      ),
    );
  });

  it('a chunk ends just past its last line, so its bytes make a cursor', async () => {
    const chunks = await chunksOf({ chunkRecords: 2 }, '{"a":1}\n\n{"a":2}\n', '\n{"a":3}\n');
    assert.deepEqual(
      chunks.map((c) => [c.records.length, c.bytes]),
      [
        [2, 17],
        [1, 9],
      ],
    );
  });

  it('skip reads past the first records, and their bytes are not counted', async () => {
    const chunks = await chunksOf({ skip: 2 }, '{"a":1}\n{"a":2}\n{"a":3}\n');
    assert.deepEqual(chunks, [{ records: ['{"a":3}'], bytes: 8 }]);
    assert.deepEqual(await chunksOf({ skip: 3 }, '{"a":1}\n{"a":2}\n{"a":3}'), []);
  });

  it('a character split between blocks is put back together', async () => {
    const bytes = Buffer.from('{"e":"é"}\n');
    const chunks = await chunksOf({}, bytes.subarray(0, 7), bytes.subarray(7));
    assert.deepEqual(recordsOf(chunks), ['{"e":"é"}']);
  });

  it('a line that is not valid UTF-8 is an UnreadableRecord with its bytes escaped; the next line is read', async () => {
    const chunks = await chunksOf({}, Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), '{"b":2}\n', Buffer.from([0xc3, 0x28]));
    const [bad, good, truncated] = recordsOf(chunks);
    assert.deepEqual(bad, new UnreadableRecord('not valid UTF-8', '{\\xff\\xfe}'));
    assert.equal(good, '{"b":2}');
    assert.deepEqual(truncated, new UnreadableRecord('not valid UTF-8', '\\xc3('));
  });

  it('a line past maxRecordBytes is an UnreadableRecord with its start; the lines around it are read', async () => {
    const long = 'x'.repeat(5_000);
    const chunks = await chunksOf({ maxRecordBytes: 1000 }, '{"a":1}\n{"blob":"', long, long, '"}\n{"b":2}\n{"c":"', long);
    const records = recordsOf(chunks);
    assert.deepEqual(
      records.slice(0, 3).map((r) => (r instanceof UnreadableRecord ? r.reason : r)),
      ['{"a":1}', 'record larger than maxRecordBytes (1 kB): 10 kB', '{"b":2}'],
    );
    assert.equal((records[1] as UnreadableRecord).excerpt, `{"blob":"${'x'.repeat(191)}`);
    assert.equal((records[3] as UnreadableRecord).reason, 'record larger than maxRecordBytes (1 kB): 5.01 kB', 'the last line, with no newline, too');
    assert.equal(
      chunks.reduce((n, c) => n + c.bytes, 0),
      8 + 10_000 + 12 + 8 + 6 + 5_000,
    );
    assert.equal(recordsOf(await chunksOf({ maxRecordBytes: 1000 }, `${'y'.repeat(1000)}\n`))[0], 'y'.repeat(1000), 'exactly maxRecordBytes is fine');
  });

  it('a 20 MB line past maxRecordBytes is let go while it streams: what is held stays under a block', () => {
    const lines = new LineSplitter({ chunkRecords: 1, maxRecordBytes: 1e6 });
    const block = Buffer.alloc(64 * 1024, 'a');
    let held = 0;
    for (let sent = 0; sent < 20e6; sent += block.length) {
      assert.deepEqual(lines.push(block), []);
      held = Math.max(held, lines.held);
    }
    assert.ok(held <= 1e6 + block.length, `held ${held} bytes of the line at most`);
    assert.equal(lines.held, 200, 'past maxRecordBytes only the excerpt is kept');
    const [chunk] = lines.push(Buffer.from('\n'));
    assert.match((chunk!.records[0] as UnreadableRecord).reason, /^record larger than maxRecordBytes \(1 MB\): 20\.1 MB$/);
    assert.equal(lines.held, 0);
  });
});

describe('excerpt', () => {
  it('keeps UTF-8 as text and shows other bytes as \\xNN, at most 200 characters', () => {
    assert.equal(excerpt(Buffer.from([0x61, 0xe2, 0x82, 0xac, 0x80, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80])), 'a€\\x80😀\\xed\\xa0\\x80');
    assert.equal(excerpt(Buffer.from('ab'.repeat(300))).length, 200);
    // Cut inside a character by the excerpt's length: the part is left out, not shown as bytes.
    assert.equal(excerpt(Buffer.from(`${'a'.repeat(199)}é`), 1000), 'a'.repeat(199));
  });
});
