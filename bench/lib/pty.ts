import { spawnSync } from 'node:child_process';
import { expectOk, type Measured, measure } from './measure.js';
import { type BenchContext, FeatureNotAvailable } from './types.js';

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
const preload = new URL('./rusage-preload.mjs', import.meta.url).pathname;

/**
 * Runs the built CLI with stdout on a real pseudo-terminal (util-linux `script`), 120×40, the
 * way a lecturer runs it. CI detection is switched off: a CI variable would make it headless.
 * With `dashboard`, a run that stays headless means the dashboard is not in this build: n/a.
 */
export async function inTerminal(ctx: BenchContext, args: string[], { dashboard }: { dashboard: boolean }): Promise<Measured> {
  if (spawnSync('script', ['--version']).status !== 0) throw new FeatureNotAvailable('util-linux `script` (pseudo-terminal) not found');
  const command = ['stty cols 120 rows 40;', 'exec', quote(process.execPath), '--import', quote(preload), quote(ctx.cli), ...args.map(quote)].join(' ');
  const result = await measure('script', ['-qfec', command, '/dev/null'], {
    tmpDir: ctx.tmpDir,
    env: { CI: 'false', CONTINUOUS_INTEGRATION: 'false', TERM: 'xterm-256color' },
    timeoutMs: 90_000,
  });
  if (result.signal === 'SIGKILL') throw new Error('killed after 90 s in a terminal: does the dashboard exit when the run ends?');
  const screen = result.lines.join('\n');
  if (result.code === 2 && /not available yet/.test(screen))
    throw new FeatureNotAvailable(
      screen
        .trim()
        .split('\n')[0]!
        .replace(/^ingest-tui: /, ''),
    );
  // The plain reporter's first line: the CLI stayed headless although stdout is a terminal.
  if (dashboard && /\[\s*\d+\.\d\ds\] ingest-tui: /.test(screen)) throw new FeatureNotAvailable('dashboard: a run in a terminal stays headless');
  return expectOk(`ingest-tui (in a terminal) ${args.join(' ')}`, { ...result, stderr: screen.slice(-2000) });
}
