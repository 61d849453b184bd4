import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createSources, loadSources } from '../../src/pipeline/config.js';
import type { PipelineEvent, Summary } from '../../src/pipeline/events.js';
import type { PausePoint } from '../../src/pipeline/pause-points.js';
import { type PipelineRun, type RunOptions, startPipeline } from '../../src/pipeline/run.js';
import { discardDeadLetters } from '../../src/sinks/dead-letter.js';
import { noneSink } from '../../src/sinks/sink.js';
import { mockTime } from '../helpers/mock-time.js';

/** A lecture scene on the pipeline, with every event and the (mocked) wall time it came at. */
async function scene(t: TestContext, dir: string, options: Partial<RunOptions> = {}, onEvent?: (e: PipelineEvent, pipeline: PipelineRun) => void) {
  const loaded = await loadSources(`fixtures/lecture/${dir}`);
  const time = mockTime(t);
  const events: PipelineEvent[] = [];
  const wallAt: number[] = [];
  let summary: Summary | undefined;
  let failed: { error: unknown } | undefined;
  const pipeline = startPipeline(
    createSources(loaded.configs, { seed: 1, slowmo: 1 }),
    { concurrency: 3, deadlineMs: loaded.defaults.deadline, sink: noneSink(), deadLetters: discardDeadLetters, ...options },
    (e) => {
      events.push(e);
      wallAt.push(Date.now());
      onEvent?.(e, pipeline); // the run emits nothing before startPipeline has returned
    },
  );
  pipeline.done.then(
    (s) => {
      summary = s;
    },
    (error: unknown) => {
      failed = { error };
    },
  );
  const find = (pred: (e: PipelineEvent) => boolean) => events.findIndex(pred);
  const endOf = (name: string) => events.find((e): e is Extract<PipelineEvent, { type: 'source-end' }> => e.type === 'source-end' && e.source === name);
  return {
    pipeline,
    events,
    wallAt,
    time,
    find,
    endOf,
    /** Runs time on until the run has ended. */
    async finish(): Promise<Summary> {
      await time.until(() => summary !== undefined || failed !== undefined);
      if (failed) throw failed.error;
      return summary!;
    },
  };
}

const isPause = (e: PipelineEvent) => e.type === 'paused' && e.paused;
const isResume = (e: PipelineEvent) => e.type === 'paused' && !e.paused;

describe('pause stops time (the teaching clock)', () => {
  it('02-wait-timeout paused after the first job for longer than its deadline still ends 2 done / 1 cancelled, the deadline at 1.2 s of run time', async (t) => {
    const run = await scene(t, '02-wait-timeout', {}, (e, pipeline) => {
      // At 0.5 s of the lecture's 1.2 s: the lecturer pauses to explain.
      if (e.type === 'source-end' && e.source === 'job-0.5s') pipeline.setPaused(true);
    });
    await run.time.until(() => run.find(isPause) !== -1);
    await run.time.pass(10_000); // far longer than the deadline
    assert.equal(
      run.find((e) => e.type === 'stopping'),
      -1,
      'no deadline while paused',
    );
    assert.equal(run.endOf('job-1.0s'), undefined, "job-1.0s's wait stood still with the clock");
    run.pipeline.setPaused(false);
    const summary = await run.finish();
    const state = (name: string) => summary.sources.find((s) => s.name === name)!.state;
    assert.deepEqual([state('job-0.5s'), state('job-1.0s'), state('job-2.0s')], ['done', 'done', 'cancelled']);
    const stopping = run.find((e) => e.type === 'stopping');
    assert.ok(run.find(isResume) < stopping, 'the deadline came only after the pause');
    // Run time leaves the pause out; wall time has it in.
    assert.deepEqual([run.endOf('job-0.5s')!.t, run.endOf('job-1.0s')!.t, run.events[stopping]!.t], [500, 1000, 1200]);
    assert.ok(run.wallAt[stopping]! >= 11_200, `the deadline at ${run.wallAt[stopping]} ms of wall time`);
  });

  it('a source timeout does not run out while the run is paused', async (t) => {
    const run = await scene(t, '01-gather', { deadlineMs: undefined, timeoutMs: 1200 });
    run.pipeline.setPaused(true);
    await run.time.until(() => run.events.filter((e) => e.type === 'source-start').length === 3); // their timeouts set
    await run.time.pass(10_000); // past every source's timeout in wall time
    run.pipeline.setPaused(false);
    const summary = await run.finish();
    assert.deepEqual(
      summary.sources.map((s) => [s.name, s.state, s.ms]),
      [
        ['fetch-1.0s', 'done', 1000],
        ['fetch-0.5s', 'done', 500],
        ['fetch-0.8s', 'done', 800],
      ],
      'each fetch took its own latency of run time and none timed out',
    );
  });
});

describe('key moments and steps', () => {
  const deadlinePause: PausePoint[] = [{ at: 'deadline', caption: 'the deadline: job-2.0s is still at its await' }];

  it('a lesson pauses by itself as the deadline hits: the cancellation lands, the cleanup waits for the lecturer', async (t) => {
    const run = await scene(t, '02-wait-timeout', { pauseAt: deadlinePause });
    const cleaned = (e: PipelineEvent) => e.type === 'note' && e.text === 'cleanup done';
    await run.time.until(() => run.find(isPause) !== -1);
    await run.time.pass(300); // the lecturer explains
    assert.equal(run.find(cleaned), -1, 'the cleanup stood still during the pause');
    run.pipeline.setPaused(false);
    const summary = await run.finish();
    const stopping = run.find((e) => e.type === 'stopping');
    const paused = run.find(isPause);
    const cleaning = run.find((e) => e.type === 'note' && e.text.startsWith('cleaning up after'));
    const resumed = run.find(isResume);
    const done = run.find(cleaned);
    assert.ok(stopping < paused && paused < cleaning && cleaning < resumed && resumed < done, 'stop, pause, cancellation lands, resume, cleanup finishes');
    const pause = run.events[paused]!;
    assert.equal(pause.type === 'paused' && pause.caption, 'the deadline: job-2.0s is still at its await');
    assert.deepEqual(
      summary.sources.map((s) => s.state),
      ['cancelled', 'done', 'done'],
    );
    // The cleanup takes its 100 ms of run time; in wall time the 300 ms pause is in it too.
    assert.equal(run.events[done]!.t - run.events[stopping]!.t, 100);
    assert.equal(run.wallAt[done]! - run.wallAt[stopping]!, 400);
  });

  it('→ steps: from a pause, on to the next thing a source does, then paused again', async (t) => {
    const run = await scene(t, '02-wait-timeout');
    run.pipeline.setPaused(true);
    await run.time.until(() => run.find(isPause) !== -1);
    const before = run.events.length;
    run.pipeline.step();
    await run.time.until(() => run.events.slice(before).some(isPause));
    const after = run.events.slice(before).filter((e) => e.type !== 'metrics');
    assert.equal(after[0]!.type, 'paused'); // resumed for the step
    assert.ok(['chunk', 'source-end', 'note', 'source-start'].includes(after[1]!.type), after[1]!.type);
    assert.equal(after[2]!.type, 'paused');
    assert.match((after[2] as { caption?: string }).caption ?? '', /^step/);
    run.pipeline.setPaused(false);
    await run.finish();
  });
});
