// The dashboard's worker thread: React and Ink, drawing the snapshots the main thread sends, on
// stand-ins for its terminal streams. See start-dashboard.ts for the main thread's half.
import './react-production.js';
import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { workerData } from 'node:worker_threads';
import { yieldToTheEventLoop } from '../../util/thread-priority.js';
import { themeFor } from '../theme.js';
import { controlChannel } from './controls.js';
import { mountDashboard, warmUp } from './mount.js';
import type { ToMain, ToWorker, WorkerData } from './protocol.js';
import { createReplicaStore } from './snapshot-wire.js';

const data: WorkerData = workerData;
const { port, closed, columns, rows, stdoutIsTTY, stdinIsTTY, noColor, replay, attached } = data;
yieldToTheEventLoop(); // a frame can wait; the pipeline should not
const post = (message: ToMain) => port.postMessage(message);

let painted = false;
/**
 * The first frame with the sources in it: the run's clock waits for it (run.ts holdUntil). Until
 * the sources are announced the app renders nothing (Ink writes at most escape codes); a write with
 * visible text once the replica has them is that frame.
 */
function paintedTheSources(text: string) {
  if (painted || store.getSnapshot().sources.length === 0 || stripVTControlCharacters(text).trim() === '') return;
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

/** The keys' requests go to the run on the main thread; its answers come back as messages. */
const controls = controlChannel((request) => post({ type: 'control', request }));

const store = createReplicaStore();

const dashboard = mountDashboard({
  store,
  controls: controls.channel,
  replay,
  attached,
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
      store.notify();
      // React renders in a microtask and Ink writes the frame as it commits: by now both are done.
      setImmediate(() => post({ type: 'drawn' }));
      break;
    case 'keys':
      stdin.write(message.data);
      break;
    case 'resize':
      Object.assign(stdout, { columns: message.columns, rows: message.rows });
      stdout.emit('resize');
      break;
    case 'answer':
      controls.answer(message.answer);
      break;
    case 'close': {
      const { picture, complete } = dashboard.close(message.final);
      post({ type: 'closed', picture, complete });
      // The main thread waits on this, then reads what was posted.
      const slot = new Int32Array(closed);
      Atomics.store(slot, 0, 1);
      Atomics.notify(slot, 0);
      port.close();
      break;
    }
  }
});
