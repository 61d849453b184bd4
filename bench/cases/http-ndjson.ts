import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bestOf } from '../lib/best.js';
import { sourcesFile } from '../lib/data.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, type Measured, measure } from '../lib/measure.js';
import { serveFile } from '../lib/serve-file.js';
import { type BenchCase, MiB } from '../lib/types.js';
import { ingestInput } from './file-ingest.js';

const raw = fileURLToPath(new URL('../baselines/http-ndjson.mjs', import.meta.url));

/** An `kind: "http"` NDJSON source on loopback vs got alone on the same body, both to a file. */
export const httpNdjson: BenchCase = {
  name: 'http-ndjson',
  title: 'HTTP NDJSON on loopback (`kind: "http"`) vs got alone on the same body',
  async run(ctx) {
    const input = await ingestInput(ctx);
    const server = await serveFile(input.path);
    try {
      const sources = await sourcesFile(ctx, 'http-ndjson', { name: 'api', kind: 'http', url: server.url, format: 'ndjson' });
      const out = join(ctx.tmpDir, 'out-http');
      const rawOut = join(ctx.tmpDir, 'raw-http.ndjson');
      const best = await bestOf(ctx.runs, {
        ours: () =>
          ingestTui(ctx, ['--sources', sources, '--no-ui', '--sink', 'ndjson', '--out', out]).finally(() => rm(out, { recursive: true, force: true })),
        got: async () => expectOk('got alone', await measure(raw, [server.url, rawOut], { tmpDir: ctx.tmpDir, node: true })),
      });
      await rm(rawOut, { force: true });
      const mbps = (r: Measured) => input.bytes / 1e6 / (r.wallMs / 1000);
      return [
        { case: 'http-ndjson', measure: 'throughput', unit: 'MB/s', ours: mbps(best.ours), baseline: mbps(best.got), against: 'got alone' },
        {
          case: 'http-ndjson',
          measure: 'peak RSS',
          unit: 'MiB',
          ours: best.ours.peakRssBytes! / MiB,
          baseline: best.got.peakRssBytes! / MiB,
          against: 'got alone',
        },
      ];
    } finally {
      await server.close();
    }
  },
};
