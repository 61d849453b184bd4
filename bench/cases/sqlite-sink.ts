import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DriverName, sqliteDriver } from '../../src/sinks/sqlite-driver.js';
import { bestOf } from '../lib/best.js';
import { sourcesFile } from '../lib/data.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, measure } from '../lib/measure.js';
import { type BenchCase, FeatureNotAvailable, MiB, type Row } from '../lib/types.js';
import { ingestInput } from './file-ingest.js';

const raw = fileURLToPath(new URL('../baselines/sqlite-insert.mjs', import.meta.url));

/** The SQLite libraries this Node can use: node:sqlite (Node ≥ 22.13), better-sqlite3 (built for it). */
function drivers(): DriverName[] {
  return (['node:sqlite', 'better-sqlite3'] as DriverName[]).filter((name) => {
    try {
      return sqliteDriver(name).name === name;
    } catch {
      return false;
    }
  });
}

/**
 * The file ingest into SQLite (`--sink sqlite`) vs raw inserts of the same lines, once with each
 * library this Node has (INGEST_TUI_SQLITE picks the sink's; the baseline uses the same one).
 */
export const sqliteSink: BenchCase = {
  name: 'sqlite-sink',
  title: 'NDJSON file into SQLite (`--sink sqlite`) vs raw inserts, with node:sqlite and better-sqlite3',
  async run(ctx) {
    const available = drivers();
    if (available.length === 0) throw new FeatureNotAvailable(`no SQLite library on Node ${process.versions.node}`);
    const input = await ingestInput(ctx);
    const sources = await sourcesFile(ctx, 'sqlite-sink', { name: 'events', kind: 'file', path: input.path });
    const out = join(ctx.tmpDir, 'out-sqlite');
    const db = join(ctx.tmpDir, 'raw.db');
    const clean = async () => {
      await rm(out, { recursive: true, force: true });
      for (const suffix of ['', '-wal', '-shm']) await rm(db + suffix, { force: true });
    };
    const rows: Row[] = [];
    for (const driver of available) {
      const best = await bestOf(ctx.runs, {
        ours: () => ingestTui(ctx, ['--sources', sources, '--no-ui', '--sink', 'sqlite', '--out', out], { env: { INGEST_TUI_SQLITE: driver } }).finally(clean),
        raw: () =>
          measure(raw, [input.path, db, driver], { tmpDir: ctx.tmpDir, node: true })
            .then((r) => expectOk(`raw ${driver}`, r))
            .finally(clean),
      });
      const krps = (ms: number) => input.records / ms; // thousand records per second
      const against = `raw ${driver}`;
      rows.push(
        { case: 'sqlite-sink', measure: `records/s, ${driver}`, unit: 'k rec/s', ours: krps(best.ours.wallMs), baseline: krps(best.raw.wallMs), against },
        {
          case: 'sqlite-sink',
          measure: `peak RSS, ${driver}`,
          unit: 'MiB',
          ours: best.ours.peakRssBytes! / MiB,
          baseline: best.raw.peakRssBytes! / MiB,
          against,
        },
      );
    }
    return rows;
  },
};
