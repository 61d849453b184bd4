import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createEventBus, type PipelineEvent } from '../../../src/pipeline/events.js';
import { CHECKPOINT_DIR, openCheckpoints } from '../../../src/pipeline/persistence/checkpoints.js';
import { startPipeline } from '../../../src/pipeline/run.js';
import { deadLetterFile } from '../../../src/sinks/dead-letter.js';
import { ndjsonSink } from '../../../src/sinks/ndjson.js';
import type { Sink } from '../../../src/sinks/sink.js';
import type { Source } from '../../../src/sources/source.js';
import { faultySink, plannedSource } from '../../helpers/faults.js';
import { tempDir } from '../../helpers/temp.js';

async function run(out: string, sources: Source[], sink: Sink, resume: boolean, during?: (events: PipelineEvent[]) => void) {
  const checkpoints = await openCheckpoints({ out, sink, resume, targets: sources.map((s) => ({ name: s.name, kind: s.kind, fingerprint: 'f' })) });
  const bus = createEventBus();
  const events: PipelineEvent[] = [];
  bus.subscribe((e) => {
    events.push(e);
    during?.(events);
  });
  const pipeline = startPipeline(
    checkpoints.skipDone(sources),
    { concurrency: 4, sink, deadLetters: deadLetterFile(out, 'a'), checkpoints, metricsIntervalMs: 1000 },
    bus.emit,
  );
  return { summary: await pipeline.done, checkpoints, events };
}
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('checkpoints', () => {
  it('a chunk the disk refused leaves the checkpoint before it; --resume then writes it once', async () => {
    const out = tempDir();
    const a = plannedSource('a', { chunks: 6, records: 3, delayMs: 1, bad: [] });
    const first = await run(out, [a], faultySink(ndjsonSink(out), new Set(['a/3'])), false);
    const result = first.summary.sources[0]!;
    assert.equal(result.state, 'failed');
    assert.match(result.error ?? '', /cannot persist chunk 3: ENOSPC: no space left on device/);
    assert.deepEqual({ persisted: result.persisted, dropped: result.dropped }, { persisted: 9, dropped: 3 });
    const checkpoint = first.checkpoints.current('a')!;
    assert.deepEqual(checkpoint.cursor, { seq: 3 });
    assert.equal(checkpoint.position?.bytes, statSync(join(out, 'a.ndjson')).size);
    assert.equal(checkpoint.done, false);

    const second = await run(out, [a], ndjsonSink(out), true);
    assert.equal(second.summary.sources[0]!.persisted, 9, 'only chunks 3 to 5 are read again');
    assert.deepEqual(
      lines(join(out, 'a.ndjson')).map((l) => JSON.parse(l).seq),
      [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5],
    );
    assert.equal(second.checkpoints.current('a')!.done, true);
  });

  it('a checkpoint that cannot be written fails its source with a clear error; the accounting still balances', async () => {
    const out = tempDir();
    const a = plannedSource('a', { chunks: 20, records: 2, delayMs: 2, bad: [] });
    let broken = false;
    const { summary } = await run(out, [a], ndjsonSink(out), false, (events) => {
      if (!broken && events.some((e) => e.type === 'chunk' && e.seq === 2)) {
        broken = true; // the checkpoint directory becomes a file: every later checkpoint write fails
        rmSync(join(out, CHECKPOINT_DIR), { recursive: true });
        writeFileSync(join(out, CHECKPOINT_DIR), '');
      }
    });
    const result = summary.sources[0]!;
    assert.equal(result.state, 'failed');
    assert.match(result.error ?? '', /cannot write checkpoint .*a\.json: ENOTDIR/);
    assert.equal(result.records, result.persisted + result.deadLettered + result.dropped);
  });

  it("--resume cuts a torn line and dead letters past the checkpoint; other sources' dead letters stay", async () => {
    const out = tempDir();
    const a = plannedSource('a', { chunks: 6, records: 2, delayMs: 1, bad: [1, 9], failAt: 3 });
    const first = await run(out, [a], ndjsonSink(out), false);
    assert.deepEqual(first.checkpoints.current('a')!.cursor, { seq: 3 });
    // What a kill -9 in the middle of chunk 3 leaves behind, plus another source's dead letter.
    appendFileSync(join(out, 'a.ndjson'), '{"name":"a","seq":3,"index":0,"_ingest":{"source":"a","seq":3,"ind');
    appendFileSync(
      join(out, 'dead-letter.ndjson'),
      `${JSON.stringify({ source: 'a', seq: 4, index: 1, reason: 'x', excerpt: '' })}\n${JSON.stringify({ source: 'other', seq: 0, index: 0, reason: 'y', excerpt: '' })}\n{"source":"a","se`,
    );
    const healthy = plannedSource('a', { chunks: 6, records: 2, delayMs: 1, bad: [1, 9] });
    await run(out, [healthy], ndjsonSink(out), true);
    assert.deepEqual(
      lines(join(out, 'a.ndjson')).map((l) => `${JSON.parse(l).seq}/${JSON.parse(l).index}`),
      ['0/0', '1/0', '1/1', '2/0', '2/1', '3/0', '3/1', '4/0', '5/0', '5/1'],
    );
    const dead = lines(join(out, 'dead-letter.ndjson'))
      .map((l) => JSON.parse(l))
      .map((d) => `${d.source} ${d.seq}/${d.index}`)
      .sort();
    assert.deepEqual(dead, ['a 0/1', 'a 4/1', 'other 0/0']);
  });
});
