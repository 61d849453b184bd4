import type { PausePoint } from './pause-points.js';

/**
 * The only thing the pipeline says to the outside world. Every event is a plain JSON object, so
 * the same stream feeds the dashboard, the text and JSON reporters, and --record/--replay.
 */
export type SourceState = 'queued' | 'running' | 'done' | 'failed' | 'timed-out' | 'cancelled';
export const SOURCE_STATES: readonly SourceState[] = ['queued', 'running', 'done', 'failed', 'timed-out', 'cancelled'];
export const isFinished = (state: SourceState) => state !== 'queued' && state !== 'running';

export interface SourceInfo {
  name: string;
  kind: string;
  expected?: { chunks?: number; bytes?: number };
}

/** Per-source counts. records = persisted + deadLettered + dropped once the source has ended. */
export interface SourceCounts {
  chunks: number;
  records: number;
  bytes: number;
  persisted: number;
  deadLettered: number;
  dropped: number;
}

export interface SourceResult extends SourceCounts {
  name: string;
  state: SourceState;
  ms: number;
  error?: string;
}

export interface Summary {
  wallMs: number;
  busyMs: number;
  speedup: number;
  concurrency: number;
  states: Record<SourceState, number>;
  records: number;
  bytes: number;
  persisted: number;
  deadLettered: number;
  dropped: number;
  retries: number;
  /** RSS when the run started; (peak - baseline) / sources is the memory cost of one source. */
  baselineRssBytes: number;
  peakRssBytes: number;
  maxLoopLagMs: number;
  /** Why the run stopped early, when it did: 'deadline', 'SIGINT', 'SIGTERM', 'quit'. */
  stoppedBy?: string;
  sources: SourceResult[];
}

/**
 * What a lecture scenario teaches (from its ingest.json): the JavaScript construct and its asyncio
 * twin, shown by the dashboard's lesson overlay and in the first lines of --no-ui.
 */
export interface Lesson {
  title: string;
  /** The construct in JavaScript, short: "Promise.all". */
  js: string;
  /** Its asyncio twin: "asyncio.gather". */
  asyncio: string;
  takeaway: string;
  /** A few lines of code for each side, shown next to each other. */
  code?: { js: string[]; asyncio: string[] };
  /** The dashboard view the scenario opens on (01-gather: the timeline, where the overlap shows). */
  view?: 'rows' | 'timeline' | 'lesson';
  /** Key moments where the dashboard's run pauses by itself, with a caption. */
  pauseAt?: PausePoint[];
}

type At<T> = T & { t: number };

export type PipelineEvent =
  | At<{ type: 'run-start'; concurrency: number; sink: string; out?: string; sources: SourceInfo[]; lesson?: Lesson; baselineRssBytes?: number }>
  | At<{ type: 'source-start'; source: string }>
  | At<{ type: 'chunk'; source: string; seq: number; records: number; bytes: number; persisted: number; deadLettered: number }>
  | At<{ type: 'retry'; source: string; attempt: number; delayMs: number; reason: string }>
  | At<{ type: 'note'; source: string; text: string }>
  | At<{ type: 'dead-letter'; source: string; seq: number; index: number; reason: string }>
  | At<{ type: 'source-end'; source: string; state: SourceState; ms: number; error?: string } & SourceCounts>
  | At<{ type: 'metrics'; rss: number; heapUsed: number; loopLagP99Ms: number; loopLagMaxMs: number }>
  | At<{ type: 'concurrency'; concurrency: number }>
  /** `caption`: why it paused by itself (a lesson's key moment, or a step). */
  | At<{ type: 'paused'; paused: boolean; caption?: string }>
  | At<{ type: 'stopping'; reason: string; force?: true }>
  | At<{ type: 'summary' } & Summary>;

export type EventType = PipelineEvent['type'];
export type EventOf<T extends EventType> = Extract<PipelineEvent, { type: T }>;
export type Emit = (event: PipelineEvent) => void;

/** A tiny fan-out: the pipeline (or a replay) emits, reporters and the store listen. */
export function createEventBus() {
  const listeners = new Set<Emit>();
  return {
    emit(event: PipelineEvent) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener: Emit) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;
