import { createSources, type LoadedSources, parseContrastFlags } from '../pipeline/config.js';
import { type ContrastResult, createEventBus, type Emit, type Lesson } from '../pipeline/events.js';
import { startPipeline } from '../pipeline/run.js';
import { discardDeadLetters } from '../sinks/dead-letter.js';
import { noneSink } from '../sinks/sink.js';
import type { DashboardControls } from '../ui/dashboard/controls.js';
import { createStore } from '../ui/model/store.js';

export interface ContrastOptions {
  loaded: LoadedSources;
  lesson: Lesson;
  seed: number;
  slowmo: number;
  serveUrl?: string;
  /** The main run's settings, which the contrast's flags change. */
  base: { concurrency: number; timeoutMs?: number; deadlineMs?: number; bufferAll?: boolean; offload?: boolean };
  /** The run's wall time: the contrast's events come after its summary. */
  t: number;
  /** The main run's bus: the contrast says `contrast` events on it, nothing else. */
  emit: Emit;
  /** q and Ctrl-C (the dashboard's keys, the signals) stop the contrast run. */
  setControls(controls: DashboardControls): void;
  onSignal(stop: () => void): () => void;
}

/**
 * `--contrast`: the lecture's other way of doing the same work (01 with -c 1, 04 with
 * --buffer-all, 05 with --offload), run after the scene itself from the same sources and seed,
 * writing nothing (sink none), so that the final picture can put both on one time axis. Its own
 * events stay in its own store; the run's bus hears only where it is and, at its end, what it did.
 * Resolves with whether it ran to its end (false: stopped by q or Ctrl-C).
 */
export async function runContrast(o: ContrastOptions): Promise<boolean> {
  const contrast = o.lesson.contrast!;
  const flags = parseContrastFlags(contrast.flags);
  if ('error' in flags) throw new Error(flags.error); // validated when ingest.json was loaded
  const at = () => o.t;
  o.emit({ type: 'contrast', t: at(), state: 'running', label: contrast.label });
  const bus = createEventBus();
  const store = createStore();
  bus.subscribe(store.apply);
  const offload = flags.offload ?? o.base.offload;
  const pool = offload ? (await import('../pipeline/offload/pool.js')).createOffloadPool() : undefined;
  try {
    const pipeline = startPipeline(
      createSources(o.loaded.configs, { seed: o.seed, slowmo: o.slowmo, serveUrl: o.serveUrl }),
      {
        concurrency: flags.concurrency ?? o.base.concurrency,
        timeoutMs: o.base.timeoutMs,
        deadlineMs: o.base.deadlineMs,
        sink: noneSink(),
        deadLetters: discardDeadLetters,
        transform: pool?.transform,
        transformAhead: pool && pool.threads * 4,
        bufferAll: flags.bufferAll ?? o.base.bufferAll,
        slowmo: o.slowmo,
      },
      bus.emit,
    );
    let stopped = false;
    const stop = () => {
      stopped = true;
      pipeline.stop('quit');
    };
    o.setControls({ stop });
    const offSignal = o.onSignal(stop);
    try {
      const summary = await pipeline.done;
      if (stopped) {
        o.emit({ type: 'contrast', t: at(), state: 'stopped', label: contrast.label });
        return false;
      }
      store.flush();
      const snapshot = store.getSnapshot();
      const result: ContrastResult = {
        wallMs: summary.wallMs,
        lanes: snapshot.sources.map((v) => ({
          name: v.name,
          kind: v.kind,
          state: v.state,
          ms: v.ms,
          ...(v.startedAt !== undefined ? { startedAt: v.startedAt } : {}),
          ...(v.endedAt !== undefined ? { endedAt: v.endedAt } : {}),
          ...(v.held ? { held: [...v.held] } : {}),
          ...(v.marks ? { marks: { ...v.marks } } : {}),
        })),
        held: [...snapshot.held],
        maxLagMs: summary.maxLoopLagMs,
        peakRssBytes: summary.peakRssBytes,
        baselineRssBytes: summary.baselineRssBytes,
      };
      o.emit({ type: 'contrast', t: at(), state: 'done', label: contrast.label, result });
      return true;
    } finally {
      offSignal();
    }
  } finally {
    await pool?.close();
  }
}
