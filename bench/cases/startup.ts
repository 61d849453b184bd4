import { fileURLToPath } from 'node:url';
import { bestOf } from '../lib/best.js';
import { sourcesFile } from '../lib/data.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, measure } from '../lib/measure.js';
import type { BenchCase } from '../lib/types.js';

const empty = fileURLToPath(new URL('../baselines/empty.mjs', import.meta.url));

/** `ingest-tui --help`, and a run of one source: what a user waits before anything happens, and for a run that does nothing much. */
export const startup: BenchCase = {
  name: 'startup',
  title: '`--help` and a one-source run (`--no-ui --sink none`), start to exit, vs bare `node` running an empty file',
  async run(ctx) {
    const one = await sourcesFile(ctx, 'one-source', { name: 'one', kind: 'simulated', chunks: 1, recordsPerChunk: 1, latency: '1ms' });
    const best = await bestOf(ctx.quick ? 5 : 10, {
      ours: () => ingestTui(ctx, ['--help']),
      run: () => ingestTui(ctx, ['--sources', one, '--no-ui', '--sink', 'none']),
      node: async () => expectOk('node empty.mjs', await measure(empty, [], { tmpDir: ctx.tmpDir, node: true })),
    });
    return [
      {
        case: 'startup',
        measure: 'one-source run wall',
        unit: 'ms',
        ours: best.run.wallMs,
        baseline: best.node.wallMs,
        against: 'bare node',
        target: { text: '≤ 150 ms', met: best.run.wallMs <= 150 },
      },
      {
        case: 'startup',
        measure: '--help wall',
        unit: 'ms',
        ours: best.ours.wallMs,
        baseline: best.node.wallMs,
        against: 'bare node',
        target: { text: '< 250 ms', met: best.ours.wallMs < 250 },
      },
    ];
  },
};
