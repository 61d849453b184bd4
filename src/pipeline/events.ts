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
  /**
   * Per source, in the order they started. Up to SUMMARY_SOURCES_MAX sources, every one; above
   * that, only those that did not end done (at most SUMMARY_SOURCES_MAX of them), and
   * `sourcesOmitted` says how many are left out. `states` and the totals always count all.
   */
  sources: SourceResult[];
  sourcesOmitted?: number;
  /** --fleet: the fleet's totals as the database had them when this worker left, beside its own above. */
  fleet?: FleetInfo & { totals: FleetTotals };
}

/** --fleet NAME: the run this worker shares with others, and this worker's name in it (host:pid:random). */
export interface FleetInfo {
  run: string;
  worker: string;
}

/** The whole fleet run, from the database: every worker's sources, not only this one's. */
export interface FleetTotals {
  sources: number;
  /** Per state (queued and running always present); final states as the pipeline names them. */
  states: Record<string, number>;
  persisted: number;
  deadLettered: number;
  /** Per worker that holds or held a source: how many it holds now, and how many it took to a final state. */
  workers: { worker: string; holding: number; finished: number; persisted: number }[];
}

/** The most sources a summary lists one by one (see Summary.sources). */
export const SUMMARY_SOURCES_MAX = 10_000;

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
  /**
   * What the scene is about, so the dashboard's header and caption show that number instead of
   * ones that mislead there (a "speedup" of 5,647× for 10,000 sleeping connections).
   */
  focus?: LessonFocus;
  /**
   * The lines of code that carry the point (the cleanup, the awaited open and close, the blocking
   * call), shown under the snippets when the whole listing does not fit: a file of the package,
   * the text a line contains, and how many lines from there.
   */
  points?: { file: string; find: string; lines?: number }[];
  /** The lecture's other way: flags for a second run (`--contrast`), and both ways in a few words. */
  contrast?: { flags: string[]; main: string; label: string };
  /** The scenario's Python program and its recorded output (twin.py, twin.out beside ingest.json). */
  twin?: { program: string; recorded: string[] };
}

/** What a contrast run did, enough to draw its lanes under the run's own on one time axis. */
export interface ContrastResult {
  wallMs: number;
  lanes: {
    name: string;
    kind: string;
    state: SourceState;
    startedAt?: number;
    endedAt?: number;
    ms: number;
    held?: number[];
    marks?: { connecting?: number; open?: number; closing?: number; closed?: number; cleaning?: number; cleaned?: number };
  }[];
  /** When any source held the event loop, [from, to, …]. */
  held: number[];
  maxLagMs: number;
  peakRssBytes: number;
  baselineRssBytes?: number;
}

export type LessonFocus = 'overlap' | 'cancel' | 'cleanup' | 'memory' | 'lag' | 'in-flight';
export const LESSON_FOCUS: readonly LessonFocus[] = ['overlap', 'cancel', 'cleanup', 'memory', 'lag', 'in-flight'];

type At<T> = T & { t: number };

/**
 * The shape of the event stream (--json, --record). Raised when an event changes incompatibly,
 * so a script or a replay can tell; new optional fields do not raise it. 1 had no run-start version;
 * 2's summary listed every source, 3's lists at most SUMMARY_SOURCES_MAX (Summary.sourcesOmitted).
 * A new type of event is new too, not a change: a reader skips a type it does not know (3 gained
 * `fleet`).
 */
export const EVENTS_SCHEMA_VERSION = 3;

export type PipelineEvent =
  | At<{
      type: 'run-start';
      concurrency: number;
      sink: string;
      out?: string;
      sources: SourceInfo[];
      lesson?: Lesson;
      baselineRssBytes?: number;
      /** --slowmo: simulated time runs this many times slower; a view divides by it for lecture time. */
      slowmo?: number;
      /** --buffer-all: each source is read to the end before anything is processed. */
      bufferAll?: true;
      /** The run's deadline, ms of run time, when it has one. */
      deadlineMs?: number;
      /** The tool's version, the shape of these events (EVENTS_SCHEMA_VERSION), and the wall-clock start (ISO 8601). */
      version?: string;
      schemaVersion?: number;
      startedAt?: string;
      /** The run's clock stands still (run time 0) until `clock-start`: the dashboard is painting its first frame. */
      clockHeld?: true;
      /** --control: the socket where `ingest-tui attach` can watch and steer this run. */
      control?: string;
      /** --fleet: the run this worker joined. Its sources are not listed (`sources` is empty): they come as it claims them. */
      fleet?: FleetInfo;
    }>
  /** The run's clock began to run (after run-start's `clockHeld`): the sources were on screen. */
  | At<{ type: 'clock-start' }>
  /**
   * `kind` and `expected`: for a source run-start did not list (a fleet worker's claim);
   * `takenFrom`: the fleet worker that held it before.
   */
  | At<{ type: 'source-start'; source: string; kind?: string; expected?: SourceInfo['expected']; takenFrom?: string }>
  | At<{ type: 'chunk'; source: string; seq: number; records: number; bytes: number; persisted: number; deadLettered: number }>
  | At<{ type: 'retry'; source: string; attempt: number; delayMs: number; reason: string }>
  | At<{ type: 'note'; source: string; text: string }>
  /**
   * A running source's signal aborted: from here it is cleaning up (its catch and finally run)
   * until its source-end. reason: 'timeout', or who cancelled it ('user', 'deadline', 'SIGINT', …).
   */
  | At<{ type: 'cancelling'; source: string; reason: string }>
  /** A synchronous call (a transform's cpuCost) held the event loop from t for ms: nothing else ran. */
  | At<{ type: 'blocking'; source: string; ms: number }>
  | At<{ type: 'dead-letter'; source: string; seq: number; index: number; reason: string }>
  | At<{ type: 'source-end'; source: string; state: SourceState; ms: number; error?: string } & SourceCounts>
  /**
   * `progress`: the whole run's fraction done (0..1) and `etaMs` the run time left at the pace so
   * far, both absent while too little is known (a source of unknown length still running; too
   * early for an ETA). See pipeline/progress.ts.
   */
  | At<{ type: 'metrics'; rss: number; heapUsed: number; loopLagP99Ms: number; loopLagMaxMs: number; progress?: number; etaMs?: number }>
  /** --fleet: the whole run's totals from the database, every few seconds and as it changes hands. */
  | At<{ type: 'fleet'; totals: FleetTotals }>
  | At<{ type: 'concurrency'; concurrency: number }>
  /** `caption`: why it paused by itself (a lesson's key moment, or a step). */
  | At<{ type: 'paused'; paused: boolean; caption?: string }>
  | At<{ type: 'stopping'; reason: string; force?: true }>
  /**
   * `--contrast`: the lesson's other way, run after this one (sink none). `running` when it
   * starts; `done` (or `stopped`: q, Ctrl-C) with its lanes, times and peaks, on the same clock units.
   */
  | At<{ type: 'contrast'; state: 'running' | 'done' | 'stopped'; label: string; result?: ContrastResult }>
  | At<{ type: 'summary' } & Summary>;

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
