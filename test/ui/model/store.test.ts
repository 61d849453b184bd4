import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noneSink } from '../../../src/sinks/sink.js';
import { busyMs, createStore } from '../../../src/ui/model/store.js';
import { Probe, run, testSource } from '../../helpers/sources.js';

describe('store', () => {
  it('notifies at most once per interval however many events arrive', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createStore({ intervalMs: 50 });
    const heard: number[] = [];
    store.subscribe((snapshot) => void heard.push(snapshot.records));
    store.apply({ type: 'run-start', t: 0, concurrency: 2, sink: 'none', sources: [{ name: 'a', kind: 'test' }] });
    for (let i = 0; i < 5000; i++) store.apply({ type: 'chunk', t: i, source: 'a', seq: i, records: 1, bytes: 10, persisted: 1, deadLettered: 0 });
    assert.deepEqual(heard, [], 'nothing synchronously');
    t.mock.timers.tick(49);
    assert.deepEqual(heard, [], 'nor before the interval is up');
    t.mock.timers.tick(1);
    assert.deepEqual(heard, [5000], 'one notification, with everything so far');
    assert.equal(store.getSnapshot().sources[0]!.chunks, 5000);
    t.mock.timers.tick(500);
    assert.deepEqual(heard, [5000], 'no events, no notifications');
    store.apply({ type: 'chunk', t: 5000, source: 'a', seq: 5000, records: 1, bytes: 10, persisted: 1, deadLettered: 0 });
    t.mock.timers.tick(50);
    assert.deepEqual(heard, [5000, 5001], 'the next event starts the next interval');
  });

  it('the summary and flush() notify at once, and the interval starts again after them', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const store = createStore({ intervalMs: 50 });
    const heard: string[] = [];
    store.subscribe((snapshot) => void heard.push(snapshot.summary ? 'summary' : `records ${snapshot.records}`));
    store.apply({ type: 'run-start', t: 0, concurrency: 1, sink: 'none', sources: [{ name: 'a', kind: 'test' }] });
    store.apply({ type: 'chunk', t: 1, source: 'a', seq: 0, records: 3, bytes: 10, persisted: 3, deadLettered: 0 });
    store.flush();
    assert.deepEqual(heard, ['records 3']);
    t.mock.timers.tick(50);
    assert.deepEqual(heard, ['records 3'], 'the flush took the pending notification with it');
    const summary = { wallMs: 2, busyMs: 1, speedup: 0.5, concurrency: 1, states: store.getSnapshot().counts, records: 3, bytes: 10, persisted: 3 };
    store.apply({
      type: 'summary',
      t: 2,
      ...summary,
      deadLettered: 0,
      dropped: 0,
      retries: 0,
      baselineRssBytes: 0,
      peakRssBytes: 0,
      maxLoopLagMs: 0,
      sources: [],
    });
    assert.deepEqual(heard, ['records 3', 'summary'], 'the summary without waiting for the interval');
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
