import { setTimeout as delay } from 'node:timers/promises'; // wall time; the run's clock has sleep()
import { createEventBus, type PipelineEvent } from '../../src/pipeline/events.js';
import { type RunOptions, startPipeline } from '../../src/pipeline/run.js';
import { discardDeadLetters } from '../../src/sinks/dead-letter.js';
import { noneSink } from '../../src/sinks/sink.js';
import type { Source } from '../../src/sources/source.js';
import { untilAborted } from '../../src/util/wait-list.js';

/** Shared bookkeeping a test reads after a run: who started, who is running, who cleaned up. */
export class Probe {
  created: string[] = [];
  running = 0;
  maxRunning = 0;
  cleaned: string[] = [];
}

export interface TestSourceOptions {
  chunks?: number;
  records?: number;
  delayMs?: number;
  hangAt?: number;
  failAt?: number;
  timeoutMs?: number;
  cleanupMs?: number;
}

/** A plain async generator source whose lifecycle the probe sees. */
export function testSource(name: string, probe: Probe, o: TestSourceOptions = {}): Source {
  return {
    name,
    kind: 'test',
    timeoutMs: o.timeoutMs,
    expected: { chunks: o.chunks ?? 3 },
    async *read({ signal }) {
      probe.created.push(name);
      probe.running += 1;
      probe.maxRunning = Math.max(probe.maxRunning, probe.running);
      try {
        for (let seq = 0; seq < (o.chunks ?? 3); seq++) {
          if (seq === o.hangAt) await untilAborted(signal);
          await delay(o.delayMs ?? 5, undefined, { signal });
          if (seq === o.failAt) throw new Error(`boom at ${seq}`);
          const records = Array.from({ length: o.records ?? 2 }, (_, index) => JSON.stringify({ name, seq, index }));
          yield { seq, records, bytes: records.join('\n').length, cursor: { seq: seq + 1 } };
        }
      } finally {
        if (o.cleanupMs) await delay(o.cleanupMs);
        probe.running -= 1;
        probe.cleaned.push(name);
      }
    },
  };
}

/** Run sources through the real pipeline with no outputs; collect every event. */
export function run(sources: Source[], options: Partial<RunOptions> = {}) {
  const bus = createEventBus();
  const events: PipelineEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const pipeline = startPipeline(sources, { concurrency: 4, sink: noneSink(), deadLetters: discardDeadLetters, metricsIntervalMs: 50, ...options }, bus.emit);
  return { pipeline, events, bus };
}

export function endOf(events: PipelineEvent[], source: string) {
  const end = events.find((e) => e.type === 'source-end' && e.source === source);
  if (end?.type !== 'source-end') throw new Error(`no source-end for ${source}`);
  return end;
}
