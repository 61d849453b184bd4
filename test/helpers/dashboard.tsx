import { render } from 'ink-testing-library';
import type { Lesson, PipelineEvent, SourceInfo, SourceState } from '../../src/pipeline/events.js';
import { App } from '../../src/ui/components/App.js';
import { type DashboardControls, localControls } from '../../src/ui/dashboard/controls.js';
import { createStore, type Store } from '../../src/ui/model/store.js';
import { colorTheme, type Theme, ThemeContext } from '../../src/ui/theme.js';

export interface SourcePlan {
  name: string;
  kind?: string;
  state: SourceState;
  chunks?: number;
  expected?: SourceInfo['expected'];
  error?: string;
  note?: string;
  /** Notes at the start and, for a source that ended, right before it ended. */
  notes?: { start?: string[]; end?: string[] };
  startedAt?: number;
  ms?: number;
  /** Bytes per chunk (1,000 unless said). */
  chunkBytes?: number;
  /** Notes at given run times, [t, text] each. */
  notesAt?: [number, string][];
  /** When its cancel or timeout landed (a cancelling event), and why ('user', 'deadline', 'timeout'). */
  cancelling?: { t: number; reason: string };
  /** Times it held the event loop: [from, ms] each. */
  blocking?: [number, number][];
}

/** A store that has seen a run reach the given states, as the pipeline would have reported them. */
export function storeWith(
  sources: SourcePlan[],
  {
    t = 2000,
    concurrency = 4,
    metrics = true,
    lesson,
    baselineRssBytes,
    stopping,
    slowmo,
    deadlineMs,
    bufferAll,
    samples,
    finished,
  }: {
    t?: number;
    concurrency?: number;
    metrics?: boolean;
    lesson?: Lesson;
    baselineRssBytes?: number;
    stopping?: { t: number; reason: string };
    slowmo?: number;
    deadlineMs?: number;
    bufferAll?: boolean;
    /** Metrics samples in place of the default ones: [rss, loopLagP99Ms] each, 250 ms apart. */
    samples?: [number, number][];
    /** End with a summary, as a finished run does (wall = t, busy = the sources' ms added up). */
    finished?: boolean;
  } = {},
): Store {
  const store = createStore({ intervalMs: 1 });
  const events: PipelineEvent[] = [
    {
      type: 'run-start',
      t: 0,
      concurrency,
      sink: 'none',
      sources: sources.map((s) => ({ name: s.name, kind: s.kind ?? 'simulated', ...(s.expected ? { expected: s.expected } : {}) })),
      ...(lesson ? { lesson } : {}),
      ...(baselineRssBytes !== undefined ? { baselineRssBytes } : {}),
      ...(slowmo !== undefined ? { slowmo } : {}),
      ...(deadlineMs !== undefined ? { deadlineMs } : {}),
      ...(bufferAll ? { bufferAll: true as const } : {}),
    },
  ];
  if (stopping) events.push({ type: 'stopping', ...stopping });
  for (const [i, s] of sources.entries()) {
    if (s.state === 'queued') continue;
    const startedAt = s.startedAt ?? i * 10;
    events.push({ type: 'source-start', t: startedAt, source: s.name });
    if (s.note) events.push({ type: 'note', t: startedAt + 1, source: s.name, text: s.note });
    for (const text of s.notes?.start ?? []) events.push({ type: 'note', t: startedAt, source: s.name, text });
    for (const [t, text] of s.notesAt ?? []) events.push({ type: 'note', t, source: s.name, text });
    if (s.cancelling) events.push({ type: 'cancelling', source: s.name, ...s.cancelling });
    for (const [t, ms] of s.blocking ?? []) events.push({ type: 'blocking', t, ms, source: s.name });
    for (let seq = 0; seq < (s.chunks ?? 0); seq++) {
      events.push({ type: 'chunk', t: startedAt + seq + 1, source: s.name, seq, records: 10, bytes: s.chunkBytes ?? 1000, persisted: 10, deadLettered: 0 });
    }
    if (s.state !== 'running') {
      const n = s.chunks ?? 0;
      const ms = s.ms ?? 500;
      for (const text of s.notes?.end ?? []) events.push({ type: 'note', t: startedAt + ms, source: s.name, text });
      events.push({
        type: 'source-end',
        t: startedAt + ms,
        source: s.name,
        state: s.state,
        ms,
        chunks: n,
        records: n * 10,
        bytes: n * (s.chunkBytes ?? 1000),
        persisted: n * 10,
        deadLettered: 0,
        dropped: 0,
        ...(s.error ? { error: s.error } : {}),
      });
    }
  }
  if (samples) {
    for (const [i, [rss, lag]] of samples.entries()) events.push({ type: 'metrics', t: 250 * i, rss, heapUsed: 30e6, loopLagP99Ms: lag, loopLagMaxMs: lag });
  } else {
    if (metrics)
      for (let i = 0; i < 8; i++) events.push({ type: 'metrics', t: 250 * i, rss: 100e6 + i * 5e6, heapUsed: 30e6, loopLagP99Ms: 1.5, loopLagMaxMs: 4 });
    events.push({ type: 'metrics', t, rss: 140e6, heapUsed: 31e6, loopLagP99Ms: 2.4, loopLagMaxMs: 6 });
  }
  // In time order, as the pipeline would have sent them.
  for (const e of events.sort((a, b) => a.t - b.t)) store.apply(e);
  if (finished) {
    store.flush();
    const snap = store.getSnapshot();
    const sourceResults = snap.sources.map((v) => ({
      name: v.name,
      state: v.state,
      chunks: v.chunks,
      records: v.records,
      bytes: v.bytes,
      persisted: v.persisted,
      deadLettered: 0,
      dropped: 0,
      ms: v.ms,
    }));
    const busyMs = sourceResults.reduce((n, r) => n + r.ms, 0);
    store.apply({
      type: 'summary',
      t,
      wallMs: t,
      busyMs,
      speedup: busyMs / t,
      concurrency,
      states: snap.counts,
      records: snap.records,
      bytes: snap.bytes,
      persisted: snap.persisted,
      deadLettered: 0,
      dropped: 0,
      retries: 0,
      baselineRssBytes: snap.baselineRss ?? 0,
      peakRssBytes: snap.peakRss ?? 0,
      maxLoopLagMs: snap.maxLagMs,
      ...(stopping ? { stoppedBy: stopping.reason } : {}),
      sources: sourceResults,
    });
  }
  store.flush();
  return store;
}

export interface Recorded extends Required<Omit<DashboardControls, 'over'>> {
  calls: string[];
}

/** Controls that record what the keys asked for. */
export function recordingControls(): Recorded {
  const calls: string[] = [];
  return {
    calls,
    stop: (kind) => void calls.push(`stop ${kind}`),
    cancel: (name) => {
      calls.push(`cancel ${name}`);
      return true;
    },
    setConcurrency: (n) => void calls.push(`concurrency ${n}`),
    setPaused: (paused) => void calls.push(`paused ${paused}`),
    step: () => void calls.push('step'),
  };
}

/**
 * Render the dashboard in ink-testing-library at a given terminal size. The size is set the way
 * a terminal changes it (a resize event), which is also how a real resize reaches the app.
 */
export async function renderDashboard(
  store: Store,
  {
    columns = 120,
    rows = 40,
    controls,
    replay,
    theme = colorTheme,
    forceExit = () => {},
  }: { columns?: number; rows?: number; controls?: DashboardControls; replay?: boolean; theme?: Theme; forceExit?: () => void } = {},
) {
  const startedAt = store.getSnapshot().startedAtEpochMs;
  const clock = () => startedAt + store.getSnapshot().t;
  const view = render(
    <ThemeContext.Provider value={theme}>
      <App store={store} controls={localControls(() => controls)} replay={replay} forceExit={forceExit} clock={clock} />
    </ThemeContext.Provider>,
  );
  const resize = async (c: number, r: number) => {
    Object.defineProperty(view.stdout, 'columns', { value: c, configurable: true });
    Object.defineProperty(view.stdout, 'rows', { value: r, configurable: true });
    view.stdout.emit('resize');
    await settle(view.frames);
  };
  await resize(columns, rows);
  const frame = () => view.lastFrame() ?? '';
  const lines = () => frame().split('\n');
  return { ...view, frame, lines, resize, settle: () => settle(view.frames) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Let Ink process input and React re-render: until no new frame came for a while (a loaded machine is slow). */
async function settle(frames: readonly string[]) {
  let seen = frames.length;
  let quiet = 0;
  for (let i = 0; i < 100 && quiet < 3; i++) {
    await sleep(25);
    quiet = frames.length === seen ? quiet + 1 : 0;
    seen = frames.length;
  }
}
