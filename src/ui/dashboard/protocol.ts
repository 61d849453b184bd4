import type { MessagePort } from 'node:worker_threads';
import type { ControlAnswer, ControlRequest } from './controls.js';
import type { SnapshotMessage } from './snapshot-wire.js';

/**
 * What the main thread and the dashboard's worker say to each other. The main thread owns the
 * terminal (it writes the frames, sets raw mode, reads keys, hears resizes) and the run; the worker
 * owns React and Ink, so that turning a frame into text (10-15 ms at 120x40) is not event-loop lag
 * for the pipeline. Neither waits for the other, but for the main thread's unmount (see WorkerData.closed).
 */
export type ToWorker =
  /** At most one is on its way at a time: the next is sent once the worker says `drawn`. */
  | SnapshotMessage
  | { type: 'keys'; data: string }
  | { type: 'resize'; columns: number; rows: number }
  /** What came of a control the keys asked for: the dashboard says it in its footer. */
  | { type: 'answer'; answer: ControlAnswer }
  /** Unmount; with `final`, a run that has its summary: hide the dashboard (the summary replaces it). */
  | { type: 'close'; final: boolean };

export type ToMain =
  /** Mounted and warmed up: the first frame will not take long. */
  | { type: 'ready' }
  | { type: 'out'; data: string }
  /** The last snapshot has been drawn (its frame posted as `out` before this): the next may come. */
  | { type: 'drawn' }
  /** The first frame that shows the run's sources has been posted (as `out`, just before this). */
  | { type: 'painted' }
  | { type: 'raw'; on: boolean }
  /** A key asked the run for something; the answer goes back as `answer`. */
  | { type: 'control'; request: ControlRequest }
  /** The second Ctrl-C: the worker has unmounted, the process should leave now. */
  | { type: 'force-exit' }
  /**
   * Unmounted; the run's timeline to leave above the summary, when the dashboard closed on it.
   * `complete`: a lecture scene's final picture, which carries the totals: no table after it.
   */
  | { type: 'closed'; picture: string; complete?: boolean };

export interface WorkerData {
  port: MessagePort;
  /**
   * One Int32, set to 1 by the worker once it has unmounted and posted its last frame and
   * `closed`. The main thread's unmount waits on it (Atomics.wait): it must return with the
   * terminal restored and the summary's picture in hand, as Ink's own unmount did, and its callers
   * cannot wait for the event loop (the CLI prints the summary and receipts right after it, and it
   * also runs from process.on('exit')). The worker never waits for the main thread.
   */
  closed: SharedArrayBuffer;
  columns: number;
  rows: number;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  /** The NO_COLOR the theme goes by (themeFor). */
  noColor: string | undefined;
  replay: boolean;
  /** `ingest-tui attach`: the run is elsewhere (q leaves the viewer, X stops the run). */
  attached: boolean;
}
