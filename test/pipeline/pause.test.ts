import assert from 'node:assert/strict';
import { setTimeout as wait } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createSources, loadSources } from '../../src/pipeline/config.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
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
