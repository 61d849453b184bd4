import { fileURLToPath } from 'node:url';
import { bestOf } from '../lib/best.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, measure } from '../lib/measure.js';
import type { BenchCase } from '../lib/types.js';

const empty = fileURLToPath(new URL('../baselines/empty.mjs', import.meta.url));

/** `ingest-tui --help`: what a user waits before anything happens. */
export const startup: BenchCase = {
  name: 'startup',
  title: '`--help` startup vs bare `node` running an empty file',
  async run(ctx) {
    const best = await bestOf(ctx.quick ? 5 : 10, {
      ours: () => ingestTui(ctx, ['--help']),
      node: async () => expectOk('node empty.mjs', await measure(empty, [], { tmpDir: ctx.tmpDir, node: true })),
    });
    return [
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
