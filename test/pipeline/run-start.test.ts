import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSources, loadSources } from '../../src/pipeline/config.js';
import { createEventBus } from '../../src/pipeline/events.js';
import { startPipeline } from '../../src/pipeline/run.js';
import { discardDeadLetters } from '../../src/sinks/dead-letter.js';
import { noneSink } from '../../src/sinks/sink.js';
import { createStore } from '../../src/ui/model/store.js';
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

    // Turns of the event loop seen while the sources were starting (between the first and the last source-start).
    let turns = 0;
    let starting = false;
    let started = 0;
    bus.subscribe((e) => {
      if (e.type === 'source-start') starting = ++started < sources.length;
    });
    const tick = () => {
      if (starting) turns += 1;
      if (started < sources.length) setImmediate(tick);
    };
    setImmediate(tick);
    const summary = await startPipeline(sources, { concurrency: 10_000, sink: noneSink(), deadLetters: discardDeadLetters }, bus.emit).done;

    assert.equal(maxRunning, 10_000, 'all ten thousand were running at the same time');
    assert.equal(summary.states.done, 10_000);
    // Started in one go, the loop was held for ~150-300 ms here; in slices of ~5 ms it turns between them.
    assert.ok(turns >= 2, `the event loop turned ${turns} times while 10,000 sources started`);
  });
});
