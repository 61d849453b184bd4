// Node 20's test runner takes no globs: find test/**/*.test.ts(x) here and hand them over.
// Extra arguments are passed on, e.g. `npm test -- --test-name-pattern=deadline`. Two files run at
// once: most tests wait on timers, servers and child processes, not the CPU, and they prove order
// with events, so a second file on the other core halves the wall time (4.5 -> 2.5 min here).
// Three at once was tried: a pty test's terminal check failed once on Node 22 beside two others.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const find = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return find(path);
    return /\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });

const args = process.argv.slice(2);
const files = args.some((a) => !a.startsWith('-')) ? [] : find('test').sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...args, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
