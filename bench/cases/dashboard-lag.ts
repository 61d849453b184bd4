import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sourcesFile } from '../lib/data.js';
import { inTerminal } from '../lib/pty.js';
import type { BenchCase } from '../lib/types.js';

/** The worst 250 ms window's p99 event-loop lag in a recorded run (--record keeps the metrics). */
async function worstLagP99(file: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.includes('"type":"metrics"'));
  await rm(file, { force: true });
  if (lines.length === 0) throw new Error(`${file}: no metrics events recorded`);
  return Math.max(...lines.map((l) => (JSON.parse(l) as { loopLagP99Ms: number }).loopLagP99Ms));
}

/** 1,000 simulated sources at once with the dashboard in a pseudo-terminal vs the same run headless. */
export const dashboardLag: BenchCase = {
  name: 'dashboard-lag',
  title: 'Event-loop lag p99 (worst window) with the dashboard at 1,000 sources vs `--no-ui`',
  async run(ctx) {
    const sources = await sourcesFile(ctx, 'dashboard-lag', {
      name: 'src',
      kind: 'simulated',
      count: 1000,
      chunks: 20,
      recordsPerChunk: 10,
      latency: '100ms',
      jitter: 0.5,
    });
    const record = (mode: string) => join(ctx.tmpDir, `lag-${mode}.ndjson`);
    const args = ['--sources', sources, '-c', '1000', '--sink', 'none'];
    await inTerminal(ctx, [...args, '--record', record('dashboard')], { dashboard: true });
    const dashboard = await worstLagP99(record('dashboard'));
    await inTerminal(ctx, [...args, '--no-ui', '--record', record('headless')], { dashboard: false });
    const headless = await worstLagP99(record('headless'));
    return [
      {
        case: 'dashboard-lag',
        measure: 'loop lag p99, worst window',
        unit: 'ms',
        ours: dashboard,
        baseline: headless,
        against: '--no-ui',
        target: { text: '≤ 10 ms', met: dashboard <= 10 },
      },
    ];
  },
};
