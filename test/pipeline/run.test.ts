import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type TransformFn, transformRecords } from '../../src/pipeline/transform.js';
import { noneSink, type Sink } from '../../src/sinks/sink.js';
import type { Source } from '../../src/sources/source.js';
import { endOf, Probe, run, testSource } from '../helpers/sources.js';

describe('scheduling', () => {
  it('never runs more than --concurrency sources, and creates a generator only when it gets a slot', async () => {
    const probe = new Probe();
    const sources = Array.from({ length: 12 }, (_, i) => testSource(`s${i}`, probe, { chunks: 3, delayMs: 10 }));
    const { pipeline, events } = run(sources, { concurrency: 3 });
    const summary = await pipeline.done;
    // A generator's body counts itself running from its first step to its finally: never more than three at once.
    assert.equal(probe.maxRunning, 3);
    assert.equal(summary.states.done, 12);
    assert.equal(probe.created.length, 12);
    const starts = events.filter((e) => e.type === 'source-start').length;
    assert.equal(starts, 12);
  });

  it('raising the concurrency live starts queued sources', async () => {
    const probe = new Probe();
    const sources = Array.from({ length: 6 }, (_, i) => testSource(`s${i}`, probe, { chunks: 4, delayMs: 30 }));
    const { pipeline, bus } = run(sources, { concurrency: 1 });
    // Raised as the first source starts: it cannot have finished, so all six run at once.
    const off = bus.subscribe((e) => {
      if (e.type !== 'source-start') return;
      off();
      assert.equal(probe.running, 0, 'the first one is only starting');
      pipeline.setConcurrency(6);
    });
    const summary = await pipeline.done;
    assert.equal(probe.maxRunning, 6);
    assert.equal(summary.states.done, 6);
  });

  it('pause holds every source before its next pull; resume lets them go on', async () => {
    const probe = new Probe();
    const { pipeline, events, bus } = run([testSource('a', probe, { chunks: 20, delayMs: 5 })]);
    let resumed: Promise<void> | undefined;
    const off = bus.subscribe((e) => {
      if (e.type !== 'chunk' || e.seq !== 2) return;
      off();
      pipeline.setPaused(true); // as chunk 2 lands: the source waits before it pulls chunk 3
      resumed = sleep(80).then(() => {
        assert.equal(events.filter((c) => c.type === 'chunk').length, 3, 'no chunk while paused');
        pipeline.setPaused(false);
      });
    });
    const summary = await pipeline.done;
    await resumed;
    assert.equal(summary.sources[0]!.chunks, 20);
  });
});

describe('timeouts, cancellation and the deadline', () => {
  it('a per-source timeout ends the source as timed-out and its cleanup runs', async () => {
    const probe = new Probe();
    const { pipeline, events } = run([testSource('slow', probe, { hangAt: 1, timeoutMs: 60 })]);
    const summary = await pipeline.done;
    assert.equal(summary.states['timed-out'], 1);
    assert.match(endOf(events, 'slow').error ?? '', /timed out after 60ms/);
    assert.deepEqual(probe.cleaned, ['slow']);
  });

  it('the run timeout applies to sources without their own', async () => {
    const probe = new Probe();
    const { pipeline } = run([testSource('a', probe, { hangAt: 0 }), testSource('b', probe, { hangAt: 0, timeoutMs: 5000 })], {
      timeoutMs: 50,
      deadlineMs: 300,
    });
    const summary = await pipeline.done;
    assert.deepEqual(
      summary.sources.map((s) => s.state),
      ['timed-out', 'cancelled'],
    );
  });

  it('cancel(name) ends that source as cancelled after its cleanup; others go on', async () => {
    const probe = new Probe();
    const { pipeline, events } = run([testSource('a', probe, { hangAt: 1, cleanupMs: 20 }), testSource('b', probe, { chunks: 5, delayMs: 20 })]);
    await sleep(30);
    assert.equal(pipeline.cancel('a'), true);
    const summary = await pipeline.done;
    assert.deepEqual(
      summary.sources.map((s) => s.state),
      ['cancelled', 'done'],
    );
    assert.match(endOf(events, 'a').error ?? '', /cancelled by user/);
    assert.ok(probe.cleaned.includes('a'));
    assert.equal(pipeline.cancel('nobody'), false);
  });

  it('the deadline cancels running and queued sources (not failed), like wait(timeout) then cancel()', async () => {
    const probe = new Probe();
    const sources = [
      testSource('fast', probe, { chunks: 2, delayMs: 10 }),
      testSource('straggler', probe, { chunks: 100, delayMs: 20, cleanupMs: 10 }),
      testSource('queued', probe, { chunks: 1 }),
    ];
    const started = performance.now();
    const { pipeline } = run(sources, { concurrency: 2, deadlineMs: 150 });
    const summary = await pipeline.done;
    const wall = performance.now() - started;
    assert.equal(summary.stoppedBy, 'deadline');
    assert.equal(summary.sources.find((s) => s.name === 'fast')!.state, 'done');
    assert.equal(summary.sources.find((s) => s.name === 'straggler')!.state, 'cancelled');
    assert.match(summary.sources.find((s) => s.name === 'straggler')!.error ?? '', /deadline/);
    assert.ok(probe.cleaned.includes('straggler'), 'cleanup ran');
    assert.ok(wall >= 150, `not before the deadline (${wall}ms)`);
    assert.ok(summary.sources.find((s) => s.name === 'straggler')!.chunks < 100, 'cut short, not run to its end');
  });

  it('a source cancelled while it waits at its yield hears it there: its catch (cleanup, re-throw) runs, not only finally', async () => {
    let release!: () => void;
    const writing = new Promise<void>((resolve) => (release = resolve));
    const heard: string[] = [];
    const source: Source = {
      name: 'parked',
      kind: 'test',
      async *read() {
        try {
          for (let seq = 0; seq < 3; seq++) yield { seq, records: ['{"a":1}'], bytes: 8, cursor: { seq: seq + 1 } };
        } catch (err) {
          heard.push(`catch: ${(err as Error).message}`); // except CancelledError: cleanup; raise
          throw err;
        } finally {
          heard.push('finally');
        }
      },
    };
    const sink: Sink = { ...noneSink(), write: () => writing }; // chunk 0 is being written: the source sits at its yield
    const { pipeline, bus } = run([source], { sink });
    bus.subscribe((e) => {
      if (e.type !== 'source-start') return;
      setImmediate(() => {
        pipeline.cancel('parked');
        release();
      });
    });
    const summary = await pipeline.done;
    assert.equal(summary.sources[0]!.state, 'cancelled');
    assert.deepEqual(heard, ['catch: cancelled by user', 'finally']);
  });

  it('sources still queued at a stop are cancelled without ever starting', async () => {
    const probe = new Probe();
    const sources = Array.from({ length: 5 }, (_, i) => testSource(`s${i}`, probe, { hangAt: 0 }));
    const { pipeline } = run(sources, { concurrency: 1 });
    await sleep(20);
    pipeline.stop('SIGINT');
    const summary = await pipeline.done;
    assert.equal(summary.states.cancelled, 5);
    assert.deepEqual(probe.created, ['s0'], 'queued generators were never created');
    assert.equal(summary.stoppedBy, 'SIGINT');
  });

  it('a thrown error fails the source with a readable reason', async () => {
    const probe = new Probe();
    const { pipeline } = run([testSource('bad', probe, { failAt: 1 })]);
    const summary = await pipeline.done;
    assert.equal(summary.sources[0]!.state, 'failed');
    assert.equal(summary.sources[0]!.error, 'boom at 1');
    assert.deepEqual(probe.cleaned, ['bad']);
  });

  it('10,000 sources with timeouts leak no abort listeners and print no warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const probe = new Probe();
      const sources = Array.from({ length: 10_000 }, (_, i) => testSource(`s${i}`, probe, { chunks: 1, delayMs: 1, timeoutMs: 60_000 }));
      const { pipeline } = run(sources, { concurrency: 500, deadlineMs: 120_000 });
      const summary = await pipeline.done;
      assert.equal(summary.states.done, 10_000);
      await sleep(10);
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });
});

describe('accounting', () => {
  it('records read = persisted + dead-lettered + dropped, per source and in total', async () => {
    const probe = new Probe();
    const bad = {
      name: 'mixed',
      kind: 'test',
      async *read() {
        yield { seq: 0, records: ['{"a":1}', '{"a":', '[1,2]', '{"b":2}'], bytes: 30, cursor: { seq: 1 } };
        yield { seq: 1, records: [{ already: 'parsed' }, 42], bytes: 10, cursor: { seq: 2 } };
      },
    };
    const { pipeline, events } = run([bad, testSource('ok', probe, { chunks: 3, records: 5 })]);
    const summary = await pipeline.done;
    const mixed = summary.sources.find((s) => s.name === 'mixed')!;
    assert.deepEqual([mixed.records, mixed.persisted, mixed.deadLettered, mixed.dropped], [6, 3, 3, 0]);
    assert.equal(summary.records, 21);
    assert.equal(summary.records, summary.persisted + summary.deadLettered + summary.dropped);
    const reasons = events.filter((e) => e.type === 'dead-letter').map((e) => (e as { reason: string }).reason);
    assert.equal(reasons.length, 3);
    assert.match(reasons[0]!, /invalid JSON/);
    assert.match(reasons[1]!, /not a JSON object \(got array\)/);
  });

  it('busy time, wall time and speedup add up', async () => {
    const probe = new Probe();
    const sources = Array.from({ length: 4 }, (_, i) => testSource(`s${i}`, probe, { chunks: 5, delayMs: 20 }));
    const { pipeline, events } = run(sources, { concurrency: 4 });
    const summary = await pipeline.done;
    assert.equal(
      summary.busyMs,
      summary.sources.reduce((n, s) => n + s.ms, 0),
    );
    assert.ok(summary.speedup > 2, `four sources in parallel overlap (speedup ${summary.speedup})`);
    // The peaks are the highest of the samples the run emitted (and of the RSS it started from).
    const samples = events.filter((e) => e.type === 'metrics');
    assert.equal(summary.peakRssBytes, Math.max(summary.baselineRssBytes, ...samples.map((e) => e.rss)));
    assert.equal(summary.maxLoopLagMs, Math.max(0, ...samples.map((e) => e.loopLagMaxMs)));
  });
});

describe('contrast and offload modes', () => {
  it('bufferAll reads each source to the end before the first chunk is persisted', async () => {
    const probe = new Probe();
    const { pipeline, events } = run([testSource('a', probe, { chunks: 5, delayMs: 20 })], { bufferAll: true });
    const summary = await pipeline.done;
    const chunkTimes = events.filter((e) => e.type === 'chunk').map((e) => e.t);
    assert.equal(chunkTimes.length, 5);
    assert.ok(chunkTimes[0]! >= 90, `first chunk persisted at ${chunkTimes[0]}ms, after all five were read`);
    assert.equal(summary.persisted, 10);
  });

  it('the offload pool runs the same transform in worker threads', async () => {
    const { createOffloadPool } = await import('../../src/pipeline/offload/pool.js');
    const pool = createOffloadPool(2);
    try {
      const probe = new Probe();
      const source = { ...testSource('a', probe, { chunks: 3, records: 4 }), cpuCostMs: 20 };
      const { pipeline } = run([source], { transform: pool.transform });
      const summary = await pipeline.done;
      assert.equal(summary.persisted, 12);
      const direct = await pool.transform({ source: 's', seq: 0, records: ['{"a":1}', 'nope'], cpuCostMs: 5 });
      assert.equal(direct.lines.length, 1);
      assert.match(JSON.parse(direct.lines[0]!)._digest, /^[0-9a-f]{16}$/);
      assert.equal(direct.bad[0]!.index, 1);
      // Records that are not all strings cross as they are.
      const parsed = await pool.transform({ source: 's', seq: 1, records: [{ a: 1 }, 3, '{"b":2}'] });
      assert.deepEqual(
        parsed.lines.map((l) => JSON.parse(l) as unknown),
        [
          { a: 1, _ingest: { source: 's', seq: 1, index: 0 } },
          { b: 2, _ingest: { source: 's', seq: 1, index: 2 } },
        ],
      );
      assert.deepEqual(
        parsed.bad.map((b) => b.index),
        [1],
      );
    } finally {
      await pool.close();
    }
  });
});

describe('an asynchronous transform (--offload) works ahead of the writes', () => {
  /** A transform that takes longer for early chunks, so they finish out of order; counts how many are out. */
  function slowTransform(delayFor: (seq: number) => number) {
    const seen = { inFlight: 0, maxInFlight: 0 };
    const transform: TransformFn = async (job) => {
      seen.inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      await sleep(delayFor(job.seq));
      seen.inFlight -= 1;
      if (job.records.includes('reject me')) throw new Error(`transform failed at ${job.seq}`);
      return transformRecords(job);
    };
    return { transform, seen };
  }
  /** A none sink that remembers the order of writes. */
  function recordingSink() {
    const written: number[] = [];
    const sink: Sink = { ...noneSink(), write: async (_source, chunk) => void written.push(chunk.seq) };
    return { sink, written };
  }

  it('keeps up to transformAhead chunks in the transform while the source reads on, and writes them in order', async () => {
    const { transform, seen } = slowTransform((seq) => (seq % 3 === 0 ? 40 : 5));
    const { sink, written } = recordingSink();
    const probe = new Probe();
    const { pipeline, events } = run([testSource('a', probe, { chunks: 12, delayMs: 1 })], { transform, transformAhead: 4, sink });
    const summary = await pipeline.done;
    assert.deepEqual(written, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(
      events.filter((e) => e.type === 'chunk').map((e) => (e as { seq: number }).seq),
      written,
    );
    assert.equal(seen.maxInFlight, 4);
    assert.equal(summary.persisted, 24);
    assert.equal(summary.states.done, 1);
  });

  it('many sources share the window: 40 running sources hold one chunk out each, not four', async () => {
    const { transform, seen } = slowTransform(() => 20);
    const probe = new Probe();
    const sources = Array.from({ length: 40 }, (_, i) => testSource(`s${i}`, probe, { chunks: 5, delayMs: 1 }));
    const summary = await run(sources, { transform, transformAhead: 4, concurrency: 40 }).pipeline.done;
    assert.equal(summary.persisted, 400);
    assert.ok(seen.maxInFlight <= 40, `${seen.maxInFlight} chunks in the transform at once`);
  });

  it('a source that fails, or is cancelled, still persists the chunks it had read; the source reports its own error', async () => {
    const { transform } = slowTransform(() => 30);
    const failing = recordingSink();
    const probe = new Probe();
    const failed = await run([testSource('a', probe, { chunks: 10, delayMs: 1, failAt: 3 })], { transform, transformAhead: 4, sink: failing.sink }).pipeline
      .done;
    assert.deepEqual(failing.written, [0, 1, 2]);
    assert.equal(failed.sources[0]!.state, 'failed');
    assert.equal(failed.sources[0]!.error, 'boom at 3');
    assert.equal(failed.persisted, 6);
    assert.equal(failed.dropped, 0);

    const cancelling = recordingSink();
    const { pipeline } = run([testSource('b', probe, { chunks: 100, delayMs: 2 })], { transform, transformAhead: 4, sink: cancelling.sink });
    setTimeout(() => pipeline.cancel('b'), 60);
    const cancelled = await pipeline.done;
    const b = cancelled.sources[0]!;
    assert.equal(b.state, 'cancelled');
    assert.ok(b.chunks >= 2, `read ${b.chunks} chunks before the cancel`);
    assert.deepEqual(
      cancelling.written,
      Array.from({ length: b.chunks }, (_, i) => i),
      'every chunk read was written, in order',
    );
    assert.equal(b.records, b.persisted + b.deadLettered + b.dropped);
    assert.equal(b.dropped, 0);
  });

  it('a transform that fails fails its source; the chunks before it are written', async () => {
    const { transform } = slowTransform(() => 5);
    const { sink, written } = recordingSink();
    const source: Source = {
      name: 'r',
      kind: 'test',
      async *read() {
        for (let seq = 0; seq < 6; seq++) yield { seq, records: [seq === 2 ? 'reject me' : '{"ok":true}'], bytes: 10, cursor: { seq: seq + 1 } };
      },
    };
    const summary = await run([source], { transform, transformAhead: 3, sink }).pipeline.done;
    assert.deepEqual(written, [0, 1]);
    assert.equal(summary.sources[0]!.state, 'failed');
    assert.match(summary.sources[0]!.error!, /transform failed at 2/);
    assert.equal(summary.records, summary.persisted + summary.deadLettered + summary.dropped);
  });
});

describe('a write-behind sink (a database) is handed chunks while earlier ones commit', () => {
  /** Commits only when told to: shows how many writes the source has handed over meanwhile. */
  function slowCommits(failAt?: number) {
    const handed: number[] = [];
    const commits: Array<() => void> = [];
    const sink: Sink = {
      ...noneSink(),
      writeBehind: true,
      write: (_source, chunk) => {
        handed.push(chunk.seq);
        return new Promise<void>((resolve, reject) => commits.push(() => (chunk.seq === failAt ? reject(new Error('the server went away')) : resolve())));
      },
    };
    return { sink, handed, commits };
  }

  it('reads on and hands up to transformAhead chunks over, in order, before the first commits', async () => {
    const { sink, handed, commits } = slowCommits();
    const probe = new Probe();
    const { pipeline, events } = run([testSource('a', probe, { chunks: 10, delayMs: 1 })], { sink, transformAhead: 4 });
    while (handed.length < 4) await sleep(2);
    await sleep(20); // a fifth could have been handed over by now if the window let it
    assert.deepEqual(handed, [0, 1, 2, 3]);
    assert.equal(events.filter((e) => e.type === 'chunk').length, 0, 'none reported persisted before its commit');
    const drain = setInterval(() => {
      for (const commit of commits.splice(0)) commit();
    }, 1);
    const summary = await pipeline.done;
    clearInterval(drain);
    assert.deepEqual(handed, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(summary.persisted, 20);
  });

  it('a failed commit fails the source; what was handed over after it counts as dropped, not persisted', async () => {
    const { sink, commits } = slowCommits(2);
    const probe = new Probe();
    const { pipeline } = run([testSource('a', probe, { chunks: 10, delayMs: 1 })], { sink, transformAhead: 4 });
    const drain = setInterval(() => {
      for (const commit of commits.splice(0)) commit();
    }, 1);
    const summary = await pipeline.done;
    clearInterval(drain);
    const a = summary.sources[0]!;
    assert.equal(a.state, 'failed');
    assert.match(a.error!, /cannot persist chunk 2: the server went away/);
    assert.equal(a.persisted, 4, 'chunks 0 and 1');
    assert.equal(a.records, a.persisted + a.deadLettered + a.dropped);
  });
});
