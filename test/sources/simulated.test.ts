import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { simulated, simulatedSchema } from '../../src/sources/simulated.js';
import type { Chunk } from '../../src/sources/source.js';
import { attachClock, Clock } from '../../src/util/clock.js';
import { mockTime } from '../helpers/mock-time.js';

const make = (fields: Record<string, unknown>, seed = 1) =>
  simulated.create(simulatedSchema.parse({ name: 's', kind: 'simulated', latency: '1ms', ...fields }), { baseDir: '/', seed, slowmo: 1 });

async function collect(fields: Record<string, unknown>, seed = 1, signal = new AbortController().signal) {
  const chunks: Chunk[] = [];
  for await (const chunk of make(fields, seed).read({ signal, note: () => {} })) chunks.push(chunk);
  return chunks;
}

describe('simulated source', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await collect({ chunks: 3, recordsPerChunk: 5, jitter: 0.5 }, 42);
    const b = await collect({ chunks: 3, recordsPerChunk: 5, jitter: 0.5 }, 42);
    const c = await collect({ chunks: 3, recordsPerChunk: 5, jitter: 0.5 }, 43);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('every record carries source, seq and index', async () => {
    const chunks = await collect({ chunks: 2, recordsPerChunk: 3 });
    const records = chunks.flatMap((c) => c.records.map((r) => JSON.parse(r as string)));
    assert.deepEqual(
      records.map((r) => [r.source, r.seq, r.index]),
      [
        ['s', 0, 0],
        ['s', 0, 1],
        ['s', 0, 2],
        ['s', 1, 0],
        ['s', 1, 1],
        ['s', 1, 2],
      ],
    );
  });

  it('badRecords makes about that fraction malformed', async () => {
    const records = (await collect({ chunks: 10, recordsPerChunk: 200, badRecords: 0.1, latency: '0ms' })).flatMap((c) => c.records as string[]);
    const bad = records.filter((r) => {
      try {
        JSON.parse(r);
        return false;
      } catch {
        return true;
      }
    }).length;
    assert.ok(bad > 120 && bad < 280, `${bad} of 2000 malformed`);
  });

  it('failAt throws at that chunk after yielding the ones before', async () => {
    const seen: number[] = [];
    await assert.rejects(
      async () => {
        for await (const chunk of make({ chunks: 5, failAt: 2 }).read({ signal: new AbortController().signal, note: () => {} })) seen.push(chunk.seq);
      },
      { code: 'E_SOURCE', message: 'simulated failure at chunk 2' },
    );
    assert.deepEqual(seen, [0, 1]);
  });

  it('hangAt waits until the signal aborts, then rejects with its reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('stop', 'TimeoutError')), 30);
    await assert.rejects(collect({ chunks: 5, hangAt: 1 }, 1, controller.signal), { name: 'TimeoutError' });
  });

  it('resumes from a cursor with the same records', async () => {
    const all = await collect({ chunks: 4, recordsPerChunk: 2, jitter: 0.3 });
    const rest: Chunk[] = [];
    for await (const chunk of make({ chunks: 4, recordsPerChunk: 2, jitter: 0.3 }).read({
      signal: new AbortController().signal,
      resumeFrom: { seq: 2 },
      note: () => {},
    }))
      rest.push(chunk);
    assert.deepEqual(rest, all.slice(2));
  });
});

describe('simulated source: 02-wait-timeout, as in the lecture', () => {
  it('only the cancelled job cleans up: the finished ones end at their own times, the straggler after its cleanup', async (t: TestContext) => {
    const time = mockTime(t);
    const run = new AbortController();
    attachClock(run.signal, new Clock());
    const jobs = JSON.parse(readFileSync('fixtures/lecture/02-wait-timeout/jobs.json', 'utf8')) as Record<string, unknown>[];
    const ends: Record<string, { at: number; how: string; notes: string[] }> = {};
    const settled = jobs.map(async (fields) => {
      const source = simulated.create(simulatedSchema.parse(fields), { baseDir: '/', seed: 1, slowmo: 1 });
      const notes: string[] = [];
      let how = 'done';
      try {
        for await (const _ of source.read({ signal: run.signal, note: (text) => notes.push(text) }));
      } catch (err) {
        how = err === run.signal.reason ? 'cancelled' : `failed: ${err}`; // the cancellation itself goes on up
      }
      ends[source.name] = { at: performance.now(), how, notes };
    });
    await time.until(() => performance.now() >= 1200);
    run.abort(new DOMException('cancelled at the run deadline', 'AbortError')); // asyncio.wait(timeout=1.2), then cancel()
    await time.until(() => Object.keys(ends).length === jobs.length);
    await Promise.all(settled);
    assert.deepEqual(ends, {
      'job-0.5s': { at: 500, how: 'done', notes: [] },
      'job-1.0s': { at: 1000, how: 'done', notes: [] },
      'job-2.0s': { at: 1300, how: 'cancelled', notes: ['cleaning up after: cancelled at the run deadline', 'cleanup done'] },
    });
  });
});
