import { EXIT } from '../exit-codes.js';
import { connectDatabase, type Database } from '../sinks/postgres/database.js';
import { jsonLine, safeText } from '../util/sanitize.js';
import { type FleetSnapshot, readFleet, requireRun } from './snapshot.js';

/** How often the watcher reads the table: often enough to look live, one small query a turn. */
export const WATCH_INTERVAL_MS = 500;

export interface WatchOptions {
  run: string;
  db?: string;
  schema?: string;
  json?: boolean;
  intervalMs?: number;
}

interface WatchIo {
  out: NodeJS.WriteStream;
  input: NodeJS.ReadStream;
}

/**
 * `ingest-tui fleet NAME --db URL`: the run's state as the database has it, per worker and per
 * source, read again every WATCH_INTERVAL_MS, without pulling any source (it only reads). On a
 * terminal: one picture redrawn in place, q or Ctrl-C to leave. Elsewhere: the picture again each
 * time it changes (the leases' countdown aside), or with --json one line per change. It leaves by
 * itself once every source of the run is final. An unknown NAME is one line and exit 2.
 */
export async function watchFleet(options: WatchOptions, io: WatchIo = { out: process.stdout, input: process.stdin }): Promise<number> {
  const db = await connectDatabase({ url: options.db, schema: options.schema, max: 1 });
  const stop = new AbortController();
  const tty = io.out.isTTY === true && !options.json;
  const offKeys = tty ? listenForQuit(io.input, (key) => stop.abort(key)) : () => {};
  const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let shown = '';
  try {
    await requireRun(db, options.run);
    if (tty) io.out.write('\x1b[?25l'); // no cursor blinking over the picture
    for (;;) {
      const snapshot = await readFleet(db, options.run);
      const lines = renderFleet(snapshot, `${db.where} (schema ${db.schema})`);
      if (tty) {
        const rows = Math.max(5, (io.out.rows ?? 40) - 1);
        const fitted = lines.length > rows ? [...lines.slice(0, rows - 1), `  … ${lines.length - rows + 1} more lines (a taller terminal shows them)`] : lines;
        io.out.write(`\x1b[H${fitted.map((l) => `${l.slice(0, io.out.columns ?? 200)}\x1b[K`).join('\n')}\n\x1b[J`);
      } else {
        const key = changeKey(snapshot);
        if (key !== shown) {
          shown = key;
          io.out.write(options.json ? `${jsonLine(toJson(snapshot))}\n` : `${lines.join('\n')}\n\n`);
        }
      }
      if (snapshot.totals.final) return EXIT.ok;
      if (!(await sleep(options.intervalMs ?? WATCH_INTERVAL_MS, stop.signal))) break;
    }
    const reason = stop.signal.reason as string;
    return reason === 'SIGINT' || reason === 'SIGTERM' ? EXIT[reason] : EXIT.ok;
  } finally {
    if (tty) io.out.write('\x1b[?25h');
    offKeys();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await closeQuietly(db);
  }
}

async function closeQuietly(db: Database) {
  await db.close().catch(() => {});
}

/** Resolves true after `ms`, false at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** q, or Ctrl-C (which raw mode delivers as a key, and leaves with 130 as the signal would), ends the watch; the terminal is put back after. */
function listenForQuit(input: NodeJS.ReadStream, quit: (key: 'q' | 'SIGINT') => void): () => void {
  if (!input.isTTY) return () => {};
  input.setRawMode(true);
  const onData = (data: Buffer) => {
    const text = data.toString('utf8');
    if (text.includes('\x03')) quit('SIGINT');
    else if (text.includes('q')) quit('q');
  };
  input.on('data', onData);
  input.resume();
  return () => {
    input.off('data', onData);
    input.setRawMode(false);
    input.pause();
  };
}

/** What a change is: everything but the clock and the leases' countdown. */
function changeKey(snapshot: FleetSnapshot): string {
  return JSON.stringify([snapshot.totals, snapshot.workers, snapshot.sources.map(({ leaseLeftMs: _lease, ...rest }) => rest)]);
}

/** One --json line: the run's totals, its workers and its sources, as readFleet gave them. */
function toJson(snapshot: FleetSnapshot) {
  const { states, persisted, deadLettered, final } = snapshot.totals;
  return {
    type: 'fleet',
    run: snapshot.run,
    at: snapshot.at.toISOString(),
    final,
    states,
    persisted,
    deadLettered,
    workers: snapshot.workers,
    sources: snapshot.sources,
  };
}

const n = (value: number) => String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padStart = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

/** The order states are listed in: open ones first, then how sources ended. */
const STATE_ORDER = ['queued', 'running', 'done', 'failed', 'timed-out', 'cancelled'];

/**
 * The picture: a header with the run and its totals, one line per worker, one per source. Every
 * name from the database (sources, workers, errors) goes through safeText: a hostile name cannot
 * move the cursor. `where` is the URL without its password (connectDatabase's redactUrl).
 */
export function renderFleet(snapshot: FleetSnapshot, where: string): string[] {
  const { totals } = snapshot;
  const states = Object.keys(totals.states)
    .filter((s) => totals.states[s]! > 0)
    .sort((a, b) => (STATE_ORDER.indexOf(a) + 1 || 99) - (STATE_ORDER.indexOf(b) + 1 || 99) || (a < b ? -1 : 1));
  const lines = [
    `fleet ${safeText(snapshot.run, 80)} · ${safeText(where, 200)} · ${snapshot.at.toISOString().slice(11, 19)} UTC`,
    `${n(totals.sources)} sources: ${states.map((s) => `${n(totals.states[s]!)} ${safeText(s, 20)}`).join(' · ')}   persisted ${n(totals.persisted)} · dead-lettered ${n(totals.deadLettered)}${totals.final ? '   (every source is final)' : ''}`,
    '',
  ];
  const workerWidth = Math.min(
    40,
    Math.max(6, ...snapshot.workers.map((w) => w.worker.length), ...snapshot.sources.map((s) => (s.owner ?? (s.lastOwner ? `(${s.lastOwner})` : '')).length)),
  );
  lines.push(`${pad('worker', workerWidth)}  holding  finished  persisted  dead`);
  for (const w of snapshot.workers)
    lines.push(
      `${pad(safeText(w.worker, workerWidth), workerWidth)}  ${padStart(n(w.holding), 7)}  ${padStart(n(w.finished), 8)}  ${padStart(n(w.persisted), 9)}  ${padStart(n(w.deadLettered), 4)}`,
    );
  if (snapshot.workers.length === 0) lines.push('(no worker has claimed a source yet)');
  lines.push('');
  const nameWidth = Math.min(40, Math.max(6, ...snapshot.sources.map((s) => safeText(s.name, 40).length)));
  lines.push(`${pad('source', nameWidth)}  ${pad('state', 9)}  ${pad('worker', workerWidth)}  chunks  persisted  dead  lease`);
  for (const s of snapshot.sources) {
    const worker = s.owner ?? (s.lastOwner ? `(${s.lastOwner})` : '');
    const lease = s.leaseLeftMs === undefined ? '' : s.leaseLeftMs > 0 ? `${(s.leaseLeftMs / 1000).toFixed(1)}s` : 'expired';
    const error = s.error ? `  ${safeText(s.error, 120)}` : '';
    lines.push(
      `${pad(safeText(s.name, nameWidth), nameWidth)}  ${pad(safeText(s.state, 9), 9)}  ${pad(safeText(worker, workerWidth), workerWidth)}  ${padStart(n(s.nextSeq), 6)}  ${padStart(n(s.persisted), 9)}  ${padStart(n(s.deadLettered), 4)}  ${padStart(lease, 7)}${error}`.trimEnd(),
    );
  }
  return lines;
}
