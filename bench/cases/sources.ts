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

const rawPool = fileURLToPath(new URL('../baselines/sources-pool.mjs', import.meta.url));
const rawBounded = fileURLToPath(new URL('../baselines/sources-bounded.py', import.meta.url));
const MILLION = 1_000_000;
const LANES = 10_000;

/** The worst loop-lag p99 of the progress lines (`lag p99 12ms`, `lag p99 1.2s`) a --no-ui run printed. */
function worstLagP99(text: string): number | undefined {
  let worst: number | undefined;
  for (const m of text.matchAll(/lag p99 ([\d.]+)(ms|s)\b/g)) worst = Math.max(worst ?? 0, Number(m[1]) * (m[2] === 's' ? 1000 : 1));
  return worst;
}

/**
 * 1,000,000 simulated sources of one chunk × 10 ms at -c 10000 (--no-ui --sink none): 100 waves,
 * so the ideal is 1 s. Against the raw Node worker pool (10,000 loops pulling from one iterator)
 * and Python asyncio both ways (a semaphore over a million gathered tasks, and a worker pool).
 */
export const sources1m: BenchCase = {
  name: 'sources-1m',
  title: '1,000,000 simulated sources (1 chunk × 10 ms, -c 10000, --sink none) vs a raw Node worker pool and Python asyncio',
  async run(ctx) {
    const python = findPython();
    const file = await sourcesFile(ctx, 'sources-1m', {
      name: 's',
      kind: 'simulated',
      count: MILLION,
      chunks: 1,
      recordsPerChunk: 1,
      latency: `${LATENCY_MS}ms`,
    });
    const args = [String(MILLION), '1', String(LATENCY_MS), '1', String(LANES)];
    const timeoutMs = 10 * 60_000;
    const best = await bestOf(ctx.quick ? 1 : Math.min(ctx.runs, 3), {
      pool: async () => expectOk('raw node pool', await measure(rawPool, args, { tmpDir: ctx.tmpDir, node: true, timeoutMs })),
      ours: () => ingestTui(ctx, ['--sources', file, '-c', String(LANES), '--sink', 'none', '--no-ui'], { timeoutMs }),
      pySemaphore: python
        ? async () => fromPython(expectOk('python semaphore', await measure(python, [rawBounded, 'semaphore', ...args], { tmpDir: ctx.tmpDir, timeoutMs })))
        : undefined,
      pyPool: python
        ? async () => fromPython(expectOk('python pool', await measure(python, [rawBounded, 'pool', ...args], { tmpDir: ctx.tmpDir, timeoutMs })))
        : undefined,
    });
    const name = 'sources-1m';
    const wall = best.ours.wallMs;
    const rss = best.ours.peakRssBytes! / MiB;
    const lag = worstLagP99(best.ours.stderr);
    const na = 'n/a: python3 not found';
    const vsPython = (side: Measured | undefined, against: string): Row[] =>
      side
        ? [
            { case: name, measure: 'wall', unit: 'ms', ours: wall, baseline: side.wallMs, against },
            { case: name, measure: 'peak RSS', unit: 'MiB', ours: rss, baseline: side.peakRssBytes! / MiB, against },
          ]
        : [{ case: name, measure: `wall vs ${against}`, unit: 'ms', na }];
    return [
      {
        case: name,
        measure: 'wall',
        unit: 'ms',
        ours: wall,
        baseline: best.pool.wallMs,
        against: 'raw Node worker pool',
        target: { text: '≤ 1.0× pool, ≤ 5 s', met: wall <= best.pool.wallMs && wall <= 5000 },
      },
      {
        case: name,
        measure: 'peak RSS',
        unit: 'MiB',
        ours: rss,
        baseline: best.pool.peakRssBytes! / MiB,
        against: 'raw Node worker pool',
        target: { text: '≤ 400 MiB', met: rss <= 400 },
      },
      { case: name, measure: 'wall', unit: 'ms', ours: wall, baseline: 100 * LATENCY_MS, against: 'ideal (100 waves × 10 ms)' },
      lag === undefined
        ? { case: name, measure: 'loop lag p99 (worst interval)', unit: 'ms', na: 'n/a: no progress line' }
        : { case: name, measure: 'loop lag p99 (worst interval)', unit: 'ms', ours: lag, target: { text: '≤ 20 ms', met: lag <= 20 } },
      ...vsPython(best.pySemaphore, 'Python asyncio, semaphore'),
      ...vsPython(best.pyPool, 'Python asyncio, worker pool'),
    ];
  },
};
