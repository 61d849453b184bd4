/**
 * SQLite sink: rows/s and event-loop lag, with each SQLite library this Node has (node:sqlite on
 * Node ≥ 22.13, better-sqlite3 where it is built for this Node).   npm run bench:sqlite
 * 1. the sink alone: 8 writers each writing 200 chunks of 500 records of ~150 bytes;
 * 2. raw inserts of the same rows on the main thread, batched as the sink's group commit batches
 *    them (one transaction per round of the 8 writers' chunks, 4,000 rows, then a turn of the
 *    event loop): the same work, and the lag the writer thread spares the loop;
 * 3. the whole pipeline (transform + sink + checkpoints) with 8 simulated sources of 100 chunks
 *    of 500 records, beside the same run into --sink none and ndjson.
 * Lag is what monitorEventLoopDelay sees beyond its own 10 ms timer, as the dashboard shows it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSources } from '../src/pipeline/config.js';
import { createEventBus, type PipelineEvent } from '../src/pipeline/events.js';
import { openCheckpoints } from '../src/pipeline/persistence/checkpoints.js';
import { startPipeline } from '../src/pipeline/run.js';
import { deadLetterFile } from '../src/sinks/dead-letter.js';
import { ndjsonSink } from '../src/sinks/ndjson.js';
import { noneSink, type Sink } from '../src/sinks/sink.js';
import { sqliteSink } from '../src/sinks/sqlite.js';
import { type DriverName, sqliteDriver, transaction } from '../src/sinks/sqlite-driver.js';

const WRITERS = 8;
const CHUNKS = 200;
const RECORDS = 500;

const lines = Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ i, value: Math.random(), payload: 'x'.repeat(100) }));
const lag = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(1);

async function timed(body: () => Promise<void>) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  await body();
  const ms = performance.now() - t0;
  delay.disable();
  return { rowsPerSec: Math.round((WRITERS * CHUNKS * RECORDS) / (ms / 1000)), lagP99Ms: lag(delay.percentile(99)), lagMaxMs: lag(delay.max) };
}

/** The sink alone: its writer thread, group commit, a write resolving once committed. */
async function sinkAlone() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const sink = sqliteSink(dir);
  await sink.open();
  const r = await timed(async () => {
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let seq = 0; seq < CHUNKS; seq++) await sink.write(`w${w}`, { seq, lines, rejected: [], cursor: { seq: seq + 1 } });
      }),
    );
    await sink.close();
  });
  rmSync(dir, { recursive: true, force: true });
  return r;
}

/** The same rows inserted on the main thread, a round of chunks per transaction, yielding between. */
async function rawOnMainThread(driver: DriverName) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const db = sqliteDriver(driver).open(join(dir, 'raw.sqlite'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('CREATE TABLE records (source TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (source, seq, idx))');
  const insert = db.prepare('INSERT OR IGNORE INTO records (source, seq, idx, record) VALUES (?, ?, ?, ?)');
  const r = await timed(async () => {
    for (let seq = 0; seq < CHUNKS; seq++) {
      transaction(db, () => {
        for (let w = 0; w < WRITERS; w++) for (const [idx, line] of lines.entries()) insert.run(`w${w}`, seq, idx, line);
      });
      await new Promise((next) => setImmediate(next));
    }
    db.close();
  });
  rmSync(dir, { recursive: true, force: true });
  return r;
}

async function pipeline(makeSink: (dir: string) => Sink) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const configs = Array.from({ length: WRITERS }, (_, i) => ({
    name: `s${i}`,
    kind: 'simulated',
    config: { name: `s${i}`, kind: 'simulated' as const, chunks: 100, recordsPerChunk: 500, latency: 1, jitter: 0, payloadBytes: 100, badRecords: 0 },
    file: 'bench',
    baseDir: dir,
  }));
  const sources = createSources(configs, { seed: 1, slowmo: 1 });
  const sink = makeSink(dir);
  const checkpoints = await openCheckpoints({
    out: dir,
    sink,
    resume: false,
    targets: configs.map((c) => ({ name: c.name, kind: c.kind, fingerprint: 'bench' })),
  });
  const bus = createEventBus();
  const lags: number[] = [];
  bus.subscribe((e: PipelineEvent) => {
    if (e.type === 'metrics') lags.push(e.loopLagP99Ms);
  });
  const run = startPipeline(sources, { concurrency: WRITERS, sink, deadLetters: deadLetterFile(dir, 'a'), checkpoints, metricsIntervalMs: 250 }, bus.emit);
  const summary = await run.done;
  rmSync(dir, { recursive: true, force: true });
  lags.sort((a, b) => a - b);
  const rowsPerSec = Math.round(summary.persisted / (summary.wallMs / 1000));
  return { rowsPerSec, lagMedian: lags[Math.floor(lags.length / 2)] ?? 0, lagWorst: lags.at(-1) ?? 0 };
}

const drivers = (['node:sqlite', 'better-sqlite3'] as DriverName[]).filter((name) => {
  try {
    return sqliteDriver(name).name === name;
  } catch (err) {
    console.log(`${name}: not here (${(err as Error).message})`);
    return false;
  }
});
console.log(`Node ${process.versions.node}; SQLite libraries: ${drivers.join(', ') || 'none'}`);
// Rounds alternate the libraries, so load from other processes on a shared machine hits both
// alike; the medians close the report.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const results = new Map<string, Array<{ rowsPerSec: number; lag: number }>>();
const note = (label: string, rowsPerSec: number, lagText: string, lag: number) => {
  console.log(`${label.padEnd(40)} ${String(rowsPerSec).padStart(7)} rows/s · ${lagText}`);
  results.set(label, [...(results.get(label) ?? []), { rowsPerSec, lag }]);
};
for (let round = 0; round < ROUNDS; round++) {
  for (const driver of drivers) {
    process.env.INGEST_TUI_SQLITE = driver; // read by the sink's writer thread when it starts
    const alone = await sinkAlone();
    note(`sink alone, ${driver}`, alone.rowsPerSec, `lag p99 ${alone.lagP99Ms}ms, max ${alone.lagMaxMs}ms`, Number(alone.lagP99Ms));
    const raw = await rawOnMainThread(driver);
    note(`raw on the main thread, ${driver}`, raw.rowsPerSec, `lag p99 ${raw.lagP99Ms}ms, max ${raw.lagMaxMs}ms`, Number(raw.lagP99Ms));
  }
  for (const [label, make] of [
    ['none', () => noneSink()],
    ['ndjson', (dir: string) => ndjsonSink(dir)],
  ] as const) {
    const r = await pipeline(make);
    note(`pipeline, --sink ${label}`, r.rowsPerSec, `lag p99 median ${r.lagMedian}ms, worst ${r.lagWorst}ms`, r.lagMedian);
  }
  for (const driver of drivers) {
    process.env.INGEST_TUI_SQLITE = driver;
    const r = await pipeline((dir) => sqliteSink(dir));
    note(`pipeline, --sink sqlite, ${driver}`, r.rowsPerSec, `lag p99 median ${r.lagMedian}ms, worst ${r.lagWorst}ms`, r.lagMedian);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `\nmedians of ${ROUNDS} (Node ${process.versions.node}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}):`,
);
for (const [label, runs] of results) {
  console.log(`${label.padEnd(40)} ${String(median(runs.map((r) => r.rowsPerSec))).padStart(7)} rows/s · lag p99 ${median(runs.map((r) => r.lag))}ms`);
}
