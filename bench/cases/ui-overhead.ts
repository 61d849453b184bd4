import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { bestOf } from '../lib/best.js';
import { sourcesFile } from '../lib/data.js';
import { inTerminal } from '../lib/pty.js';
import { MiB, type BenchCase } from '../lib/types.js';
import { ingestInput } from './file-ingest.js';

/**
 * The dashboard's cost: the CPU-bound file ingest in a 120×40 pseudo-terminal, with the dashboard
 * and with --no-ui. Any render work shows up directly in the wall time.
 */
export const uiOverhead: BenchCase = {
  name: 'ui-overhead',
  title: 'UI overhead: file ingest with the dashboard in a pseudo-terminal vs `--no-ui`',
  async run(ctx) {
    const input = await ingestInput(ctx);
    const sources = await sourcesFile(ctx, 'ui-overhead', { name: 'events', kind: 'file', path: input.path });
    const out = join(ctx.tmpDir, 'out-ui-overhead');
    const args = ['--sources', sources, '--sink', 'ndjson', '--out', out];
    const clean = () => rm(out, { recursive: true, force: true });
    await inTerminal(ctx, [...args, '--sink', 'none'], { dashboard: true }).finally(clean); // n/a early, before the long runs
    const best = await bestOf(ctx.runs, {
      dashboard: () => inTerminal(ctx, args, { dashboard: true }).finally(clean),
      headless: () => inTerminal(ctx, [...args, '--no-ui'], { dashboard: false }).finally(clean),
    });
    return [
      {
        case: 'ui-overhead', measure: 'wall', unit: 'ms', ours: best.dashboard.wallMs, baseline: best.headless.wallMs, against: '--no-ui',
        target: { text: '≤ 1.05×', met: best.dashboard.wallMs <= 1.05 * best.headless.wallMs },
      },
      { case: 'ui-overhead', measure: 'CPU time', unit: 'ms', ours: best.dashboard.cpuMs, baseline: best.headless.cpuMs, against: '--no-ui' },
      { case: 'ui-overhead', measure: 'peak RSS', unit: 'MiB', ours: best.dashboard.peakRssBytes! / MiB, baseline: best.headless.peakRssBytes! / MiB, against: '--no-ui' },
    ];
  },
};
