import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourcesFile } from '../lib/data.js';
import { ingestTui, metricsAndSummary, summaryOf } from '../lib/ingest-tui.js';
import { expectOk, type Measured, measure } from '../lib/measure.js';
import { type BenchCase, MiB } from '../lib/types.js';

const raw = fileURLToPath(new URL('../baselines/streaming.mjs', import.meta.url));
const RECORDS = 512;
const RECORD_BYTES = 1061; // {"source":"firehose",...,"payload":"x"×1000} and its newline

/**
 * RSS over a streaming run is a sawtooth (the heap grows, a GC drops it back), so a straight fit
 * through every sample depends on where the run happens to end. What leaks shows in the troughs:
 * after a warm-up quarter, compare the lowest RSS of the first half of the rest with the lowest
 * of the second half. Returns that growth and the slope it makes, in MiB per minute.
 */
function rssSlope(samples: Array<{ t: number; rss: number }>): { mibPerMin: number; growthMib: number } {
  const end = samples.at(-1)?.t ?? 0;
  const from = end / 4;
  const middle = (from + end) / 2;
  const trough = (lo: number, hi: number) => Math.min(...samples.filter((s) => s.t >= lo && s.t <= hi).map((s) => s.rss));
  const [first, second] = [trough(from, middle), trough(middle, end)];
  if (!Number.isFinite(first) || !Number.isFinite(second)) return { mibPerMin: 0, growthMib: 0 };
  const growthMib = (second - first) / MiB;
  return { mibPerMin: growthMib / ((end - from) / 2 / 60_000), growthMib };
}

/** One simulated source streaming 1 GB (200 MB with --quick) through to an NDJSON file. */
export const streaming: BenchCase = {
  name: 'streaming',
  title: 'Streaming a 1 GB generated source to NDJSON: peak RSS and its slope (from `--json` metrics)',
  async run(ctx) {
    const bytes = ctx.quick ? 200e6 : 1e9;
    const chunks = Math.ceil(bytes / (RECORDS * RECORD_BYTES));
    const sources = await sourcesFile(ctx, 'streaming', {
      name: 'firehose',
      kind: 'simulated',
      chunks,
      recordsPerChunk: RECORDS,
      payloadBytes: 1000,
      latency: '0ms',
    });
    const out = join(ctx.tmpDir, 'out-streaming');
    const rawOut = join(ctx.tmpDir, 'raw-streaming.ndjson');
    // One run each: a gigabyte is long enough to average out noise.
    const rawRun: Measured = expectOk('raw streaming', await measure(raw, [String(chunks), rawOut], { tmpDir: ctx.tmpDir, node: true }));
    await rm(rawOut, { force: true });
    const ours = await ingestTui(ctx, ['--sources', sources, '--json', '--sink', 'ndjson', '--out', out], { keep: metricsAndSummary });
    await rm(out, { recursive: true, force: true });

    const summary = summaryOf(ours);
    const samples = ours.lines.filter((l) => l.startsWith('{"type":"metrics"')).map((l) => JSON.parse(l) as { t: number; rss: number });
    const slope = rssSlope(samples);
    const gb = (summary.bytes as number) / 1e9;
    const mbps = (r: Measured) => (summary.bytes as number) / 1e6 / (r.wallMs / 1000);
    return [
      {
        case: 'streaming',
        measure: `peak RSS, ${gb.toFixed(2)} GB`,
        unit: 'MiB',
        ours: ours.peakRssBytes! / MiB,
        baseline: rawRun.peakRssBytes! / MiB,
        against: 'raw Node',
        target: { text: '< 150 MiB', met: ours.peakRssBytes! / MiB < 150 },
      },
      {
        case: 'streaming',
        measure: `RSS growth, later troughs vs earlier (${slope.mibPerMin.toFixed(0)} MiB/min)`,
        unit: 'MiB',
        ours: slope.growthMib,
        target: { text: 'flat (< 10 MiB)', met: slope.growthMib < 10 },
      },
      { case: 'streaming', measure: 'throughput', unit: 'MB/s', ours: mbps(ours), baseline: mbps(rawRun), against: 'raw Node' },
    ];
  },
};
