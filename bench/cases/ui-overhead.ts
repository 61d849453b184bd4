import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bestOf } from '../lib/best.js';
import { sourcesFile } from '../lib/data.js';
import type { Measured } from '../lib/measure.js';
import { inTerminal } from '../lib/pty.js';
import { type BenchCase, MiB } from '../lib/types.js';
import { ingestInput } from './file-ingest.js';

/**
 * The dashboard's cost: the CPU-bound file ingest in a 120×40 pseudo-terminal, with the dashboard
 * and with --no-ui. Any render work shows up directly in the pipeline's wall time; the process
 * wall adds what loading the dashboard costs once.
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
    // The recorded summary's wallMs runs from run start to the last source: the pipeline's own
    // time, without the process start-up and the dashboard's one-off loading (Ink: ~0.4 s).
    const recording = join(ctx.tmpDir, 'ui-overhead-events.ndjson');
    const pipelineWall = new WeakMap<Measured, number>();
    const withPipelineWall = async (run: Promise<Measured>) => {
      const measured = await run;
      const last = (await readFile(recording, 'utf8')).trimEnd().split('\n').at(-1)!;
      pipelineWall.set(measured, (JSON.parse(last) as { wallMs: number }).wallMs);
      return measured;
    };
    const best = await bestOf(ctx.runs, {
      dashboard: () => withPipelineWall(inTerminal(ctx, [...args, '--record', recording], { dashboard: true }).finally(clean)),
      headless: () => withPipelineWall(inTerminal(ctx, [...args, '--no-ui', '--record', recording], { dashboard: false }).finally(clean)),
    });
    const pipeline = { ours: pipelineWall.get(best.dashboard)!, baseline: pipelineWall.get(best.headless)! };
    return [
      {
        case: 'ui-overhead',
        measure: 'pipeline wall (run start to summary)',
        unit: 'ms',
        ours: pipeline.ours,
        baseline: pipeline.baseline,
        against: '--no-ui',
        target: { text: '≤ 1.05×', met: pipeline.ours <= 1.05 * pipeline.baseline },
      },
      {
        case: 'ui-overhead',
        measure: 'process wall (start-up included)',
        unit: 'ms',
        ours: best.dashboard.wallMs,
        baseline: best.headless.wallMs,
        against: '--no-ui',
        target: { text: '≤ 1.05×', met: best.dashboard.wallMs <= 1.05 * best.headless.wallMs },
      },
      { case: 'ui-overhead', measure: 'CPU time', unit: 'ms', ours: best.dashboard.cpuMs, baseline: best.headless.cpuMs, against: '--no-ui' },
      {
        case: 'ui-overhead',
        measure: 'peak RSS',
        unit: 'MiB',
        ours: best.dashboard.peakRssBytes! / MiB,
        baseline: best.headless.peakRssBytes! / MiB,
        against: '--no-ui',
      },
    ];
  },
};
