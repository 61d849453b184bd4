import type { MessagePort } from 'node:worker_threads';
import type { SnapshotMessage } from './snapshot-wire.js';

/**
 * What the main thread and the dashboard's worker say to each other. The main thread owns the
 * terminal (it writes the frames, sets raw mode, reads keys, hears resizes) and the run; the worker
 * owns React and Ink, so that turning a frame into text (10-15 ms at 120x40) is not event-loop lag
 * for the pipeline.
 */
export type ToWorker =
  | SnapshotMessage
  | { type: 'keys'; data: string }
  | { type: 'resize'; columns: number; rows: number }
  /** Unmount; with `final`, a run that has its summary: hide the dashboard (the summary replaces it). */
  | { type: 'close'; final: boolean };

export type ToMain =
  /** Mounted and warmed up: the first frame will not take long. */
  | { type: 'ready' }
  | { type: 'out'; data: string }
  /** The first frame that shows the run's sources has been posted (as `out`, just before this). */
  | { type: 'painted' }
  | { type: 'raw'; on: boolean }
  /** A control the keys asked for; the answer comes back through the shared slots (see Slot). */
  | { type: 'call'; id: number; op: ControlOp; arg?: string | number | boolean }
  /** The second Ctrl-C: the worker has unmounted, the process should leave now. */
  | { type: 'force-exit' }
  /**
   * Unmounted; the run's timeline to leave above the summary, when the dashboard closed on it.
   * `complete`: a lecture scene's final picture, which carries the totals: no table after it.
   */
  | { type: 'closed'; picture: string; complete?: boolean };

export type ControlOp = 'controls' | 'stop' | 'cancel' | 'setConcurrency' | 'setPaused' | 'step';

/**
 * Int32 slots in a SharedArrayBuffer, for the two places that must not wait for the event loop:
 * the worker's control calls (cancel answers whether the source was running, synchronously) and
 * the main thread's unmount (it returns with the terminal restored, as Ink's own unmount did).
 */
export const Slot = { closed: 0, answered: 1, result: 2 } as const;
export const SLOTS = 3;

/** Which controls exist (`controls` answers with these bits; 0: no run yet). */
export const Has = { stop: 1, cancel: 2, setConcurrency: 4, setPaused: 8, step: 16, over: 32 } as const;

export interface WorkerData {
  port: MessagePort;
  slots: SharedArrayBuffer;
  columns: number;
  rows: number;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  /** The NO_COLOR the theme goes by (themeFor). */
  noColor: string | undefined;
  replay: boolean;
}
