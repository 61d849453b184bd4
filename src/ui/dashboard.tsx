import { render, type Instance } from 'ink';
import type { Store } from '../pipeline/store.js';
import { App } from './App.js';
import type { DashboardControls } from './controls.js';
import { formatSummary } from './summary-table.js';
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
  /** Take the dashboard off the screen, restore the terminal and print the summary in its place. */
  unmount(): void;
  waitUntilExit(): Promise<void>;
}

/**
 * The live dashboard on the terminal. It appears when the run announces its sources, so a
 * configuration error is printed on a clean screen, and it ends with the summary table (the
 * same one `--no-ui` prints) left on screen.
 */
export function startDashboard(options: DashboardOptions): Dashboard {
  const { store } = options;
  const stdout = options.stdout ?? process.stdout;
  let instance: Instance | undefined;
  let closed = false;
  const theme = themeFor(options.env);
  const forceExit = () => {
    instance?.unmount();
    (options.forceExit ?? (() => process.exit(130)))();
  };
  const tree = (hidden: boolean) => (
    <ThemeContext.Provider value={theme}>
      <App store={store} controls={options.controls} replay={options.replay} hidden={hidden} forceExit={forceExit} />
    </ThemeContext.Provider>
  );
  // Ink repaints the current frame on resize before React has re-rendered for the new size; when
  // the terminal got shorter, that frame is too tall and scrolls it (ink#359). Re-rendering
  // synchronously ahead of Ink's own handler means Ink repaints a frame that fits.
  const relayout = () => instance?.rerender(tree(false));
  const mount = () => {
    stdout.prependListener('resize', relayout);
    // Ctrl-C reaches the app as a key (stdin is in raw mode); the app stops the run gracefully.
    instance = render(tree(false), { stdout, stdin: options.stdin ?? process.stdin, exitOnCtrlC: false });
  };
  const ready = () => store.getSnapshot().sources.length > 0;
  let unsubscribe: (() => void) | undefined;
  if (ready()) mount();
  else
    unsubscribe = store.subscribe(() => {
      if (!ready()) return;
      unsubscribe?.();
      unsubscribe = undefined;
      mount();
    });

  return {
    unmount() {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      stdout.off('resize', relayout);
      if (instance) {
        instance.rerender(tree(true));
        instance.unmount();
      }
      const summary = store.getSnapshot().summary;
      if (summary) stdout.write(formatSummary(summary));
    },
    waitUntilExit: async () => {
      await instance?.waitUntilExit();
    },
  };
}
