import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bestOf } from '../lib/best.js';
import { ndjsonFile, sourcesFile } from '../lib/data.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, type Measured, measure } from '../lib/measure.js';
import { type BenchCase, type BenchContext, MiB } from '../lib/types.js';

const raw = fileURLToPath(new URL('../baselines/file-ingest.mjs', import.meta.url));

/** The file every ingest case reads: ≥ 100 MB of ~200-byte records (20 MB with --quick). */
export const ingestInput = (ctx: BenchContext) => ndjsonFile(ctx, ctx.quick ? 20e6 : 110e6);

/** Output must be at least as big as the input (every record written, plus the added field). */
async function checkOutput(path: string, inputBytes: number, result: Measured) {
  const size = (await stat(path)).size;
  await rm(path, { force: true });
  if (size < inputBytes) throw new Error(`${path}: ${size} bytes written for ${inputBytes} read`);
  return result;
}

/** File → parse → add a field → NDJSON file, headless, against the hand-written stream pipeline. */
export const fileIngest: BenchCase = {
  name: 'file-ingest',
  title: 'NDJSON file ingest (`--no-ui --sink ndjson`) vs a hand-written Node stream pipeline',
  async run(ctx) {
    const input = await ingestInput(ctx);
    const sources = await sourcesFile(ctx, 'file-ingest', { name: 'events', kind: 'file', path: input.path });
    const out = join(ctx.tmpDir, 'out-file-ingest');
    const written = join(out, 'events.ndjson');
    const rawOut = join(ctx.tmpDir, 'raw-file-ingest.ndjson');
    const args = ['--sources', sources, '--no-ui', '--sink', 'ndjson', '--out', out];

    const best = await bestOf(ctx.runs, {
      raw: async () => checkOutput(rawOut, input.bytes, expectOk('raw pipeline', await measure(raw, [input.path, rawOut], { tmpDir: ctx.tmpDir, node: true }))),
      ours: async () => checkOutput(written, input.bytes, await ingestTui(ctx, args)),
      offload: async () => checkOutput(written, input.bytes, await ingestTui(ctx, [...args, '--offload'])),
    });
    const mbps = (r: Measured) => input.bytes / 1e6 / (r.wallMs / 1000);
    const label = `${Math.round(input.bytes / 1e6)} MB`;
    return [
      {
        case: 'file-ingest',
        measure: `throughput, ${label}`,
        unit: 'MB/s',
        ours: mbps(best.ours),
        baseline: mbps(best.raw),
        against: 'raw stream',
        target: { text: '≥ 1.0× (issue 15)', met: mbps(best.ours) >= mbps(best.raw) },
      },
      {
        case: 'file-ingest',
        measure: 'throughput, --offload',
        unit: 'MB/s',
        ours: mbps(best.offload),
        baseline: mbps(best.raw),
        against: 'raw stream',
        target: { text: '≥ 1.3× (issue 15)', met: mbps(best.offload) >= 1.3 * mbps(best.raw) },
      },
      {
        case: 'file-ingest',
        measure: 'peak RSS',
        unit: 'MiB',
        ours: best.ours.peakRssBytes! / MiB,
        baseline: best.raw.peakRssBytes! / MiB,
        against: 'raw stream',
      },
      {
        case: 'file-ingest',
        measure: 'peak RSS, --offload',
        unit: 'MiB',
        ours: best.offload.peakRssBytes! / MiB,
        baseline: best.raw.peakRssBytes! / MiB,
        against: 'raw stream',
      },
    ];
  },
};
