import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { EXIT } from '../../exit-codes.js';
import { entryPoint } from '../../util/package-paths.js';
import { startWorker } from '../../util/worker.js';
import type { Store } from '../model/store.js';
import { formatSummary } from '../report/summary-table.js';
import { applyControl, type ControlAnswer, type ControlRequest, type DashboardControls } from './controls.js';
import { oneInFlight } from './one-in-flight.js';
import type { ToMain, ToWorker, WorkerData } from './protocol.js';
import { createSnapshotEncoder } from './snapshot-wire.js';

export interface DashboardOptions {
  store: Store;
  /** Read for every request the keys make: the run may start after the dashboard does. */
  controls: () => DashboardControls | undefined;
  replay?: boolean;
  /**
   * Controls somewhere else (`ingest-tui attach`: the run behind a socket): requests go to
   * `request`, which answers when it can; `controls` is then not read.
   */
  request?: (request: ControlRequest, answer: (answer: ControlAnswer) => void) => void;
  /** A viewer attached to a run elsewhere: q and Ctrl-C leave it (forceExit), X stops the run. */
  attached?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  /** A second Ctrl-C: leave without waiting for cleanup. */
  forceExit?: () => void;
}

export interface Dashboard {
  /**
   * Settles when the worker has loaded React and Ink and rendered once (or failed, or after
   * READY_TIMEOUT_MS): a run started after that does not share the CPU with that start-up.
   */
  ready: Promise<void>;
  /**
   * Settles once the first frame that shows the run's sources is on the terminal (or the
   * dashboard stopped or closed without one): the run's clock waits for it (startPipeline's
   * holdUntil), so the class sees the sources start. Never rejects.
   */
  painted: Promise<void>;
  /** Whether a key can reach it now (stdin is a terminal, the worker alive, not closed): q can end a wait for it. */
  readonly listening: boolean;
  /** Restore the terminal and print the summary in place of the dashboard (if the run got that far). */
  unmount(): void;
  waitUntilExit(): Promise<void>;
}

/** How long unmount waits for the worker's last frame before restoring the terminal itself. */
const CLOSE_TIMEOUT_MS = 3000;
const READY_TIMEOUT_MS = 2000;
const SHOW_CURSOR = '\u001B[?25h';

/**
 * The live dashboard on the terminal. It appears when the run announces its sources and ends
 * with the summary table (the same one `--no-ui` prints) left on screen.
 *
 * React and Ink run in a worker thread (worker.ts): an Ink frame at 120x40 takes 10-15 ms
 * of CPU, nearly all of it turning text into terminal cells, and on the main thread every frame
 * was that much event-loop lag for the pipeline (1,000 sources: worst 250 ms window p99 of 20-30 ms
 * instead of ~5 ms). This thread keeps the terminal and the run: it sends the worker the store's
 * snapshots (packed: ~0.07 ms for 1,000 sources), one at a time, its keys and resizes, and the
 * run's answers to the controls the keys asked for; it writes the frames the worker sends back.
 */
export function startDashboard(options: DashboardOptions): Dashboard {
  const { store } = options;
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const closedSlot = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const workerClosed = new Int32Array(closedSlot);
  const { port1: port, port2 } = new MessageChannel();
  const workerData: WorkerData = {
    port: port2,
    closed: closedSlot,
    columns: stdout.columns || 80,
    rows: stdout.rows || 24,
    stdoutIsTTY: stdout.isTTY === true,
    stdinIsTTY: stdin.isTTY === true,
    noColor: (options.env ?? process.env).NO_COLOR,
    replay: options.replay === true,
    attached: options.attached === true,
  };
  // A frame is a few MB of short-lived garbage; with V8's default young generation (up to 48 MB)
  // the worker's heap grew by ~40 MB during a 10,000-source run, which the header's "per source"
  // memory (06-c10k) counted. A small one costs a few more scavenges, off the main thread.
  const resourceLimits = { maxYoungGenerationSizeMb: 8 };
  const worker = startWorker(entryPoint('ui/dashboard/worker'), { workerData, transferList: [port2], resourceLimits });
  worker.unref(); // the run decides when the process ends, as before
  const send = (message: ToWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

  let closed = false;
  /** Whether the worker has done anything to the terminal yet (written, set raw mode). */
  let touched = false;
  let dead = false;
  let rawMode = false;
  let picture = '';
  let complete = false;
  let exited = () => {};
  const exit = new Promise<void>((resolve) => (exited = resolve));
  let isReady = () => {};
  // The timer also keeps the process alive while it waits (the worker and its port do not).
  const ready = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, READY_TIMEOUT_MS);
    isReady = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  let isPainted = () => {};
  const painted = new Promise<void>((resolve) => (isPainted = resolve));

  const forwardKeys = (data: string | Buffer) => send({ type: 'keys', data: String(data) });
  function setRawMode(on: boolean) {
    if (on === rawMode) return;
    rawMode = on;
    // What Ink does with its stdin, done here on the real one: the worker only sees the keys.
    if (on) {
      stdin.setEncoding('utf8');
      stdin.ref?.();
      stdin.setRawMode(true);
      stdin.on('data', forwardKeys);
    } else {
      stdin.setRawMode(false);
      stdin.off('data', forwardKeys);
      stdin.pause();
      stdin.unref?.();
    }
  }

  function handle(message: ToMain) {
    touched ||= message.type !== 'ready';
    switch (message.type) {
      case 'ready':
        isReady();
        break;
      case 'out':
        stdout.write(message.data);
        break;
      case 'drawn':
        if (!closed) snapshots.arrived();
        break;
      case 'painted':
        isPainted(); // its frame was written just above
        break;
      case 'raw':
        setRawMode(message.on);
        break;
      case 'control':
        // Also while unmount drains what the worker posted last: the run may still be there to hear it.
        if (options.request) options.request(message.request, (answer) => closed || send({ type: 'answer', answer }));
        else send({ type: 'answer', answer: applyControl(options.controls(), message.request) });
        break;
      case 'closed':
        picture = message.picture;
        complete = message.complete === true;
        break;
      case 'force-exit':
        // The worker has unmounted (its last frame came before this message): leave now.
        close(false);
        (options.forceExit ?? (() => process.exit(EXIT.SIGINT)))();
        break;
    }
  }
  port.on('message', handle);
  port.unref();

  /** Everything the worker has posted so far, handled now, in order (while this thread waits for it). */
  function drain() {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) handle(m.message);
  }

  const encode = createSnapshotEncoder();
  const sendSnapshot = () => {
    const { message, transfer } = encode(store.getSnapshot());
    send(message, transfer);
  };
  const snapshots = oneInFlight(sendSnapshot);
  const unsubscribe = store.subscribe(snapshots.offer);
  snapshots.offer();
  const resize = () => send({ type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 24 });
  stdout.on('resize', resize);

  /** The terminal back as it was if the worker cannot do it: keys cooked, cursor shown. */
  function restore() {
    setRawMode(false);
    if (touched) stdout.write(SHOW_CURSOR);
  }

  function stopped(err: Error) {
    isReady();
    isPainted();
    if (closed || dead) return;
    dead = true;
    unsubscribe();
    drain();
    restore();
    process.stderr.write(`\ningest-tui: the dashboard stopped (${err.message}); the summary follows when the run ends\n`);
  }
  worker.on('error', stopped);
  worker.on('exit', (code) => stopped(new Error(`its thread exited with code ${code}`)));

  /**
   * Unmount the worker's app and wait for it (the terminal is restored when this returns, as
   * with Ink's own unmount). `final`: hide the dashboard, the summary takes its place.
   */
  function close(final: boolean) {
    if (closed) return;
    closed = true;
    unsubscribe();
    stdout.off('resize', resize);
    process.off('exit', onProcessExit);
    drain();
    if (!dead && touched) {
      // The latest (with the summary, if final) even if one is on its way: messages keep their order.
      sendSnapshot();
      send({ type: 'close', final });
      // See WorkerData.closed for why this one wait is synchronous.
      const answered = Atomics.wait(workerClosed, 0, 0, CLOSE_TIMEOUT_MS) !== 'timed-out';
      drain();
      if (!answered) restore();
    }
    // Untouched: nothing to restore, and what it may still post is never written.
    port.close();
    void worker.terminate();
    isReady();
    isPainted();
    exited();
  }
  // An exit on the way (process.exit, an error): the terminal restored, the last frame left.
  const onProcessExit = () => close(false);
  process.on('exit', onProcessExit);

  return {
    ready,
    painted,
    get listening() {
      return stdin.isTTY === true && !closed && !dead;
    },
    unmount() {
      if (closed) return;
      const summary = store.getSnapshot().summary;
      // With a summary, the table replaces the dashboard; without one (a replay stopped early,
      // an error) the last frame stays, to show where things stood.
      close(summary !== undefined);
      if (summary) stdout.write(complete ? picture : picture + formatSummary(summary));
    },
    waitUntilExit: () => exit,
  };
}
