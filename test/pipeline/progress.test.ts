import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fractionOf, RunProgress } from '../../src/pipeline/progress.js';
import type { Source } from '../../src/sources/source.js';
import { Probe, run, testSource } from '../helpers/sources.js';

const source = (name: string, expected?: Source['expected']): Source => ({
  name,
  kind: 'test',
  expected,
  async *read() {},
});
const chunk = (bytes = 0) => ({ chunks: 1, bytes });

describe('whole-run progress', () => {
  it('a source counts by the chunks, else the bytes, it said to expect, never past all of it', () => {
    assert.equal(fractionOf({ chunks: 4 }, { chunks: 1, bytes: 999 }), 0.25);
    assert.equal(fractionOf({ bytes: 200 }, { chunks: 9, bytes: 50 }), 0.25);
    assert.equal(fractionOf({ chunks: 2 }, { chunks: 3, bytes: 0 }), 1);
    assert.equal(fractionOf(undefined, { chunks: 3, bytes: 10 }), undefined);
  });

  it('every source weighs the same; an ended one is all done, whatever its state', () => {
    const a = source('a', { chunks: 4 });
    const b = source('b', { bytes: 100 });
    const p = new RunProgress([a, b]);
    assert.equal(p.estimate(0).progress, 0);
    p.read(a, { chunks: 1, bytes: 10 }, chunk(10));
    p.read(b, { chunks: 1, bytes: 50 }, chunk(50));
    assert.equal(p.estimate(100).progress, (0.25 + 0.5) / 2);
    p.ended(a, { chunks: 1, bytes: 10 }); // failed after one chunk of four: its share is over
    assert.equal(p.estimate(200).progress, (1 + 0.5) / 2);
    p.ended(b, { chunks: 1, bytes: 50 });
    assert.deepEqual(p.estimate(300), { progress: 1, etaMs: 0 });
  });

  it('unknown while a source of unknown length has not ended; known again once it has', () => {
    const known = source('known', { chunks: 2 });
    const stream = source('stream'); // an HTTP body with no length
    const p = new RunProgress([known, stream]);
    p.read(known, { chunks: 1, bytes: 0 }, chunk());
    p.read(stream, { chunks: 5, bytes: 500 }, chunk(100));
    assert.deepEqual(p.estimate(1000), {});
    p.ended(stream, { chunks: 5, bytes: 500 });
    assert.equal(p.estimate(1000).progress, (0.5 + 1) / 2);
  });

  it('an ETA only once enough is done, at the pace so far, and never past the deadline', () => {
    const s = source('s', { chunks: 100 });
    const p = new RunProgress([s]);
    p.read(s, { chunks: 1, bytes: 0 }, chunk());
    assert.deepEqual(p.estimate(2000), { progress: 0.01 }, '1% done: no guess');
    for (let n = 2; n <= 25; n++) p.read(s, { chunks: n, bytes: 0 }, chunk());
    assert.deepEqual(p.estimate(100), { progress: 0.25 }, 'too early to say');
    assert.deepEqual(p.estimate(1000), { progress: 0.25, etaMs: 3000 });
    assert.deepEqual(p.estimate(1000, 2500), { progress: 0.25, etaMs: 1500 }, 'the deadline ends the run first');
  });

  it('no sources: nothing to say', () => {
    assert.deepEqual(new RunProgress([]).estimate(1000), {});
  });

  it('metrics events carry it during a run; it only grows and reaches 1 at the end', async () => {
    const probe = new Probe();
    const sources = Array.from({ length: 6 }, (_, i) => testSource(`s${i}`, probe, { chunks: 5, delayMs: 20 }));
    const { pipeline, events } = run(sources, { concurrency: 2, metricsIntervalMs: 10 });
    await pipeline.done;
    const seen = events.flatMap((e) => (e.type === 'metrics' && e.progress !== undefined ? [e.progress] : []));
    assert.ok(seen.length >= 2, `progress in ${seen.length} metrics events`);
    assert.deepEqual(
      seen,
      [...seen].sort((x, y) => x - y),
      'never goes back',
    );
    assert.equal(seen.at(-1), 1, 'the last sample, after every source ended');
    assert.ok(
      seen.some((p) => p > 0 && p < 1),
      'something in between',
    );
  });
});
