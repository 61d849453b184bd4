// The dashboard's worker thread: React and Ink, drawing the snapshots the main thread sends, on
// stand-ins for its terminal streams. See start-dashboard.ts for the main thread's half.
import './react-production.js';
import { PassThrough, Writable } from 'node:stream';
import { workerData } from 'node:worker_threads';
import stripAnsi from 'strip-ansi';
import { yieldToTheEventLoop } from '../../util/thread-priority.js';
import { themeFor } from '../theme.js';
import type { DashboardControls } from './controls.js';
import { mountDashboard, warmUp } from './mount.js';
import { type ControlOp, Has, Slot, type ToMain, type ToWorker, type WorkerData } from './protocol.js';
import { createReplicaStore } from './snapshot-wire.js';

const { port, slots: shared, columns, rows, stdoutIsTTY, stdinIsTTY, noColor, replay } = workerData as WorkerData;
const slots = new Int32Array(shared);
yieldToTheEventLoop(); // a frame can wait; the pipeline should not
const post = (message: ToMain) => port.postMessage(message);

let painted = false;
/**
 * The first frame with the sources in it: the run's clock waits for it (run.ts holdUntil). Until
 * the sources are announced the app renders nothing (Ink writes at most escape codes); a write with
 * visible text once the replica has them is that frame.
 */
function paintedTheSources(text: string) {
  if (painted || store.getSnapshot().sources.length === 0 || stripAnsi(text).trim() === '') return;
  painted = true;
  post({ type: 'painted' });
}

/** Frames go to the main thread, which writes them to the terminal in the order they were made. */
const stdout = Object.assign(
  new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      if (chunk.length > 0) {
        const text = chunk.toString();
        post({ type: 'out', data: text });
        paintedTheSources(text);
      }
      done();
    },
  }),
  { isTTY: stdoutIsTTY, columns, rows },
) as unknown as NodeJS.WriteStream;

/** Keys come from the main thread; raw mode is set on its terminal. */
const stdin = Object.assign(new PassThrough(), {
  isTTY: stdinIsTTY,
  setRawMode: (on: boolean) => post({ type: 'raw', on }),
  ref() {},
  unref() {},
}) as unknown as NodeJS.ReadStream;

let calls = 0;
/** A control on the main thread, answered synchronously (cancel says whether the source was running); -1 after 2 s without an answer. */
function call(op: ControlOp, arg?: string | number | boolean): number {
  const id = ++calls;
  post({ type: 'call', id, op, arg });
  const deadline = Date.now() + 2000;
  for (let seen = Atomics.load(slots, Slot.answered); seen !== id; seen = Atomics.load(slots, Slot.answered)) {
    const left = deadline - Date.now();
    if (left <= 0) return -1;
    Atomics.wait(slots, Slot.answered, seen, left);
  }
  return Atomics.load(slots, Slot.result);
}

function controls(): DashboardControls | undefined {
  const has = call('controls');
  if (has === 0) return undefined; // no run yet
  // Without an answer (the main thread is stuck) assume a run that can at least be stopped.
  const bits = has < 0 ? Has.stop : has;
  return {
    stop: (kind) => void call('stop', kind),
    cancel: bits & Has.cancel ? (name) => call('cancel', name) === 1 : undefined,
    setConcurrency: bits & Has.setConcurrency ? (n) => void call('setConcurrency', n) : undefined,
    setPaused: bits & Has.setPaused ? (paused) => void call('setPaused', paused) : undefined,
    step: bits & Has.step ? () => void call('step') : undefined,
    over: (bits & Has.over) !== 0,
  };
}

const store = createReplicaStore();
// Snapshots that arrive together (this thread was busy drawing) make one frame, of the latest.
let pending: NodeJS.Immediate | undefined;
const notify = () => {
  clearImmediate(pending);
  pending = undefined;
  store.notify();
};

const dashboard = mountDashboard({
  store,
  controls,
  replay,
  theme: themeFor({ NO_COLOR: noColor }),
  stdout,
  stdin,
  forceExit: () => post({ type: 'force-exit' }),
});

warmUp();
post({ type: 'ready' });

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'snapshot':
      store.apply(message);
      pending ??= setImmediate(notify);
      break;
    case 'keys':
      stdin.write(message.data);
      break;
    case 'resize':
      Object.assign(stdout, { columns: message.columns, rows: message.rows });
      stdout.emit('resize');
      break;
    case 'close': {
      if (pending) notify();
      const { picture, complete } = dashboard.close(message.final);
      post({ type: 'closed', picture, complete });
      // The main thread waits on this slot, then reads what was posted.
      Atomics.store(slots, Slot.closed, 1);
      Atomics.notify(slots, Slot.closed);
      port.close();
      break;
    }
  }
});
