import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as wait } from 'node:timers/promises';
import { createSources, loadSources } from '../../src/pipeline/config.js';
import type { PipelineEvent, Summary } from '../../src/pipeline/events.js';
import type { PausePoint } from '../../src/pipeline/pause-points.js';
import { startPipeline } from '../../src/pipeline/run.js';
import { discardDeadLetters } from '../../src/sinks/dead-letter.js';
import { noneSink } from '../../src/sinks/sink.js';

describe('pause stops time (the teaching clock)', () => {
  it('02-wait-timeout paused after the first job for longer than its deadline still ends 2 done / 1 cancelled', async () => {
    const loaded = await loadSources('fixtures/lecture/02-wait-timeout');
    const sources = createSources(loaded.configs, { seed: 1, slowmo: 1 });
    const events: PipelineEvent[] = [];
    let paused: Promise<void> | undefined;
    const pipeline = startPipeline(
      sources,
      { concurrency: 3, deadlineMs: loaded.defaults.deadline, sink: noneSink(), deadLetters: discardDeadLetters },
      (e) => {
        events.push(e);
        // At 0.5 s of the lecture's 1.2 s: the lecturer pauses to explain, for longer than the deadline.
        if (e.type === 'source-end' && e.source === 'job-0.5s') {
          pipeline.setPaused(true);
          paused = wait(1500).then(() => pipeline.setPaused(false));
        }
      },
    );
    const summary = await pipeline.done;
    await paused;
    const state = (name: string) => summary.sources.find((s) => s.name === name)!.state;
    assert.deepEqual([state('job-0.5s'), state('job-1.0s'), state('job-2.0s')], ['done', 'done', 'cancelled']);
    const resumedAt = events.findIndex((e) => e.type === 'paused' && !e.paused);
    const stoppingAt = events.findIndex((e) => e.type === 'stopping');
    assert.ok(resumedAt >= 0 && resumedAt < stoppingAt, 'the deadline came only after the pause');
  });

  it('a source timeout does not run out while the run is paused', async () => {
    const loaded = await loadSources('fixtures/lecture/01-gather');
    const sources = createSources(loaded.configs, { seed: 1, slowmo: 1 });
    const pipeline = startPipeline(sources, { concurrency: 3, timeoutMs: 1200, sink: noneSink(), deadLetters: discardDeadLetters }, () => {});
    pipeline.setPaused(true);
    await wait(1500); // past every source's timeout in wall time
    pipeline.setPaused(false);
    const summary = await pipeline.done;
    assert.equal(summary.states.done, 3, 'all three fetches finished within their 1.2 s of run time');
  });
});

describe('key moments and steps', () => {
  async function run02(pauseAt?: PausePoint[]) {
    const loaded = await loadSources('fixtures/lecture/02-wait-timeout');
    const sources = createSources(loaded.configs, { seed: 1, slowmo: 1 });
    const events: PipelineEvent[] = [];
    const started = performance.now();
    const wallAt: number[] = [];
    const pipeline = startPipeline(
      sources,
      { concurrency: 3, deadlineMs: loaded.defaults.deadline, sink: noneSink(), deadLetters: discardDeadLetters, pauseAt },
      (e) => {
        events.push(e);
        wallAt.push(performance.now() - started);
      },
    );
    return { pipeline, events, wallAt };
  }

  it('a lesson pauses by itself as the deadline hits: the cancellation lands, the cleanup waits for the lecturer', async () => {
    const { pipeline, events, wallAt } = await run02([{ at: 'deadline', caption: 'the deadline: job-2.0s is still at its await' }]);
    let resumedAfter: number | undefined;
    const summary = await new Promise<Summary>((resolve) => {
      const watch = setInterval(() => {
        const paused = events.findIndex((e) => e.type === 'paused' && e.paused);
        if (paused !== -1 && resumedAfter === undefined) {
          resumedAfter = events.length;
          setTimeout(() => pipeline.setPaused(false), 300);
        }
      }, 10);
      void pipeline.done.then((s) => (clearInterval(watch), resolve(s)));
    });
    const at = (pred: (e: PipelineEvent) => boolean) => events.findIndex(pred);
    const stopping = at((e) => e.type === 'stopping');
    const paused = at((e) => e.type === 'paused' && e.paused);
    const cleaning = at((e) => e.type === 'note' && e.text.startsWith('cleaning up after'));
    const resumed = at((e) => e.type === 'paused' && !e.paused);
    const cleaned = at((e) => e.type === 'note' && e.text === 'cleanup done');
    assert.ok(stopping < paused && paused < cleaning && cleaning < resumed && resumed < cleaned, 'stop, pause, cancellation lands, resume, cleanup finishes');
    const pause = events[paused]!;
    assert.equal(pause.type === 'paused' && pause.caption, 'the deadline: job-2.0s is still at its await');
    assert.deepEqual(
      summary.sources.map((s) => s.state),
      ['cancelled', 'done', 'done'],
    );
    // Run time leaves the pause out: the cleanup's end is 100 ms of run time after the deadline, not 400.
    const done = events[cleaned]!;
    assert.ok(
      done.t - events[stopping]!.t < wallAt[cleaned]! - wallAt[stopping]! - 250,
      `run time ${done.t - events[stopping]!.t} ms vs wall ${Math.round(wallAt[cleaned]! - wallAt[stopping]!)} ms`,
    );
  });

  it('→ steps: from a pause, on to the next thing a source does, then paused again', async () => {
    const { pipeline, events } = await run02();
    pipeline.setPaused(true);
    const before = events.length;
    pipeline.step();
    await new Promise<void>((resolve) => {
      const watch = setInterval(() => {
        if (events.slice(before).some((e) => e.type === 'paused' && e.paused)) clearInterval(watch), resolve();
      }, 5);
    });
    const after = events.slice(before).filter((e) => e.type !== 'metrics');
    assert.equal(after[0]!.type, 'paused'); // resumed for the step
    assert.ok(['chunk', 'source-end', 'note', 'source-start'].includes(after[1]!.type), after[1]!.type);
    assert.equal(after[2]!.type, 'paused');
    assert.match((after[2] as { caption?: string }).caption ?? '', /^step/);
    pipeline.setPaused(false);
    await pipeline.done;
  });
});
