import {
  type ContrastResult,
  type FleetInfo,
  type FleetTotals,
  type Lesson,
  type PipelineEvent,
  SOURCE_STATES,
  type SourceResult,
  type SourceState,
  type Summary,
} from '../../pipeline/events.js';

export interface SourceView extends SourceResult {
  kind: string;
  expected?: { chunks?: number; bytes?: number };
  /** Run time (ms since run start) when the source started and ended. */
  startedAt?: number;
  endedAt?: number;
  retries: number;
  lastNote?: string;
  /** When its cancel or timeout landed (a cancelling event): its cleanup runs from here to its end. */
  cancellingAt?: number;
  /** Who stopped it: 'timeout', 'user', 'deadline', 'SIGINT', … */
  cancelReason?: string;
  /** Times it held the event loop (a synchronous call), as [from, to, from, to, …] in run time. */
  held?: number[];
  /** Lifecycle steps it reported in its notes, by when (the database's open and close, a cleanup). */
  marks?: Marks;
}

/** Steps of a source's life its notes mark, so a view can draw phases and prove the close. */
export interface Marks {
  connecting?: number;
  open?: number;
  closing?: number;
  closed?: number;
  cleaning?: number;
  cleaned?: number;
}

/** The note texts the bundled kinds use for those steps (database.ts, simulated.ts). */
const MARKS: readonly [RegExp, keyof Marks][] = [
  [/^connecting…/, 'connecting'],
  [/^connection open/, 'open'],
  [/^closing…/, 'closing'],
  [/^connection closed/, 'closed'],
  [/^cleaning up/, 'cleaning'],
  [/^cleanup done/, 'cleaned'],
];

export interface MetricsView {
  rss: number;
  heapUsed: number;
  loopLagP99Ms: number;
  loopLagMaxMs: number;
  /** The whole run's fraction done and time left, when the pipeline knows them (metrics events). */
  progress?: number;
  etaMs?: number;
}

export interface Note {
  t: number;
  source: string;
  text: string;
}

export interface Snapshot {
  /** Increases with every notification. */
  version: number;
  /** Run time of the latest event, ms. */
  t: number;
  /** Date.now() at run start, so a view can tick elapsed time between events. */
  startedAtEpochMs: number;
  concurrency: number;
  paused: boolean;
  /** --contrast: the lesson's other way, running after this run or done (its lanes and peaks). */
  contrast?: { state: 'running' | 'done' | 'stopped'; label: string; result?: ContrastResult };
  /** The run's clock has not begun yet (run-start's clockHeld, until clock-start): elapsed stays 0. */
  starting?: boolean;
  /** Why the run paused by itself (a lesson's key moment, a step), while it stays paused. */
  pauseCaption?: string;
  stopping?: string;
  /** Run time when the run began to stop (the deadline, q, Ctrl-C). */
  stoppingAt?: number;
  sink: string;
  /** What the run teaches, when its directory says (a lecture scenario). */
  lesson?: Lesson;
  /** --fleet: the run this worker shares, and the whole fleet's totals once read from the database. */
  fleet?: FleetInfo & { totals?: FleetTotals };
  /** Every source in configured order. The views are live objects: read them while rendering. */
  sources: readonly SourceView[];
  counts: Record<SourceState, number>;
  records: number;
  bytes: number;
  persisted: number;
  deadLettered: number;
  retries: number;
  /** Sum of the run time of finished sources; running ones add (t - startedAt). */
  finishedBusyMs: number;
  metrics?: MetricsView;
  /** RSS when the run started (from run-start, else the first sample) and the highest seen since. */
  baselineRss?: number;
  peakRss?: number;
  /**
   * Samples of the whole run, oldest first, for sparklines: each entry covers `historyStep`
   * samples (the highest of them), doubling whenever the history fills up.
   */
  rssHistory: readonly number[];
  lagHistory: readonly number[];
  historyStep: number;
  notes: readonly Note[];
  /** --slowmo of the run (1 when not given): lecture time is run time / slowmo. */
  slowmo: number;
  /** --buffer-all: sources read to the end before anything was processed. */
  bufferAll?: boolean;
  /** The run's deadline (run time, ms), when it has one. */
  deadlineMs?: number;
  /** The worst event-loop lag seen so far (the samples' max), ms. */
  maxLagMs: number;
  /** The most sources running at the same moment, and since when. */
  peakRunning: number;
  peakRunningAt?: number;
  /** When any source held the event loop, merged over all sources: [from, to, …] in run time. */
  held: readonly number[];
  /** How long sources held the loop in all. */
  heldMs: number;
  summary?: Summary;
}

const HISTORY = 64;
const NOTES = 50;
/** Held intervals kept per source and for the run; past that, a new one is merged into the last. */
const HELD_PER_SOURCE = 32;
const HELD_RUN = 128;

/** Append [from, to] to a flat interval list, joining it to the last when they touch or the list is full. */
function addInterval(list: number[], from: number, to: number, max: number) {
  const last = list.length - 1;
  if (last > 0 && (from <= list[last]! || list.length >= 2 * max)) list[last] = Math.max(list[last]!, to);
  else list.push(from, to);
}

/** Fold a history in half (each pair becomes its higher value): the whole run stays in HISTORY entries. */
function compact(history: number[]) {
  const folded: number[] = [];
  for (let i = 0; i < history.length; i += 2) folded.push(Math.max(history[i]!, history[i + 1] ?? -Infinity));
  history.splice(0, history.length, ...folded);
}

/**
 * Reduces the event stream into a snapshot that views read. Events arrive thousands of times a
 * second; subscribers hear about them at most once per `intervalMs` (10 a second by default),
 * which is what keeps the dashboard calm and cheap. This interval is the one place the
 * dashboard's frames are paced (see use-snapshot.ts): it is on the pipeline's thread, before
 * anything is built, packed or posted, so a frame it does not make costs the pipeline nothing.
 */
export function createStore({ intervalMs = 100 }: { intervalMs?: number } = {}) {
  const views: SourceView[] = [];
  const byName = new Map<string, SourceView>();
  const counts = Object.fromEntries(SOURCE_STATES.map((s) => [s, 0])) as Record<SourceState, number>;
  const listeners = new Set<(snapshot: Snapshot) => void>();
  let state: Omit<Snapshot, 'version' | 'sources' | 'counts' | 'rssHistory' | 'lagHistory' | 'notes' | 'held'> = {
    t: 0,
    startedAtEpochMs: Date.now(),
    concurrency: 0,
    paused: false,
    sink: 'none',
    records: 0,
    bytes: 0,
    persisted: 0,
    deadLettered: 0,
    retries: 0,
    finishedBusyMs: 0,
    historyStep: 1,
    slowmo: 1,
    peakRunning: 0,
    heldMs: 0,
    maxLagMs: 0,
  };
  const rssHistory: number[] = [];
  const lagHistory: number[] = [];
  /** Samples taken into the last history entry so far (it holds their highest). */
  let inLastEntry = 0;
  const held: number[] = [];
  const notes: Note[] = [];
  let version = 0;
  let snapshot = build();
  let timer: NodeJS.Timeout | undefined;

  function build(): Snapshot {
    return {
      ...state,
      version,
      sources: views,
      counts: { ...counts },
      rssHistory: [...rssHistory],
      lagHistory: [...lagHistory],
      notes: [...notes],
      held: [...held],
    };
  }

  function flush() {
    clearTimeout(timer);
    timer = undefined;
    version += 1;
    snapshot = build();
    for (const listener of listeners) listener(snapshot);
  }

  function setState(view: SourceView, next: SourceState) {
    counts[view.state] -= 1;
    counts[next] += 1;
    view.state = next;
  }

  /** A source, queued: listed by run-start, or first heard of as it starts (a fleet worker's claim). */
  function announce(name: string, kind: string, expected?: SourceView['expected']) {
    const view = queuedView(name, kind, expected);
    views.push(view);
    byName.set(name, view);
    counts.queued += 1;
    return view;
  }

  function apply(event: PipelineEvent) {
    state.t = Math.max(state.t, event.t);
    switch (event.type) {
      case 'run-start':
        state = {
          ...state,
          startedAtEpochMs: Date.now() - event.t,
          concurrency: event.concurrency,
          sink: event.sink,
          lesson: event.lesson,
          baselineRss: event.baselineRssBytes,
          slowmo: event.slowmo ?? 1,
          ...(event.bufferAll ? { bufferAll: true } : {}),
          ...(event.deadlineMs !== undefined ? { deadlineMs: event.deadlineMs } : {}),
          ...(event.clockHeld ? { starting: true } : {}),
          ...(event.fleet ? { fleet: { ...event.fleet } } : {}),
        };
        for (const s of event.sources) announce(s.name, s.kind, s.expected);
        break;
      case 'source-start': {
        const view = byName.get(event.source) ?? (event.kind === undefined ? undefined : announce(event.source, event.kind, event.expected));
        if (view) {
          if (event.takenFrom !== undefined) view.lastNote = `taken over from ${event.takenFrom}`;
          setState(view, 'running');
          view.startedAt = event.t;
          if (counts.running > state.peakRunning) {
            state.peakRunning = counts.running;
            state.peakRunningAt = event.t;
          }
        }
        break;
      }
      case 'cancelling': {
        const view = byName.get(event.source);
        if (view && view.cancellingAt === undefined) {
          view.cancellingAt = event.t;
          view.cancelReason = event.reason;
        }
        break;
      }
      case 'blocking': {
        const view = byName.get(event.source);
        if (view) {
          view.held ??= [];
          addInterval(view.held, event.t, event.t + event.ms, HELD_PER_SOURCE);
        }
        addInterval(held, event.t, event.t + event.ms, HELD_RUN);
        state.heldMs += event.ms;
        break;
      }
      case 'chunk': {
        const view = byName.get(event.source);
        if (view) {
          view.chunks += 1;
          view.records += event.records;
          view.bytes += event.bytes;
          view.persisted += event.persisted;
          view.deadLettered += event.deadLettered;
        }
        state.records += event.records;
        state.bytes += event.bytes;
        state.persisted += event.persisted;
        state.deadLettered += event.deadLettered;
        break;
      }
      case 'retry': {
        const view = byName.get(event.source);
        if (view) view.retries += 1;
        state.retries += 1;
        break;
      }
      case 'note': {
        const view = byName.get(event.source);
        if (view) {
          view.lastNote = event.text;
          const mark = MARKS.find(([pattern]) => pattern.test(event.text))?.[1];
          if (mark) {
            view.marks ??= {};
            view.marks[mark] ??= event.t;
          }
        }
        notes.push({ t: event.t, source: event.source, text: event.text });
        if (notes.length > NOTES) notes.shift();
        break;
      }
      case 'source-end': {
        const view = byName.get(event.source);
        if (view) {
          setState(view, event.state);
          view.endedAt = event.t;
          view.ms = event.ms;
          // The end's counts are the source's own: they include a chunk read but never persisted
          // (no chunk event for it), so records = persisted + deadLettered + dropped holds here.
          state.records += event.records - view.records;
          state.persisted += event.persisted - view.persisted;
          state.deadLettered += event.deadLettered - view.deadLettered;
          view.records = event.records;
          view.persisted = event.persisted;
          view.deadLettered = event.deadLettered;
          view.dropped = event.dropped;
          if (event.error !== undefined) view.error = event.error;
          state.finishedBusyMs += event.ms;
        }
        break;
      }
      case 'metrics':
        state.metrics = {
          rss: event.rss,
          heapUsed: event.heapUsed,
          loopLagP99Ms: event.loopLagP99Ms,
          loopLagMaxMs: event.loopLagMaxMs,
          ...(event.progress === undefined ? {} : { progress: event.progress }),
          ...(event.etaMs === undefined ? {} : { etaMs: event.etaMs }),
        };
        state.baselineRss ??= event.rss; // a recording made before run-start carried it
        state.peakRss = Math.max(state.peakRss ?? 0, event.rss);
        state.maxLagMs = Math.max(state.maxLagMs, event.loopLagMaxMs);
        // The highest of each step's samples: a peak never disappears into an average.
        if (inLastEntry > 0 && inLastEntry < state.historyStep) {
          rssHistory[rssHistory.length - 1] = Math.max(rssHistory.at(-1)!, event.rss);
          lagHistory[lagHistory.length - 1] = Math.max(lagHistory.at(-1)!, event.loopLagP99Ms);
          inLastEntry += 1;
        } else {
          if (rssHistory.length === HISTORY) {
            compact(rssHistory);
            compact(lagHistory);
            state.historyStep *= 2;
          }
          rssHistory.push(event.rss);
          lagHistory.push(event.loopLagP99Ms);
          inLastEntry = 1;
        }
        break;
      case 'fleet':
        if (state.fleet) state.fleet = { ...state.fleet, totals: event.totals };
        break;
      case 'concurrency':
        state.concurrency = event.concurrency;
        break;
      case 'paused':
        state.paused = event.paused;
        state.pauseCaption = event.paused ? event.caption : undefined;
        // Run time leaves pauses out: from here on the views' clock counts from the run time it resumed at.
        if (!event.paused) state.startedAtEpochMs = Date.now() - event.t;
        break;
      case 'contrast':
        state.contrast = { state: event.state, label: event.label, ...(event.result ? { result: event.result } : {}) };
        break;
      case 'clock-start':
        state.starting = false;
        state.startedAtEpochMs = Date.now() - event.t;
        break;
      case 'stopping':
        state.stopping = event.reason;
        state.stoppingAt ??= event.t;
        break;
      case 'summary': {
        const { type: _type, t: _t, ...summary } = event;
        state.summary = summary;
        flush();
        return;
      }
      case 'dead-letter':
        break;
    }
    timer ??= setTimeout(flush, intervalMs);
  }

  /**
   * Start from another store's snapshot (an attached viewer joining a run): the views, counts and
   * histories as they were there, then events apply on top as usual. Listeners hear it at once.
   */
  function restore(from: Snapshot) {
    views.length = 0;
    byName.clear();
    for (const source of from.sources) {
      const view: SourceView = { ...source, ...(source.held ? { held: [...source.held] } : {}), ...(source.marks ? { marks: { ...source.marks } } : {}) };
      views.push(view);
      byName.set(view.name, view);
    }
    Object.assign(counts, from.counts);
    const { version: _version, sources: _sources, counts: _counts, rssHistory: rss, lagHistory: lag, notes: fromNotes, held: fromHeld, ...rest } = from;
    state = { ...rest };
    const refill = <T>(list: T[], from: readonly T[]) => {
      list.length = 0;
      for (const item of from) list.push(item);
    };
    refill(rssHistory, rss);
    refill(lagHistory, lag);
    refill(notes, fromNotes);
    refill(held, fromHeld);
    inLastEntry = state.historyStep; // the last entry counts as full: the next sample starts one
    flush();
  }

  return {
    apply,
    restore,
    getSnapshot: () => snapshot,
    subscribe(listener: (snapshot: Snapshot) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Notify now, whatever the throttle says (on exit, in tests). */
    flush,
  };
}
export type Store = ReturnType<typeof createStore>;

/** Busy time so far: finished sources' run time plus the running ones' elapsed time. */
export function busyMs(snapshot: Snapshot, now = snapshot.t): number {
  let busy = snapshot.finishedBusyMs;
  for (const view of snapshot.sources) if (view.state === 'running' && view.startedAt !== undefined) busy += now - view.startedAt;
  return busy;
}

/**
 * A view with every field it will ever get, absent ones undefined: all views then share one
 * shape. Spread from an info object, each had a shape of its own (V8), and unpacking 100,000 of
 * them took 120-200 ms a frame instead of a few.
 */
export function queuedView(name: string, kind: string, expected: SourceView['expected']): SourceView {
  return {
    name,
    kind,
    expected,
    state: 'queued',
    chunks: 0,
    records: 0,
    bytes: 0,
    persisted: 0,
    deadLettered: 0,
    dropped: 0,
    ms: 0,
    retries: 0,
    startedAt: undefined,
    endedAt: undefined,
    error: undefined,
    lastNote: undefined,
    cancellingAt: undefined,
    cancelReason: undefined,
    held: undefined,
    marks: undefined,
  };
}
