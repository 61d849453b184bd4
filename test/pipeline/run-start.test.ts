import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createEventBus } from '../../src/pipeline/events.js';
import { createSources, loadSources } from '../../src/pipeline/config.js';
import { startPipeline } from '../../src/pipeline/run.js';
import { createStore } from '../../src/pipeline/store.js';
import { discardDeadLetters } from '../../src/sinks/dead-letter.js';
import { noneSink } from '../../src/sinks/sink.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

describe('run start', () => {
  it('starting 10,000 sources at once leaves the event loop free to turn: every source runs, no long block', async () => {
    // Sources that wait a second before their first chunk: until then only the start costs anything.
    const dir = writeFiles(tempDir(), { 'conn.json': { name: 'conn', kind: 'simulated', count: 10_000, chunks: 1, recordsPerChunk: 1, latency: '1s' } });
    const loaded = await loadSources(join(dir, 'conn.json'));
    const sources = createSources(loaded.configs, { seed: 1, slowmo: 1 });
    const bus = createEventBus();
    const store = createStore();
    bus.subscribe(store.apply);
    let running = 0;
    let maxRunning = 0;
    bus.subscribe((e) => {
      if (e.type === 'source-start') maxRunning = Math.max(maxRunning, ++running);
      if (e.type === 'source-end') running -= 1;
    });

    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    const pipeline = startPipeline(sources, { concurrency: 10_000, sink: noneSink(), deadLetters: discardDeadLetters }, bus.emit);
    await sleep(800);
    clearInterval(ticker);
    const summary = await pipeline.done;

    assert.equal(maxRunning, 10_000, 'all ten thousand were running at the same time');
    assert.equal(summary.states.done, 10_000);
    // Started in one go, the loop was held for ~150-300 ms here; in slices of ~5 ms it turns
    // every few ms. The bound is loose: two shared cores, and a GC may land in the window.
    assert.ok(longestGap < 100, `the event loop was held for ${longestGap.toFixed(0)} ms while sources started`);
  });
});
