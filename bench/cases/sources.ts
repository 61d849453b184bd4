import { fileURLToPath } from 'node:url';
import { bestOf } from '../lib/best.js';
import { sourcesFile } from '../lib/data.js';
import { ingestTui } from '../lib/ingest-tui.js';
import { expectOk, type Measured, measure } from '../lib/measure.js';
import { findPython } from '../lib/python.js';
import { type BenchCase, MiB, type Row } from '../lib/types.js';

const rawNode = fileURLToPath(new URL('../baselines/sources.mjs', import.meta.url));
const rawPython = fileURLToPath(new URL('../baselines/sources.py', import.meta.url));
const CHUNKS = 10;
const LATENCY_MS = 10;

/** The Python script reports its own peak RSS (getrusage) on its last line. */
function fromPython(result: Measured): Measured {
  const report = JSON.parse(result.lines.at(-1) ?? '{}') as { peakRssBytes?: number };
  return { ...result, peakRssBytes: report.peakRssBytes };
}

/**
 * `count` simulated sources of 10 chunks × 10 ms (one record each), all at once (concurrency =
 * count, --sink none): the lecture's C10k. Against the same async generators in a raw Node script
 * and in Python asyncio. RSS per source is the growth over a one-source run of the same program.
 */
function manySources(count: number, targets: (r: { wall: number; python?: number; rss: number }) => Row['target'][]): BenchCase {
  const name = `sources-${count / 1000}k`;
  return {
    name,
    title: `${count.toLocaleString('en')} simulated sources (10 chunks × 10 ms, concurrency = count, --sink none) vs raw Node and Python asyncio`,
    async run(ctx) {
      const python = findPython();
      const sides = async (n: number) => {
        const file = await sourcesFile(ctx, `${name}-${n}`, {
          name: 's',
          kind: 'simulated',
          count: n,
          chunks: CHUNKS,
          recordsPerChunk: 1,
          latency: `${LATENCY_MS}ms`,
        });
        const args = [String(n), String(CHUNKS), String(LATENCY_MS), '1'];
        return {
          raw: async () => expectOk('raw node', await measure(rawNode, args, { tmpDir: ctx.tmpDir, node: true })),
          ours: () => ingestTui(ctx, ['--sources', file, '-c', String(n), '--sink', 'none', '--no-ui']),
          python: python ? async () => fromPython(expectOk('python', await measure(python, [rawPython, ...args], { tmpDir: ctx.tmpDir }))) : undefined,
        };
      };
      const one = await bestOf(1, await sides(1));
      const best = await bestOf(count >= 100_000 ? 1 : ctx.runs, await sides(count));
      const perSource = (side: 'ours' | 'raw') => (best[side].peakRssBytes! - one[side].peakRssBytes!) / count / 1024;
      const [wallTarget, pythonTarget, rssTarget] = targets({
        wall: best.ours.wallMs / best.raw.wallMs,
        python: best.python && best.ours.wallMs / best.python.wallMs,
        rss: best.ours.peakRssBytes! / MiB,
      });
      const na = 'n/a: python3 not found';
      return [
        { case: name, measure: 'wall', unit: 'ms', ours: best.ours.wallMs, baseline: best.raw.wallMs, against: 'raw Node', target: wallTarget },
        best.python
          ? { case: name, measure: 'wall', unit: 'ms', ours: best.ours.wallMs, baseline: best.python.wallMs, against: 'Python asyncio', target: pythonTarget }
          : { case: name, measure: 'wall vs Python asyncio', unit: 'ms', na },
        {
          case: name,
          measure: 'peak RSS',
          unit: 'MiB',
          ours: best.ours.peakRssBytes! / MiB,
          baseline: best.raw.peakRssBytes! / MiB,
          against: 'raw Node',
          target: rssTarget,
        },
        best.python
          ? {
              case: name,
              measure: 'peak RSS',
              unit: 'MiB',
              ours: best.ours.peakRssBytes! / MiB,
              baseline: best.python.peakRssBytes! / MiB,
              against: 'Python asyncio',
            }
          : { case: name, measure: 'peak RSS vs Python asyncio', unit: 'MiB', na },
        { case: name, measure: 'RSS per source', unit: 'KiB', ours: perSource('ours'), baseline: perSource('raw'), against: 'raw Node' },
      ];
    },
  };
}

export const sources10k = manySources(10_000, ({ wall, rss }) => [{ text: '≤ 1.5× raw', met: wall <= 1.5 }, undefined, { text: '≤ 200 MiB', met: rss <= 200 }]);

export const sources100k = manySources(100_000, ({ python, rss }) => [
  undefined,
  python === undefined ? undefined : { text: '< 1.0× Python', met: python < 1 },
  { text: '≤ 800 MiB', met: rss <= 800 },
]);
