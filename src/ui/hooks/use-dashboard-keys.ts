import { useInput, useStdin } from 'ink';
import { useRef } from 'react';
import { safeText } from '../../util/sanitize.js';
import type { DashboardControls } from '../dashboard/controls.js';
import type { SnapshotSource } from './use-snapshot.js';

/** What fills the space between the header and the counts line. */
export type DashboardView = 'rows' | 'timeline' | 'lesson' | 'help';

export interface KeyBindings {
  store: SnapshotSource;
  controls: () => DashboardControls | undefined;
  /** Names of the rows on screen, top to bottom: ↑/↓ move through these. */
  visible: readonly string[];
  selected: string | undefined;
  select(name: string | undefined): void;
  /** Show a view in place of the rows, or go back to the rows if it is showing. */
  toggleView(view: Exclude<DashboardView, 'rows'>): void;
  /** Esc: back to the rows. */
  closeView(): void;
  say(text: string): void;
  /** y in the lesson view: run the scenario's Python twin live (again: stop it); undefined elsewhere. */
  runTwin?(): void;
  /** Ctrl-C a second time: leave now, without waiting for cleanup. */
  forceExit(): void;
}

/**
 * The dashboard's keys. Ink reads stdin in raw mode, so Ctrl-C arrives here as a key rather
 * than as SIGINT (Ink's own exit on Ctrl-C is off): the first one stops the run gracefully,
 * a second one leaves at once, like the headless signal handler.
 * Returns whether keys work at all (stdin must be a terminal).
 */
export function useDashboardKeys(keys: KeyBindings): boolean {
  const { isRawModeSupported } = useStdin();
  const stopping = useRef(false);
  // Keys can arrive faster than React re-renders (↓↓ in one read): move from the latest choice.
  const selected = useRef(keys.selected);
  selected.current = keys.selected;
  // The snapshot lags the pipeline by up to one throttle interval: repeated presses build on
  // what was last asked for, not on a value the screen has not caught up with yet.
  const asked = useRef<{ concurrency?: number; paused?: boolean }>({});

  useInput(
    (input, key) => {
      const snap = keys.store.getSnapshot();
      const controls = keys.controls();
      if (key.ctrl && input === 'c') {
        // Before the run has started there is nothing to clean up: leave at once.
        if (stopping.current || !controls) return keys.forceExit();
        stopping.current = true;
        controls?.stop('SIGINT');
        return;
      }
      if (key.upArrow || key.downArrow) {
        const at = selected.current === undefined ? -1 : keys.visible.indexOf(selected.current);
        const next = at === -1 ? (key.upArrow ? keys.visible.length - 1 : 0) : Math.min(keys.visible.length - 1, Math.max(0, at + (key.upArrow ? -1 : 1)));
        selected.current = keys.visible[next];
        keys.select(selected.current);
        return;
      }
      if (key.escape) return keys.closeView();
      // The scene's final picture: the views still switch, the run's own keys have nothing left to do.
      if (controls?.over && (key.rightArrow || key.pageDown || /[ncp+=_-]/.test(input))) return keys.say('the run is over: q leaves');
      // → (or n, or a presenter's clicker: PageDown): on to the next thing a source does, then pause.
      if (key.rightArrow || key.pageDown || input === 'n') {
        if (!controls?.step) return keys.say('nothing to step through yet');
        asked.current.paused = undefined;
        return controls.step();
      }
      for (const ch of input) {
        switch (ch) {
          case 'q':
            if (!stopping.current) {
              stopping.current = true;
              controls?.stop('quit');
            }
            break;
          case '?':
            keys.toggleView('help');
            break;
          case 't':
            keys.toggleView('timeline');
            break;
          case 'l':
            keys.toggleView('lesson');
            break;
          case 'y':
            if (!keys.runTwin) return keys.say('y runs the Python twin: open the lesson (l) first');
            keys.runTwin();
            break;
          case 'c': {
            if (!controls?.cancel) return keys.say('nothing to cancel in a replay');
            const name = selected.current;
            if (name === undefined) return keys.say('select a source with ↑/↓ first, then press c');
            if (!controls.cancel(name)) keys.say(`${safeText(name, 40)} is not running: only running sources can be cancelled`);
            break;
          }
          case '+':
          case '=':
          case '-':
          case '_': {
            if (!controls?.setConcurrency) return keys.say('the concurrency of a replay is what was recorded');
            const current =
              asked.current.concurrency !== undefined && asked.current.concurrency !== snap.concurrency ? asked.current.concurrency : snap.concurrency;
            const next = Math.max(1, current + (ch === '+' || ch === '=' ? 1 : -1));
            asked.current.concurrency = next;
            if (next !== current) controls.setConcurrency(next);
            break;
          }
          case 'p': {
            if (!controls?.setPaused) return keys.say('nothing to pause yet');
            const paused = asked.current.paused !== undefined && asked.current.paused !== snap.paused ? asked.current.paused : snap.paused;
            asked.current.paused = !paused;
            controls.setPaused(!paused);
            break;
          }
          default:
            break;
        }
      }
    },
    { isActive: isRawModeSupported },
  );
  return isRawModeSupported;
}
