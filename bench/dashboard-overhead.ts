/**
 * What the dashboard costs the pipeline: the same run in a real terminal (tmux), with the
 * dashboard and with --no-ui, alternating, N times each. Prints wall time, CPU time, the
 * event-loop lag the run measured itself and peak RSS, then the medians.
 *
 *   npm run build && node --import tsx bench/dashboard-overhead.ts [--sources DIR] [--runs N] [--size 120x40]
 *
 * Without --sources it generates a CPU-heavy set (2,000 fast sources, 2M records, concurrency 64).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { sources: { type: 'string' }, runs: { type: 'string', default: '5' }, size: { type: 'string', default: '120x40' } } });
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const [columns, rows] = values.size!.split('x');
const work = mkdtempSync(join(tmpdir(), 'ingest-tui-bench-'));
const socket = `ingest-tui-bench-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-u', '-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

let sources = values.sources;
if (!sources) {
  sources = join(work, 'sources');
  spawnSync('mkdir', ['-p', sources]);
  writeFileSync(
    join(sources, 'load.json'),
    JSON.stringify({ name: 'load', kind: 'simulated', count: 2000, chunks: 20, recordsPerChunk: 50, latency: '5ms', jitter: 0.5 }),
  );
  writeFileSync(join(sources, 'ingest.json'), JSON.stringify({ concurrency: 64 }));
}

interface Result {
  wallMs: number;
  cpuMs: number;
  lagP99Median: number;
  maxLagMs: number;
  peakRssMb: number;
}

async function once(ui: boolean): Promise<Result> {
  const record = join(work, 'events.ndjson');
  const done = join(work, 'done');
  rmSync(done, { force: true });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = join(work, 'run.sh');
  writeFileSync(
    script,
    `env -u CI ${q(process.execPath)} ${q(cli)} --sources ${q(sources!)} --sink none --record ${q(record)} ${ui ? '' : '--no-ui'}\ntimes > ${q(done)}.tmp; mv ${q(done)}.tmp ${q(done)}\n`,
  );
  tmux('new-session', '-d', '-s', 'bench', '-x', columns!, '-y', rows!, `sh ${q(script)}; sleep 2`);
  while (!existsSync(done)) await sleep(100);
  tmux('kill-session', '-t', 'bench');
  const events = readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const summary = events.at(-1);
  const lags = events.filter((e) => e.type === 'metrics').map((e) => e.loopLagP99Ms as number);
  // `times`: the second line is the children's user and system time, e.g. "0m4.130s 0m0.699s".
  const cpu = readFileSync(done, 'utf8')
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .reduce((sum, t) => {
      const [, m, s] = /(\d+)m([\d.]+)s/.exec(t)!;
      return sum + (Number(m) * 60 + Number(s)) * 1000;
    }, 0);
  return {
    wallMs: summary.wallMs,
    cpuMs: Math.round(cpu),
    lagP99Median: median(lags),
    maxLagMs: summary.maxLoopLagMs,
    peakRssMb: Math.round(summary.peakRssBytes / 1e6),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const line = (label: string, r: Result) =>
  `${label.padEnd(10)} wall ${String(r.wallMs).padStart(6)} ms · cpu ${String(r.cpuMs).padStart(6)} ms · loop lag p99 (median of 250 ms windows) ${String(r.lagP99Median).padStart(5)} ms · max lag ${String(r.maxLagMs).padStart(6)} ms · peak RSS ${r.peakRssMb} MB`;

const results: Record<'dashboard' | 'no-ui', Result[]> = { dashboard: [], 'no-ui': [] };
console.log(`${values.runs} runs each of ${sources} in a ${values.size} tmux terminal`);
for (let i = 0; i < Number(values.runs); i++) {
  for (const ui of [true, false]) {
    const r = await once(ui);
    results[ui ? 'dashboard' : 'no-ui'].push(r);
    console.log(line(ui ? 'dashboard' : 'no-ui', r));
  }
}
console.log('medians:');
for (const [label, rs] of Object.entries(results)) {
  const m = (k: keyof Result) => median(rs.map((r) => r[k]));
  console.log(line(label, { wallMs: m('wallMs'), cpuMs: m('cpuMs'), lagP99Median: m('lagP99Median'), maxLagMs: m('maxLagMs'), peakRssMb: m('peakRssMb') }));
}
tmux('kill-server');
rmSync(work, { recursive: true, force: true });
