import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectOk, measure } from '../lib/measure.js';
import type { BenchCase } from '../lib/types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bytes under a directory, as `du -b` would count them. */
function sizeOf(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

/**
 * What a user who gets ingest-tui from the registry waits for: `npm pack` here, then the tarball
 * installed into an empty project with an empty npm cache (every dependency downloaded), then the
 * first run of a bundled scenario by name. Needs the npm registry.
 */
export const install: BenchCase = {
  name: 'install',
  title: 'The packed tarball installed into an empty project (cold npm cache), then its first run',
  async run(ctx) {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', ctx.tmpDir], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    const tarball = join(ctx.tmpDir, packed);
    const project = join(ctx.tmpDir, 'empty-project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "empty-project", "private": true }\n');
    const npmArgs = ['install', '--no-audit', '--no-fund', '--cache', join(ctx.tmpDir, 'npm-cache'), tarball];
    const installed = expectOk('npm install <tarball>', await measure('npm', npmArgs, { cwd: project, tmpDir: ctx.tmpDir, timeoutMs: 10 * 60_000 }));
    const bin = join(project, 'node_modules', '.bin', 'ingest-tui');
    const first = expectOk('first run', await measure(bin, ['--sources', 'lecture/01-gather', '--no-ui'], { cwd: project, tmpDir: ctx.tmpDir }));
    const packages = readdirSync(join(project, 'node_modules')).flatMap((name) =>
      name.startsWith('@') ? readdirSync(join(project, 'node_modules', name)) : name.startsWith('.') ? [] : [name],
    ).length;
    ctx.log(`${packages} packages installed, ${(sizeOf(join(project, 'node_modules')) / 2 ** 20).toFixed(1)} MiB`);
    const verdict = (ms: number) => ({ text: '< 10 s', met: ms < 10_000 });
    return [
      { case: 'install', measure: `cold install (${packages} packages)`, unit: 'ms', ours: installed.wallMs, target: verdict(installed.wallMs) },
      { case: 'install', measure: 'node_modules size', unit: 'MiB', ours: sizeOf(join(project, 'node_modules')) / 2 ** 20 },
      { case: 'install', measure: 'first run, 01-gather by name', unit: 'ms', ours: first.wallMs },
    ];
  },
};
