import { sourcesFile } from '../lib/data.js';
import { ingestTui, metricsAndSummary, summaryOf } from '../lib/ingest-tui.js';
import type { Measured } from '../lib/measure.js';
import { inFreshDatabase, psql } from '../lib/postgres.js';
import { type BenchCase, type BenchContext, MiB, type Row } from '../lib/types.js';

/**
 * `workers` processes started together on one fleet run, measured as one: from the first spawn
 * to the last exit, the highest peak RSS of any. Every worker must have run and the fleet must
 * have ended with every source done.
 */
async function fleetOf(
  ctx: BenchContext,
  sources: string,
  workers: number,
  concurrency: number,
  expectedRecords: number,
): Promise<Measured & { records: number }> {
  return inFreshDatabase(async (url) => {
    const started = performance.now();
    const args = ['--sources', sources, '--sink', 'postgres', '--db', url, '--fleet', 'bench', '-c', String(concurrency), '--json'];
    const results = await Promise.all(Array.from({ length: workers }, () => ingestTui(ctx, args, { keep: metricsAndSummary, timeoutMs: 600_000 })));
    const wallMs = performance.now() - started;
    const fleet = summaryOf(results[0]!).fleet;
    if (!fleet || fleet.totals.persisted !== expectedRecords || fleet.totals.states.done !== fleet.totals.sources)
      throw new Error(`the fleet did not persist every record once: ${JSON.stringify(fleet?.totals.states)} ${fleet?.totals.persisted}/${expectedRecords}`);
    return {
      ...results[0]!,
      wallMs,
      peakRssBytes: Math.max(...results.map((r) => r.peakRssBytes ?? 0)),
      records: fleet.totals.persisted,
    };
  });
}

/** Alternating runs of each side (a, b, a, b…), the median wall of each. */
async function medianOf<K extends string>(runs: number, sides: Record<K, () => Promise<Measured & { records: number }>>) {
  const keys = Object.keys(sides) as K[];
  const all = Object.fromEntries(keys.map((key) => [key, []])) as unknown as Record<K, (Measured & { records: number })[]>;
  for (let i = 0; i < runs; i++) for (const key of keys) all[key].push(await sides[key]());
  const median = {} as Record<K, Measured & { records: number }>;
  for (const key of Object.keys(all) as K[]) {
    const sorted = [...all[key]].sort((a, b) => a.wallMs - b.wallMs);
    median[key] = sorted[Math.floor((sorted.length - 1) / 2)]!;
  }
  return median;
}

/**
 * Fleet scaling on latency-bound simulated sources: the same run by 1 worker at -c 100 and by 3
 * workers at -c 100 each (all on this machine, sharing its 2 cores and one PostgreSQL); then
 * 10,000 sources over 3 workers.
 */
export const fleet: BenchCase = {
  name: 'fleet',
  title: 'A fleet run (`--sink postgres --fleet NAME`): 3 workers at -c 100 vs 1, and 10,000 sources over 3 workers',
  async run(ctx) {
    psql('select 1');
    // Latency-bound: 300 sources at -c 100 are 3 waves for one worker and 1 for three; a chunk
    // every 500 ms keeps the CPU (2 cores for 3 workers and the server) out of the way.
    const count = 300;
    const shape = ctx.quick ? { chunks: 4, recordsPerChunk: 20, latency: '250ms' } : { chunks: 10, recordsPerChunk: 20, latency: '500ms' };
    const scaling = await sourcesFile(ctx, 'fleet-scaling', { name: 'feed', kind: 'simulated', count, ...shape });
    const records = count * shape.chunks * shape.recordsPerChunk;
    const runs = Math.max(1, Math.min(ctx.runs, 3));
    const pair = await medianOf(runs, {
      one: () => fleetOf(ctx, scaling, 1, 100, records),
      three: () => fleetOf(ctx, scaling, 3, 100, records),
    });
    const rate = (m: Measured & { records: number }) => m.records / 1000 / (m.wallMs / 1000);
    const many = ctx.quick ? 2000 : 10_000;
    const tenK = await sourcesFile(ctx, 'fleet-10k', { name: 'feed', kind: 'simulated', count: many, chunks: 2, recordsPerChunk: 5, latency: '50ms' });
    const spread = await medianOf(1, {
      one: () => fleetOf(ctx, tenK, 1, 500, many * 10),
      three: () => fleetOf(ctx, tenK, 3, 500, many * 10),
    });
    const rows: Row[] = [
      {
        case: 'fleet',
        measure: `records/s, ${count} sources × ${shape.chunks} × ${shape.latency}`,
        unit: 'k rec/s',
        ours: rate(pair.three),
        baseline: rate(pair.one),
        against: '1 worker -c 100',
        target: { text: '≥ 2.5× (3 workers -c 100)', met: rate(pair.three) >= 2.5 * rate(pair.one) },
      },
      {
        case: 'fleet',
        measure: `wall, ${many.toLocaleString('en-US')} sources over 3 workers -c 500`,
        unit: 'ms',
        ours: spread.three.wallMs,
        baseline: spread.one.wallMs,
        against: '1 worker -c 500',
      },
      {
        case: 'fleet',
        measure: `peak RSS per worker, ${many.toLocaleString('en-US')} sources`,
        unit: 'MiB',
        ours: spread.three.peakRssBytes! / MiB,
        baseline: spread.one.peakRssBytes! / MiB,
        against: '1 worker -c 500',
      },
    ];
    return rows;
  },
};
