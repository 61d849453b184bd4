import { chmodSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { IngestError } from '../../errors.js';
import type { EventBus } from '../../pipeline/events.js';
import { applyControl, type DashboardControls } from '../../ui/dashboard/controls.js';
import { createStore } from '../../ui/model/store.js';
import { jsonLine } from '../../util/sanitize.js';
import { lineReader, MAX_VIEWER_LINE, PROTOCOL, parseLine, type RunMessage, viewerMessage } from './protocol.js';
import { checkSocketPath, controlDirectory, ensureControlDirectory, removeLeftovers, socketName } from './socket-place.js';

export interface ControlServer {
  /** Where it listens (absolute). */
  path: string;
  /** Viewers connected now. */
  readonly viewers: number;
  /** Say goodbye to every viewer, stop listening and remove the socket. */
  close(reason?: string): Promise<void>;
}

export interface ControlServerOptions {
  /** --control PATH; undefined: a socket of its own in controlDirectory(). */
  path?: string;
  bus: EventBus;
  /** The run's controls, read for every request (the run starts after the server does). */
  controls: () => DashboardControls | undefined;
  version: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Bytes a viewer may have waiting to be sent before it is dropped: a viewer that reads slower
   * than the run talks is let go rather than buffered for (the run never waits for a viewer).
   */
  maxQueuedBytes?: number;
  maxViewers?: number;
}

/**
 * ~200,000 events. A viewer that keeps up can still have megabytes waiting: a run of 10,000
 * sources at concurrency 2,000 emits ~100,000 events a second in bursts of several hundred ms
 * (its loop is that busy), and a burst is queued before the loop gets to write any of it (4 MiB
 * dropped viewers that were reading fine). The bytes are shared: every viewer is handed the same
 * Buffer of an event, so what viewers have waiting is at most this much, not this much each.
 */
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const MAX_VIEWERS = 32;
/** How long a goodbye may take to reach a viewer at the end before its connection is cut. */
const BYE_MS = 1000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface Viewer {
  socket: Socket;
  /** Its bound: MAX_QUEUED_BYTES beyond the state it was sent on joining (a one-off, however large). */
  limit: number;
}

/**
 * `--control`: the run listens on a local Unix socket for `ingest-tui attach` (protocol.ts). Each
 * viewer gets the state of the run as it joins, then every event as it happens, and may send the
 * dashboard's control requests, answered to it alone (everyone sees their effect in the events).
 * The run never waits for a viewer: events are serialised once, written without waiting, and a
 * viewer whose unsent bytes pass its bound is disconnected. Nothing here can stop the run but a
 * `stop` request.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const explicit = options.path !== undefined;
  let path: string;
  if (explicit) path = resolve(options.path!);
  else {
    const dir = ensureControlDirectory(controlDirectory(options.env));
    removeLeftovers(dir);
    path = join(dir, socketName());
  }
  checkSocketPath(path, explicit ? `--control ${options.path}` : '--control');
  const maxQueued = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
  const maxViewers = options.maxViewers ?? MAX_VIEWERS;

  // The state a joining viewer starts from: this run's events folded as the dashboard's store
  // folds them, flushed at the moment it joins, so it misses nothing and repeats nothing.
  const store = createStore();
  const unsubscribeStore = options.bus.subscribe(store.apply);
  const viewers = new Set<Viewer>();
  let closing = false;
  let removed = false;
  const line = (message: RunMessage) => `${jsonLine(message)}\n`;

  function send(viewer: Viewer, bytes: Buffer | string) {
    if (viewer.socket.destroyed) return;
    if (viewer.socket.writableLength > viewer.limit) return drop(viewer);
    viewer.socket.write(bytes);
  }
  function drop(viewer: Viewer) {
    viewers.delete(viewer);
    viewer.socket.destroy(); // nothing more is queued for it: a goodbye would wait behind the backlog
  }

  const unsubscribeEvents = options.bus.subscribe((event) => {
    if (viewers.size === 0) return;
    const bytes = Buffer.from(line({ type: 'event', event })); // encoded once, for every viewer
    for (const viewer of viewers) send(viewer, bytes);
  });

  const server = createServer({ allowHalfOpen: false }, (socket) => {
    socket.on('error', () => {}); // a viewer that vanished: its close follows
    /** Goodbye, and the connection cut soon whether or not the other end reads it. */
    const goodbye = (reason: string) => {
      socket.end(line({ type: 'bye', reason }));
      setTimeout(() => socket.destroy(), BYE_MS).unref();
    };
    if (viewers.size >= maxViewers || closing) return goodbye(closing ? 'the run is ending' : `this run takes at most ${maxViewers} viewers at once`);
    store.flush();
    const state = line({ type: 'state', snapshot: store.getSnapshot() });
    const viewer: Viewer = { socket, limit: maxQueued + Buffer.byteLength(state) };
    viewers.add(viewer);
    socket.write(line({ type: 'hello', protocol: PROTOCOL, version: options.version, pid: process.pid }));
    socket.write(state);
    socket.on('close', () => viewers.delete(viewer));
    const refuse = (reason: string) => {
      viewers.delete(viewer);
      goodbye(reason);
    };
    const read = lineReader(
      MAX_VIEWER_LINE,
      (text) => {
        if (!viewers.has(viewer)) return;
        const parsed = parseLine(viewerMessage, text);
        if (!parsed.ok) return refuse(`bad message (${parsed.error}); protocol ${PROTOCOL}`);
        const { id, request } = parsed.value;
        send(viewer, line({ type: 'answer', id, answer: applyControl(options.controls(), request) }));
      },
      () => refuse(`a line longer than ${MAX_VIEWER_LINE} bytes`),
    );
    socket.on('data', read);
  });
  server.on('error', () => {}); // after listening: nothing a viewer does can end the run

  // The socket is made owner-only from the start (umask), then chmod'ed to say so plainly.
  await new Promise<void>((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(new IngestError(err.code === 'EADDRINUSE' ? 'E_OVERWRITE' : 'E_USAGE', `--control: cannot listen at ${path} (${err.message})`, { cause: err })),
    );
    const umask = process.umask(0o177);
    try {
      server.listen(path, () => done());
    } finally {
      process.umask(umask);
    }
  });
  chmodSync(path, 0o600);
  const ours = statSync(path);
  server.unref(); // the run decides when the process ends

  /** Remove the socket, if what is at the path is still the one we made. */
  function removeSocket() {
    if (removed) return;
    removed = true;
    try {
      const now = statSync(path);
      if (now.ino === ours.ino && now.dev === ours.dev) unlinkSync(path);
    } catch {}
  }
  // process.exit on the way (a second Ctrl-C, a broken pipe's timer): the socket goes all the same.
  process.on('exit', removeSocket);
  // A signal before the run has its own handlers (it is still loading its sources): what the
  // signal would have done (the process ends by it), with the socket removed first. Once the run
  // handles signals, this leaves them to it; its way out removes the socket.
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    removeSocket();
    offSignals();
    process.kill(process.pid, signal);
  };
  const offSignals = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);

  return {
    path,
    get viewers() {
      return viewers.size;
    },
    async close(reason = 'the run has ended') {
      if (closing) return;
      closing = true;
      unsubscribeEvents();
      unsubscribeStore();
      const closed = new Promise<void>((done) => server.close(() => done()));
      removeSocket();
      process.off('exit', removeSocket);
      offSignals();
      const bye = line({ type: 'bye', reason });
      for (const viewer of viewers) {
        if (viewer.socket.writableLength > viewer.limit) viewer.socket.destroy();
        else viewer.socket.end(bye);
        setTimeout(() => viewer.socket.destroy(), BYE_MS).unref();
      }
      viewers.clear();
      await closed;
    },
  };
}
