import { lstatSync, readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { IngestError } from '../../errors.js';
import { EXIT, signalExitCode } from '../../exit-codes.js';
import type { Summary } from '../../pipeline/events.js';
import { onlyBundledTwin } from '../../pipeline/twin.js';
import type { ControlAnswer, ControlRequest } from '../../ui/dashboard/controls.js';
import { createStore } from '../../ui/model/store.js';
import { jsonLine, safeText } from '../../util/sanitize.js';
import { lineReader, MAX_RUN_LINE, PROTOCOL, parseLine, type RunMessage, runMessage, type ViewerMessage } from './protocol.js';
import { controlDirectory } from './socket-place.js';

/** How long a socket in the directory may take to accept before it counts as left over from a run that died. */
const PROBE_MS = 1000;

function open(path: string): Promise<Socket> {
  return new Promise((done, fail) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error('no answer'));
    }, PROBE_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      done(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
  });
}

/** The sockets in the default directory that a run answers on (a killed run's socket does not). */
async function liveSockets(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.sock'));
  } catch {
    return [];
  }
  const live = await Promise.all(
    names.sort().map(async (name) => {
      const path = join(dir, name);
      try {
        if (!lstatSync(path).isSocket()) return undefined;
        (await open(path)).destroy();
        return path;
      } catch {
        return undefined;
      }
    }),
  );
  return live.filter((p): p is string => p !== undefined);
}

/** The socket to attach to: the one given, else the only live one in the default directory. */
async function chooseSocket(given: string | undefined): Promise<string> {
  if (given !== undefined) return resolve(given);
  const dir = controlDirectory();
  const live = await liveSockets(dir);
  if (live.length === 1) return live[0]!;
  if (live.length === 0) throw new IngestError('E_USAGE', `attach: no run is listening in ${dir} (start one with --control, or give attach its socket)`);
  throw new IngestError('E_USAGE', `attach: ${live.length} runs are listening, name one: ${live.join(' ')}`);
}

/** The exit code the run itself leaves with (main.ts): the viewer that saw it to the end says the same. */
const runExitCode = (summary: Summary) =>
  signalExitCode(summary.stoppedBy) ?? (summary.states.failed + summary.states['timed-out'] > 0 ? EXIT.failed : EXIT.ok);

/**
 * `ingest-tui attach [SOCKET]`: the dashboard on a run started with `--control`, as if it ran
 * here. The run's state and events fold into a store of this process's own; the dashboard's keys
 * become requests over the socket, and their answers come back as the footer's messages. q (or
 * Ctrl-C) leaves this viewer and nothing else; X stops the run. Without a terminal, the run's
 * messages are printed as NDJSON instead (escaped for a terminal, as --json is).
 *
 * Exit codes: the run's own when it ended while watched (0, 1, 130, 143); 0 when the viewer left;
 * 1 when the run went away without a summary; 2 when there was nothing to attach to.
 */
export async function attach(given: string | undefined, io = { stdout: process.stdout, stdin: process.stdin }): Promise<number> {
  const path = await chooseSocket(given);
  const socket = await open(path).catch((err: NodeJS.ErrnoException) => {
    const why = err.code === 'ENOENT' ? 'no such socket' : err.code === 'ECONNREFUSED' ? 'nothing listens there (the run has ended?)' : err.message;
    throw new IngestError('E_USAGE', `attach: ${path}: ${why}`, { cause: err });
  });
  const store = createStore();
  const interactive = io.stdout.isTTY === true;
  const pending = new Map<number, (answer: ControlAnswer) => void>();
  let nextId = 1;
  let greeted = false;
  let problem: string | undefined;
  let bye: string | undefined;
  let left = false;
  /** Without a terminal: the lines of one read, written at once (a write per event cannot keep up with a busy run). */
  const printed: string[] = [];

  const { startDashboard } = interactive ? await import('../../ui/dashboard/start-dashboard.js') : { startDashboard: undefined };
  let leave = () => {};
  const over = new Promise<void>((done) => (leave = done));
  const dashboard = startDashboard?.({
    store,
    controls: () => undefined,
    attached: true,
    stdout: io.stdout,
    stdin: io.stdin,
    request(request: ControlRequest, answer) {
      if (socket.destroyed) return answer({ ...request, outcome: 'no-run' } as ControlAnswer);
      const id = nextId++;
      pending.set(id, answer);
      socket.write(`${jsonLine({ type: 'control', id, request } satisfies ViewerMessage)}\n`);
    },
    forceExit() {
      left = true;
      leave();
    },
  });

  function onMessage(message: RunMessage) {
    if (!greeted) {
      if (message.type !== 'hello') return fail('the run did not say hello first');
      if (message.protocol !== PROTOCOL)
        return fail(`the run speaks control protocol ${message.protocol}, this attach speaks ${PROTOCOL} (use the same ingest-tui version)`);
      greeted = true;
    }
    if (!interactive && message.type !== 'hello') printed.push(jsonLine(message));
    switch (message.type) {
      case 'state':
        store.restore(onlyBundledTwin(message.snapshot));
        break;
      case 'event':
        store.apply(message.event.type === 'run-start' ? onlyBundledTwin(message.event) : message.event);
        if (message.event.type === 'summary') store.flush();
        break;
      case 'answer':
        pending.get(message.id)?.(message.answer);
        pending.delete(message.id);
        break;
      case 'bye':
        bye = message.reason;
        break;
      case 'hello':
        break;
    }
  }
  function fail(reason: string) {
    problem ??= reason;
    socket.destroy();
  }

  const read = lineReader(
    MAX_RUN_LINE,
    (line) => {
      if (problem !== undefined) return;
      const parsed = parseLine(runMessage, line);
      if (parsed.ok) onMessage(parsed.value);
      else fail(`the run sent a message this attach does not understand (${parsed.error})`);
    },
    () => fail(`the run sent a line longer than ${MAX_RUN_LINE} bytes`),
  );
  socket.on('data', (data: Buffer) => {
    read(data);
    if (printed.length === 0) return;
    io.stdout.write(`${printed.join('\n')}\n`);
    printed.length = 0;
  });
  socket.on('error', (err) => {
    problem ??= err.message;
  });
  socket.on('close', () => leave());

  // A signal (the terminal closing, kill) leaves as q does: the terminal restored, the run untouched.
  const onSignal = () => {
    left = true;
    leave();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  await over;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
  socket.destroy();
  dashboard?.unmount(); // the summary replaces the dashboard when the run ended; else the last frame stays
  const summary = store.getSnapshot().summary;
  if (problem !== undefined) {
    process.stderr.write(`ingest-tui: attach: ${safeText(problem, 300)}\n`);
    return EXIT.failed;
  }
  if (left) return EXIT.ok;
  if (summary) return runExitCode(summary);
  process.stderr.write(
    bye
      ? `ingest-tui: attach: the run let this viewer go before its end (${safeText(bye, 300)})\n`
      : 'ingest-tui: attach: the connection closed before the run ended (the run was killed, or let this viewer go for falling too far behind)\n',
  );
  return EXIT.failed;
}
