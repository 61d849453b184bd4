// `npm run bench [-- --quick] [-- --runs N] [-- --keep] [-- --write] [-- --cli PATH] [-- NAME...]`
// Runs each measurement next to its baseline, prints the table of ratios and figures, and (on a
// full run) writes BENCHMARKS.md with the machine and date. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dashboardLag } from './cases/dashboard-lag.js';
import { fileIngest } from './cases/file-ingest.js';
import { fleet } from './cases/fleet.js';
import { httpNdjson } from './cases/http-ndjson.js';
import { install } from './cases/install.js';
import { postgresSink } from './cases/postgres-sink.js';
import { sources1m, sources10k, sources100k } from './cases/sources.js';
import { sqliteSink } from './cases/sqlite-sink.js';
import { startup } from './cases/startup.js';
import { streaming } from './cases/streaming.js';
import { uiOverhead } from './cases/ui-overhead.js';
import { machine, markdownTable, textTable } from './lib/report.js';
import { type BenchCase, type BenchContext, FeatureNotAvailable, type Row } from './lib/types.js';

const CASES: BenchCase[] = [
  startup,
  install,
  fileIngest,
  sqliteSink,
  postgresSink,
  fleet,
  httpNdjson,
  sources10k,
  sources100k,
  sources1m,
  streaming,
  uiOverhead,
  dashboardLag,
];
const root = fileURLToPath(new URL('..', import.meta.url));

const { values: flags, positionals: names } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    keep: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    /** Measure another build (e.g. an older commit's dist/cli.js) against the same baselines. */
    cli: { type: 'string' },
  },
});

if (flags.list) {
  for (const c of CASES) console.log(`${c.name.padEnd(14)} ${c.title}`);
  process.exit(0);
}
const selected = names.length === 0 ? CASES : CASES.filter((c) => names.some((n) => c.name.includes(n)));
if (selected.length === 0) {
  console.error(`no case matches ${names.join(', ')}; cases: ${CASES.map((c) => c.name).join(', ')}`);
  process.exit(2);
}

if (!flags['no-build'] && !flags.cli) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const tmpDir = await mkdtemp(join(tmpdir(), 'ingest-tui-bench-'));
const started = Date.now();
const ctx: BenchContext = {
  quick: flags.quick,
  runs: flags.runs ? Number(flags.runs) : flags.quick ? 1 : 3,
  tmpDir,
  cli: flags.cli ? resolve(flags.cli) : join(root, 'dist', 'cli.js'),
  log: (message) => process.stderr.write(`  ${message}\n`),
};

const rows: Row[] = [];
let failures = 0;
try {
  for (const c of selected) {
    process.stderr.write(`▶ ${c.name}: ${c.title}\n`);
    const t0 = Date.now();
    try {
      rows.push(...(await c.run(ctx)));
    } catch (err) {
      if (!(err instanceof FeatureNotAvailable)) failures += 1;
      const what = err instanceof FeatureNotAvailable ? `n/a: feature not available (${err.message})` : `error: ${(err as Error).message}`;
      rows.push({ case: c.name, measure: '—', unit: 'ms', na: what.slice(0, 160) });
    }
    process.stderr.write(`  ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
} finally {
  if (!flags.keep) await rm(tmpDir, { recursive: true, force: true });
  else process.stderr.write(`generated data kept in ${tmpDir}\n`);
}

const m = machine();
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const date = `${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`;
console.log(`\n${textTable(rows)}\n`);
console.log(`${m.cpu} · ${m.cores} cores · ${m.memory} · Node ${m.node} · ${date} · ${minutes} min${ctx.quick ? ' · --quick' : ''} · best of ${ctx.runs}`);

const full = selected.length === CASES.length && !ctx.quick && !flags.cli;
if (full || flags.write) {
  const md = `# Benchmarks

Measured by \`npm run bench\`${ctx.quick ? ' --quick' : ''} on ${date}: best of ${ctx.runs} (alternating runs), ${minutes} min in all.

| machine | |
|---|---|
| CPU | ${m.cpu} |
| cores | ${m.cores} |
| memory | ${m.memory} |
| Node | ${m.node} |
| OS | ${m.os} |
| load average at the end | ${m.load} |

**ratio** = ingest-tui / baseline (for MB/s and records/s above 1 is better; for time and memory
below 1 is better). Walls are whole processes, spawn to exit, startup included. Peak RSS is the
kernel's (getrusage). "n/a" rows need a feature another branch brings; they light up once it lands.

${markdownTable(rows)}

## What each case runs

${selected.map((c) => `- **${c.name}**: ${c.title}.`).join('\n')}
- Baselines are in \`bench/baselines/\` (plain Node and Python scripts); the cases in \`bench/cases/\`.
`;
  await writeFile(join(root, 'BENCHMARKS.md'), md);
  console.log('wrote BENCHMARKS.md');
} else {
  console.log('BENCHMARKS.md not written (a partial or --quick run; pass --write to write it anyway)');
}
process.exitCode = failures > 0 ? 1 : 0;
