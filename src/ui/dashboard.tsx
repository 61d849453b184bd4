import { render, renderToString, type Instance } from 'ink';
import { EXIT } from '../exit-codes.js';
import { SOURCE_STATES } from '../pipeline/events.js';
import { createStore, type Store } from '../pipeline/store.js';
import { App } from './App.js';
import type { DashboardControls } from './controls.js';
import { formatSummary } from './summary-table.js';
import { FinalTimeline } from './Timeline.js';
import type { DashboardView } from './use-dashboard-keys.js';
import { ThemeContext, themeFor } from './theme.js';

export interface DashboardOptions {
  store: Store;
  /** Read on every key press: the run may start after the dashboard does. */
  controls: () => DashboardControls | undefined;
  replay?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  /** A second Ctrl-C: leave without waiting for cleanup. */
  forceExit?: () => void;
}

export interface Dashboard {
  /** Restore the terminal and print the summary in place of the dashboard (if the run got that far). */
  unmount(): void;
  waitUntilExit(): Promise<void>;
}

/**
 * Render a made-up run off screen once: the first render of React and Ink (compiling their code)
 * takes 50-100 ms, and it should happen before the run starts, not as event-loop lag inside it.
 */
function warmUp() {
  const store = createStore({ intervalMs: 1 });
  const sources = Array.from({ length: 40 }, (_, i) => ({ name: `warm-up-${i}`, kind: 'simulated', expected: { chunks: 4 } }));
  store.apply({ type: 'run-start', t: 0, concurrency: 4, sink: 'none', sources });
  sources.forEach(({ name }, i) => {
    const state = SOURCE_STATES[i % SOURCE_STATES.length]!;
    if (state === 'queued') return;
    store.apply({ type: 'source-start', t: i, source: name });
    store.apply({ type: 'chunk', t: i + 1, source: name, seq: 0, records: 10, bytes: 100, persisted: 10, deadLettered: 0 });
    if (state !== 'running') store.apply({ type: 'source-end', t: i + 2, source: name, state, ms: 2, chunks: 1, records: 10, bytes: 100, persisted: 10, deadLettered: 0, dropped: 0 });
  });
  store.apply({ type: 'metrics', t: 50, rss: 1e8, heapUsed: 5e7, loopLagP99Ms: 1, loopLagMaxMs: 1 });
  store.flush();
  for (let i = 0; i < 3; i++) renderToString(<App store={store} controls={() => undefined} forceExit={() => {}} />, { columns: 120 });
}

/**
 * The live dashboard on the terminal. It appears when the run announces its sources and ends
 * with the summary table (the same one `--no-ui` prints) left on screen.
 */
export function startDashboard(options: DashboardOptions): Dashboard {
  const { store } = options;
  const stdout = options.stdout ?? process.stdout;
  let closed = false;
  const theme = themeFor(options.env);
  const forceExit = () => {
    instance.unmount();
    (options.forceExit ?? (() => process.exit(EXIT.SIGINT)))();
  };
  let view: DashboardView = 'rows';
  const onView = (shown: DashboardView) => void (view = shown);
  const tree = (hidden: boolean) => (
    <ThemeContext.Provider value={theme}>
      <App store={store} controls={options.controls} replay={options.replay} hidden={hidden} forceExit={forceExit} onView={onView} />
    </ThemeContext.Provider>
  );
  warmUp();
  // Ink repaints the current frame on resize before React has re-rendered for the new size; when
  // the terminal got shorter, that frame is too tall and scrolls it (ink#359). Re-rendering
  // synchronously ahead of Ink's own handler means Ink repaints a frame that fits.
  const relayout = () => instance.rerender(tree(false));
  stdout.prependListener('resize', relayout);
  // Mounted now, before the run starts, so its set-up is not event-loop lag inside the run; the
  // app draws nothing until the run announces its sources (a config error prints on a clean screen).
  // Ctrl-C reaches the app as a key (stdin is in raw mode); the app stops the run gracefully.
  const instance: Instance = render(tree(false), { stdout, stdin: options.stdin ?? process.stdin, exitOnCtrlC: false });

  return {
    unmount() {
      if (closed) return;
      closed = true;
      stdout.off('resize', relayout);
      const summary = store.getSnapshot().summary;
      // With a summary, the table replaces the dashboard; without one (a replay stopped early,
      // an error) the last frame stays, to show where things stood.
      if (summary) instance.rerender(tree(true));
      instance.unmount();
      if (!summary) return;
      // Closed on the timeline: the picture of the whole run stays, above the table.
      const picture = view === 'timeline'
        ? `${renderToString(<ThemeContext.Provider value={theme}><FinalTimeline snapshot={store.getSnapshot()} width={Math.max(20, (stdout.columns || 80) - 1)} /></ThemeContext.Provider>, { columns: stdout.columns || 80 })}\n\n`
        : '';
      stdout.write(picture + formatSummary(summary));
    },
    waitUntilExit: async () => {
      await instance.waitUntilExit();
    },
  };
}
