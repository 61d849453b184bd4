import { useInput, useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import { safeText } from '../../util/sanitize.js';
import type { ControlAnswer, ControlChannel } from '../dashboard/controls.js';
import type { SnapshotSource } from './use-snapshot.js';

/** What fills the space between the header and the counts line. */
export type DashboardView = 'rows' | 'timeline' | 'lesson' | 'help';

export interface KeyBindings {
  store: SnapshotSource;
  controls: ControlChannel;
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
  /** A viewer attached to a run elsewhere: q and Ctrl-C leave the viewer at once (forceExit), X stops the run. */
  attached?: boolean;
}

/** What the footer says of an answer; nothing where the screen shows it anyway (paused, stopping). */
export function answerText(answer: ControlAnswer): string | undefined {
  if (answer.outcome === 'no-run') return answer.op === 'stop' ? undefined : 'the run has not started yet';
  if (answer.outcome === 'over') return 'the run is over: q leaves';
  switch (answer.op) {
    case 'stop':
      return undefined;
    case 'cancel': {
      const name = safeText(answer.source, 40);
      if (answer.outcome === 'not-offered') return 'nothing to cancel in a replay';
      return answer.outcome === 'cancelled' ? `cancelled ${name}` : `${name} is not running: only running sources can be cancelled`;
    }
    case 'setConcurrency':
      return answer.outcome === 'not-offered' ? 'the concurrency of a replay is what was recorded' : `concurrency now ${answer.concurrency}`;
    case 'setPaused':
      return answer.outcome === 'not-offered' ? 'nothing to pause yet' : undefined;
    case 'step':
      return answer.outcome === 'not-offered' ? 'nothing to step through yet' : undefined;
  }
}

/**
 * The dashboard's keys. Ink reads stdin in raw mode, so Ctrl-C arrives here as a key rather
 * than as SIGINT (Ink's own exit on Ctrl-C is off): the first one stops the run gracefully,
 * a second one leaves at once, like the headless signal handler. A key that asks something of
 * the run sends the request and goes on; the answer, when it comes, is a flash message.
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
  const latest = useRef(keys);
  latest.current = keys;
  const { controls } = keys;

  useEffect(
    () =>
      controls.onAnswer((answer) => {
        const { say, forceExit } = latest.current;
        if (answer.outcome === 'no-run' || answer.outcome === 'not-offered' || answer.outcome === 'over') {
          // Not done: the next press starts again from what the screen shows.
          if (answer.op === 'setConcurrency') asked.current.concurrency = undefined;
          if (answer.op === 'setPaused') asked.current.paused = undefined;
          if (answer.op === 'stop' && answer.outcome === 'no-run') {
            stopping.current = false;
            // Before the run has started there is nothing to clean up: Ctrl-C leaves at once.
            if (answer.kind === 'SIGINT') return forceExit();
          }
        }
        const text = answerText(answer);
        if (text !== undefined) say(text);
      }),
    [controls],
  );

  useInput(
    (input, key) => {
      const snap = keys.store.getSnapshot();
      if (key.ctrl && input === 'c') {
        if (keys.attached) return keys.forceExit();
        if (stopping.current) return keys.forceExit();
        stopping.current = true;
        return controls.send({ op: 'stop', kind: 'SIGINT' });
      }
      if (key.upArrow || key.downArrow) {
        const at = selected.current === undefined ? -1 : keys.visible.indexOf(selected.current);
        const next = at === -1 ? (key.upArrow ? keys.visible.length - 1 : 0) : Math.min(keys.visible.length - 1, Math.max(0, at + (key.upArrow ? -1 : 1)));
        selected.current = keys.visible[next];
        keys.select(selected.current);
        return;
      }
      if (key.escape) return keys.closeView();
      // → (or n, or a presenter's clicker: PageDown): on to the next thing a source does, then pause.
      if (key.rightArrow || key.pageDown || input === 'n') {
        asked.current.paused = undefined;
        return controls.send({ op: 'step' });
      }
      for (const ch of input) {
        switch (ch) {
          case 'q':
            if (keys.attached) return keys.forceExit();
            if (!stopping.current) {
              stopping.current = true;
              controls.send({ op: 'stop', kind: 'quit' });
            }
            break;
          case 'X':
            // Attached: stop the run itself, as q does at its own terminal. Elsewhere X is nothing.
            if (keys.attached && !stopping.current) {
              stopping.current = true;
              controls.send({ op: 'stop', kind: 'quit' });
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
            const source = selected.current;
            if (source === undefined) return keys.say('select a source with ↑/↓ first, then press c');
            controls.send({ op: 'cancel', source });
            break;
          }
          case '+':
          case '=':
          case '-':
          case '_': {
            const current =
              asked.current.concurrency !== undefined && asked.current.concurrency !== snap.concurrency ? asked.current.concurrency : snap.concurrency;
            const next = Math.max(1, current + (ch === '+' || ch === '=' ? 1 : -1));
            asked.current.concurrency = next;
            if (next !== current) controls.send({ op: 'setConcurrency', concurrency: next });
            break;
          }
          case 'p': {
            const paused = asked.current.paused !== undefined && asked.current.paused !== snap.paused ? asked.current.paused : snap.paused;
            asked.current.paused = !paused;
            controls.send({ op: 'setPaused', paused: !paused });
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
