import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulated, simulatedSchema } from '../../src/sources/simulated.js';
import type { Chunk } from '../../src/sources/source.js';

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
