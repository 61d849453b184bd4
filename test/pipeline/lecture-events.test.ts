import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import type { TransformFn } from '../../src/pipeline/transform.js';
import type { Source } from '../../src/sources/source.js';
import { createStore } from '../../src/ui/model/store.js';
import { Probe, run, testSource } from '../helpers/sources.js';

const at = (events: PipelineEvent[], type: string, source: string) => events.findIndex((e) => e.type === type && 'source' in e && e.source === source);

describe("cancelling: when a running source's cancel or timeout lands", () => {
  it("a user cancel, a timeout and the deadline each say so once, between the source's start and end; a finished source says nothing", async () => {
    const probe = new Probe();
    const sources = [
      testSource('user', probe, { chunks: 50, delayMs: 20, cleanupMs: 30 }),
      testSource('slow', probe, { chunks: 50, delayMs: 20, timeoutMs: 150 }),
      testSource('straggler', probe, { chunks: 50, delayMs: 20 }),
      testSource('quick', probe, { chunks: 1, delayMs: 5 }),
    ];
    const { pipeline, events, bus } = run(sources, { concurrency: 4, deadlineMs: 400 });
    bus.subscribe((e) => {
      if (e.type === 'chunk' && e.source === 'user' && e.seq === 2) pipeline.cancel('user');
    });
    await pipeline.done;
    const cancelling = events.filter((e) => e.type === 'cancelling');
    assert.deepEqual(cancelling.map((e) => [e.source, e.reason]).sort(), [
      ['slow', 'timeout'],
      ['straggler', 'deadline'],
      ['user', 'user'],
    ]);
    for (const name of ['user', 'slow', 'straggler']) {
      assert.ok(at(events, 'cancelling', name) > at(events, 'source-start', name), `${name}: after it started`);
      assert.ok(at(events, 'cancelling', name) < at(events, 'source-end', name), `${name}: before it ended`);
    }
    assert.equal(at(events, 'cancelling', 'quick'), -1, 'a source that finished is not cancelled');
  });

  it('the store keeps when and why per source, and 10,000 sources stopping at once each get one', async () => {
    const probe = new Probe();
    const sources = Array.from({ length: 10_000 }, (_, i) => testSource(`c${i}`, probe, { chunks: 1, hangAt: 0 }));
    const store = createStore({ intervalMs: 1e9 });
    const { pipeline, events, bus } = run(sources, { concurrency: 10_000 });
    bus.subscribe(store.apply);
    bus.subscribe((e) => {
      if (e.type === 'source-start' && e.source === 'c9999') setImmediate(() => pipeline.stop('quit'));
    });
    await pipeline.done;
    assert.equal(events.filter((e) => e.type === 'cancelling').length, 10_000);
    const stopping = events.find((e) => e.type === 'stopping')!;
    const view = store.getSnapshot().sources[1234]!;
    assert.equal(view.cancelReason, 'quit');
    assert.ok(view.cancellingAt! >= stopping.t && view.cancellingAt! <= view.endedAt!);
    assert.equal(store.getSnapshot().peakRunning, 10_000);
  });
});

describe('blocking: a synchronous call held the event loop', () => {
  const cpu = (name: string): Source => ({ ...testSource(name, new Probe(), { chunks: 3, delayMs: 5 }), cpuCostMs: 30 });

  it('a transform with cpuCost run on the loop says when and how long, and the store merges it for the run', async () => {
    const { pipeline, events } = run([cpu('pdf'), testSource('ticker', new Probe(), { chunks: 3, delayMs: 5 })]);
    await pipeline.done;
    const blocking = events.filter((e) => e.type === 'blocking');
    assert.equal(blocking.length, 3);
    for (const b of blocking) {
      assert.equal(b.source, 'pdf');
      assert.ok(b.ms >= 29, `held ${b.ms} ms`);
    }
    const store = createStore({ intervalMs: 1e9 });
    for (const e of events) store.apply(e);
    store.flush();
    const snap = store.getSnapshot();
    // What the store shows is what the events said: each hold, overlapping ones as one, and their sum.
    const intervals: number[] = [];
    for (const b of blocking) {
      if (intervals.length > 0 && b.t <= intervals.at(-1)!) intervals[intervals.length - 1] = Math.max(intervals.at(-1)!, b.t + b.ms);
      else intervals.push(b.t, b.t + b.ms);
    }
    assert.deepEqual(snap.sources[0]!.held, intervals);
    assert.deepEqual(snap.held, intervals, 'the only source that held the loop');
    assert.equal(
      snap.heldMs,
      blocking.reduce((sum, b) => sum + b.ms, 0),
    );
    assert.equal(snap.sources[1]!.held, undefined);
  });

  it('offloaded (an asynchronous transform) it says nothing: the loop stayed free', async () => {
    const offload: TransformFn = async (job) => ({ lines: job.records as string[], bad: [] });
    const { pipeline, events } = run([cpu('pdf')], { transform: offload });
    await pipeline.done;
    assert.equal(events.filter((e) => e.type === 'blocking').length, 0);
  });
});

describe('the store, for the lecture views', () => {
  it("marks lifecycle notes, keeps the whole run's history in 64 entries (the highest of each step), and takes slowmo from run-start", () => {
    const store = createStore({ intervalMs: 1e9 });
    store.apply({ type: 'run-start', t: 0, concurrency: 1, sink: 'none', slowmo: 3, sources: [{ name: 'db', kind: 'database' }] });
    store.apply({ type: 'source-start', t: 0, source: 'db' });
    for (const [t, text] of [
      [1, 'connecting…'],
      [300, 'connection open'],
      [900, 'closing…'],
      [1000, 'connection closed'],
    ] as const)
      store.apply({ type: 'note', t, source: 'db', text });
    for (let i = 0; i < 200; i++)
      store.apply({ type: 'metrics', t: i * 250, rss: i === 77 ? 9e9 : 1e8 + i, heapUsed: 1, loopLagP99Ms: i === 150 ? 300 : 1, loopLagMaxMs: 1 });
    store.flush();
    const snap = store.getSnapshot();
    assert.deepEqual(snap.sources[0]!.marks, { connecting: 1, open: 300, closing: 900, closed: 1000 });
    assert.equal(snap.slowmo, 3);
    assert.ok(snap.rssHistory.length <= 64 && snap.rssHistory.length >= 32, `${snap.rssHistory.length} entries`);
    assert.equal(snap.historyStep, 4);
    assert.equal(Math.max(...snap.rssHistory), 9e9, 'a spike survives the folding');
    assert.equal(Math.max(...snap.lagHistory), 300);
    assert.equal(snap.rssHistory.at(-1), 1e8 + 199);
  });
});
