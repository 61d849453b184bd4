import { fileURLToPath } from 'node:url';
import { bestOf } from '../lib/best.js';
import { ndjsonFile, sourcesFile } from '../lib/data.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, measure } from '../lib/measure.js';
import { inFreshDatabase, psql } from '../lib/postgres.js';
import { type BenchCase, MiB } from '../lib/types.js';

const raw = fileURLToPath(new URL('../baselines/postgres-copy.mjs', import.meta.url));

/** File → transform → PostgreSQL (COPY, one transaction per group of chunks with their checkpoints) vs one bare COPY. */
export const postgresSink: BenchCase = {
  name: 'postgres-sink',
  title: 'NDJSON file into PostgreSQL (`--sink postgres`) vs a bare COPY of the same file into the same table',
  async run(ctx) {
    psql('select 1');
    const input = await ndjsonFile(ctx, ctx.quick ? 20e6 : 110e6);
    const sources = await sourcesFile(ctx, 'postgres-sink', { name: 'events', kind: 'file', path: input.path });
    const best = await bestOf(ctx.runs, {
      raw: () => inFreshDatabase(async (url) => expectOk('bare COPY', await measure(raw, [input.path, url, '500'], { tmpDir: ctx.tmpDir, node: true }))),
      ours: () => inFreshDatabase((url) => ingestTui(ctx, ['--sources', sources, '--no-ui', '--sink', 'postgres', '--db', url])),
    });
    const rate = (ms: number) => input.records / 1000 / (ms / 1000);
    return [
      {
        case: 'postgres-sink',
        measure: `records/s, ${Math.round(input.bytes / 1e6)} MB`,
        unit: 'k rec/s',
        ours: rate(best.ours.wallMs),
        baseline: rate(best.raw.wallMs),
        against: 'bare COPY',
        target: { text: '≥ 0.8× (aim 0.95×)', met: best.ours.wallMs <= best.raw.wallMs / 0.8 },
      },
      {
        case: 'postgres-sink',
        measure: 'peak RSS',
        unit: 'MiB',
        ours: best.ours.peakRssBytes! / MiB,
        baseline: best.raw.peakRssBytes! / MiB,
        against: 'bare COPY',
      },
    ];
  },
};
