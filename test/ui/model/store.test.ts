import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { noneSink } from '../../../src/sinks/sink.js';
import { busyMs, createStore } from '../../../src/ui/model/store.js';
import { Probe, run, testSource } from '../../helpers/sources.js';

describe('store', () => {
  it('notifies at most once per interval however many events arrive', async () => {
    const store = createStore({ intervalMs: 50 });
    let notified = 0;
    store.subscribe(() => (notified += 1));
    store.apply({ type: 'run-start', t: 0, concurrency: 2, sink: 'none', sources: [{ name: 'a', kind: 'test' }] });
    for (let i = 0; i < 5000; i++) store.apply({ type: 'chunk', t: i, source: 'a', seq: i, records: 1, bytes: 10, persisted: 1, deadLettered: 0 });
    assert.equal(notified, 0, 'nothing synchronously');
    await sleep(80);
    assert.equal(notified, 1);
    assert.equal(store.getSnapshot().records, 5000);
    assert.equal(store.getSnapshot().sources[0]!.chunks, 5000);
  });

  it('tracks states, busy time and the final summary of a real run', async () => {
    const store = createStore({ intervalMs: 10 });
    const probe = new Probe();
    const { pipeline, bus } = run([testSource('a', probe, { chunks: 3 }), testSource('b', probe, { failAt: 1 }), testSource('c', probe, { hangAt: 0 })], {
      deadlineMs: 100,
    });
    bus.subscribe(store.apply);
    const summary = await pipeline.done;
    const snap = store.getSnapshot();
    assert.deepEqual(snap.counts, { queued: 0, running: 0, done: 1, failed: 1, 'timed-out': 0, cancelled: 1 });
    assert.equal(snap.summary?.records, summary.records);
    assert.equal(busyMs(snap), summary.busyMs);
    assert.equal(snap.stopping, 'deadline');
    assert.ok(snap.rssHistory.length > 0);
  });

  it('a source ends with its own counts: a chunk read but never persisted shows as dropped, totals agree', async () => {
    const store = createStore({ intervalMs: 10 });
    const probe = new Probe();
    let writes = 0;
    const sink = {
      ...noneSink(),
      async write() {
        if (writes++ === 1) throw new Error('disk full');
      },
    };
    const { pipeline, bus } = run([testSource('a', probe, { chunks: 3, records: 2 })], { sink });
    bus.subscribe(store.apply);
    const summary = await pipeline.done;
    const view = store.getSnapshot().sources[0]!;
    assert.equal(view.state, 'failed');
    assert.deepEqual([view.records, view.persisted, view.deadLettered, view.dropped], [4, 2, 0, 2]);
    assert.deepEqual([store.getSnapshot().records, store.getSnapshot().persisted], [summary.records, summary.persisted]);
  });
});
