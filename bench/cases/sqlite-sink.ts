import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bestOf } from '../lib/best.js';
import { sourcesFile } from '../lib/data.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, measure } from '../lib/measure.js';
import { FeatureNotAvailable, MiB, type BenchCase } from '../lib/types.js';
import { ingestInput } from './file-ingest.js';

const raw = fileURLToPath(new URL('../baselines/sqlite-insert.mjs', import.meta.url));

/** The file ingest into SQLite (`--sink sqlite`) vs raw better-sqlite3 inserts of the same lines. */
export const sqliteSink: BenchCase = {
  name: 'sqlite-sink',
  title: 'NDJSON file into SQLite (`--sink sqlite`) vs raw better-sqlite3 inserts',
  async run(ctx) {
    const input = await ingestInput(ctx);
    const sources = await sourcesFile(ctx, 'sqlite-sink', { name: 'events', kind: 'file', path: input.path });
    const out = join(ctx.tmpDir, 'out-sqlite');
    const db = join(ctx.tmpDir, 'raw.db');
    const clean = async () => {
      await rm(out, { recursive: true, force: true });
      for (const suffix of ['', '-wal', '-shm']) await rm(db + suffix, { force: true });
    };
    const rawRun = async () => {
      const result = await measure(raw, [input.path, db], { tmpDir: ctx.tmpDir, node: true });
      if (result.code === 3) throw new FeatureNotAvailable('better-sqlite3 is not installed');
      return expectOk('raw better-sqlite3', result);
    };
    const best = await bestOf(ctx.runs, {
      ours: () => ingestTui(ctx, ['--sources', sources, '--no-ui', '--sink', 'sqlite', '--out', out]).finally(clean),
      raw: () => rawRun().finally(clean),
    });
    const krps = (ms: number) => input.records / ms; // thousand records per second
    return [
      { case: 'sqlite-sink', measure: 'records/s', unit: 'k rec/s', ours: krps(best.ours.wallMs), baseline: krps(best.raw.wallMs), against: 'raw better-sqlite3' },
      { case: 'sqlite-sink', measure: 'peak RSS', unit: 'MiB', ours: best.ours.peakRssBytes! / MiB, baseline: best.raw.peakRssBytes! / MiB, against: 'raw better-sqlite3' },
    ];
  },
};
