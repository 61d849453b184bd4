import { type Instance, render, renderToString } from 'ink';
import type { ReactElement } from 'react';
import { SOURCE_STATES } from '../../pipeline/events.js';
import { App } from '../components/App.js';
import { LectureFinal } from '../components/LectureFinal.js';
import { FinalTimeline } from '../components/Timeline.js';
import type { DashboardView } from '../hooks/use-dashboard-keys.js';
import type { SnapshotSource } from '../hooks/use-snapshot.js';
import { focusOf } from '../model/lecture.js';
import { createStore } from '../model/store.js';
import { type Theme, ThemeContext } from '../theme.js';
import type { ControlChannel } from './controls.js';

export interface MountOptions {
  store: SnapshotSource;
  controls: ControlChannel;
  replay: boolean;
  attached?: boolean;
  theme: Theme;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  forceExit(): void;
}

export interface MountedDashboard {
  /**
   * Unmount. With `final` (the run has its summary) the dashboard is hidden first, so the summary
   * printed next takes its place; returns the run's timeline to print above the summary when the
   * dashboard was showing it, else ''. A lecture scene returns its final picture, totals included
   * (`complete`: no table after it). Without `final` the last frame stays, to show where things stood.
   */
  close(final: boolean): { picture: string; complete: boolean };
}

/**
 * The Ink app on a terminal (in the dashboard's worker: the streams are the worker's stand-ins for
 * the main thread's). It draws nothing until the run announces its sources, so a config error
 * prints on a clean screen. Ctrl-C reaches the app as a key (raw mode): the app stops the run gracefully.
 */
export function mountDashboard({ store, controls, replay, attached, theme, stdout, stdin, forceExit }: MountOptions): MountedDashboard {
  let view: DashboardView = 'rows';
  const onView = (shown: DashboardView) => {
    view = shown;
  };
  const exit = () => {
    instance.unmount();
    forceExit();
  };
  const tree = (hidden: boolean) => (
    <ThemeContext.Provider value={theme}>
      <App store={store} controls={controls} replay={replay} attached={attached} hidden={hidden} forceExit={exit} onView={onView} />
    </ThemeContext.Provider>
  );
  // Ink repaints the current frame on resize before React has re-rendered for the new size; when
  // the terminal got shorter, that frame is too tall and scrolls it (ink#359). Re-rendering
  // synchronously ahead of Ink's own handler means Ink repaints a frame that fits.
  const relayout = () => instance.rerender(tree(false));
  stdout.prependListener('resize', relayout);
  // Ink draws every commit (maxFps 0): the store's interval already paces the snapshots, and a
  // key's frame need not wait for Ink's 30 fps window (see use-snapshot.ts).
  const instance: Instance = render(tree(false), { stdout, stdin, exitOnCtrlC: false, maxFps: 0 });

  return {
    close(final) {
      stdout.off('resize', relayout);
      if (final) instance.rerender(tree(true));
      instance.unmount();
      const snapshot = store.getSnapshot();
      const columns = stdout.columns || 80;
      const width = Math.max(20, columns - 1);
      const draw = (node: ReactElement) => renderToString(<ThemeContext.Provider value={theme}>{node}</ThemeContext.Provider>, { columns });
      // A lecture scene leaves its point on screen, whatever view it closed on.
      if (final && snapshot.summary && focusOf(snapshot)) return { picture: `${draw(<LectureFinal snapshot={snapshot} width={width} />)}\n`, complete: true };
      if (!final || view !== 'timeline') return { picture: '', complete: false };
      // Closed on the timeline: the picture of the whole run stays, above the table.
      return { picture: `${draw(<FinalTimeline snapshot={snapshot} width={width} />)}\n\n`, complete: false };
    },
  };
}

/**
 * Render a made-up run off screen a few times: the first renders of React and Ink (compiling their
 * code, Yoga's WebAssembly) take 100-200 ms of CPU. Done before the run starts, they do not compete
 * with it for a core (a machine with two is busy enough at the start of a run).
 */
export function warmUp() {
  const store = createStore({ intervalMs: 1 });
  const sources = Array.from({ length: 40 }, (_, i) => ({ name: `warm-up-${i}`, kind: 'simulated', expected: { chunks: 4 } }));
  store.apply({ type: 'run-start', t: 0, concurrency: 4, sink: 'none', sources });
  sources.forEach(({ name }, i) => {
    const state = SOURCE_STATES[i % SOURCE_STATES.length]!;
    if (state === 'queued') return;
    store.apply({ type: 'source-start', t: i, source: name });
    store.apply({ type: 'chunk', t: i + 1, source: name, seq: 0, records: 10, bytes: 100, persisted: 10, deadLettered: 0 });
    if (state !== 'running')
      store.apply({ type: 'source-end', t: i + 2, source: name, state, ms: 2, chunks: 1, records: 10, bytes: 100, persisted: 10, deadLettered: 0, dropped: 0 });
  });
  store.apply({ type: 'metrics', t: 50, rss: 1e8, heapUsed: 5e7, loopLagP99Ms: 1, loopLagMaxMs: 1 });
  store.flush();
  for (let i = 0; i < 3; i++) renderToString(<App store={store} forceExit={() => {}} />, { columns: 120 });
}
