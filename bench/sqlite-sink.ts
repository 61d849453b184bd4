/**
 * SQLite sink: rows/s and event-loop lag.   npm run bench:sqlite
 * 1. the sink alone: 8 writers each writing 200 chunks of 500 records of ~150 bytes;
 * 2. the whole pipeline (transform + sink + checkpoints) with 8 simulated sources of 100 chunks
 *    of 500 records, beside the same run into --sink none and ndjson.
 * Lag is what monitorEventLoopDelay sees beyond its own 10 ms timer, as the dashboard shows it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSources } from '../src/pipeline/config.js';
import { createEventBus, type PipelineEvent } from '../src/pipeline/events.js';
import { openCheckpoints } from '../src/pipeline/checkpoints.js';
import { startPipeline } from '../src/pipeline/run.js';
import { deadLetterFile } from '../src/sinks/dead-letter.js';
import { ndjsonSink } from '../src/sinks/ndjson.js';
import { noneSink, type Sink } from '../src/sinks/sink.js';
import { sqliteSink } from '../src/sinks/sqlite.js';

const WRITERS = 8;
const CHUNKS = 200;
const RECORDS = 500;

async function sinkAlone() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const sink = sqliteSink(dir);
  await sink.open();
  const lines = Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ i, value: Math.random(), payload: 'x'.repeat(100) }));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let seq = 0; seq < CHUNKS; seq++) await sink.write(`w${w}`, { seq, lines, rejected: [], cursor: { seq: seq + 1 } });
    }),
  );
  await sink.close();
  const ms = performance.now() - t0;
  delay.disable();
  rmSync(dir, { recursive: true, force: true });
  const lag = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(1);
  return { rowsPerSec: Math.round((WRITERS * CHUNKS * RECORDS) / (ms / 1000)), lagP99Ms: lag(delay.percentile(99)), lagMaxMs: lag(delay.max) };
}

async function pipeline(label: string, makeSink: (dir: string) => Sink) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const configs = Array.from({ length: WRITERS }, (_, i) => ({
    name: `s${i}`, kind: 'simulated',
    config: { name: `s${i}`, kind: 'simulated', chunks: 100, recordsPerChunk: 500, latency: 1, jitter: 0, payloadBytes: 100, badRecords: 0 },
    file: 'bench', baseDir: dir,
  }));
  const sources = createSources(configs, { seed: 1, slowmo: 1 });
  const sink = makeSink(dir);
  const checkpoints = await openCheckpoints({ out: dir, sink, resume: false, targets: configs.map((c) => ({ name: c.name, kind: c.kind, fingerprint: 'bench' })) });
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
  console.log(`pipeline   ${label.padEnd(14)} ${rowsPerSec} rows/s · lag p99 median ${lags[Math.floor(lags.length / 2)]}ms, worst ${lags.at(-1)}ms`);
}

for (let i = 0; i < 3; i++) {
  const r = await sinkAlone();
  console.log(`sink alone sqlite          ${r.rowsPerSec} rows/s · lag p99 ${r.lagP99Ms}ms, max ${r.lagMaxMs}ms`);
}
for (let i = 0; i < 2; i++) {
  await pipeline('none', () => noneSink());
  await pipeline('ndjson', (dir) => ndjsonSink(dir));
  await pipeline('sqlite', (dir) => sqliteSink(dir));
}
