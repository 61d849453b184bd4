// The built CLI stops when asked whatever its sources are blocked in, and refuses source files
// that are not small regular files. `npm run build` first.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { type CliResult, parseEvents, startCli } from './helpers/cli.js';
import { tempDir, writeFiles } from './helpers/temp.js';

/** A sources directory with one file source on a FIFO that nobody writes to. */
function fifoSource(t: TestContext) {
  const dir = writeFiles(tempDir(), { 'f.json': { name: 'f', kind: 'file', path: 'f' } });
  const path = join(dir, 'f');
  execFileSync('mkfifo', [path]);
  t.after(() => {
    // Should an open() of it still wait (the bug this guards against), this lets it go.
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // nobody was reading it
    }
  });
  return { dir, path };
}

/** startCli, killed after the test whatever happened. */
function cli(t: TestContext, args: string[]) {
  const started = startCli(args);
  t.after(() => started.child.kill('SIGKILL'));
  return started;
}

const lastLine = (r: CliResult) => r.stderr.trim().split('\n');

describe('ingest-tui: every source stops when asked', () => {
  it('--timeout ends a file source on a FIFO nobody writes to: timed-out, exit 1', { timeout: 20_000 }, async (t) => {
    const { dir } = fifoSource(t);
    const r = await cli(t, ['--sources', dir, '--json', '--sink', 'none', '--timeout', '500ms']).result;
    assert.equal(r.code, 1, r.stderr);
    const summary = parseEvents(r.stdout).at(-1)!;
    assert.deepEqual([summary.sources[0].state, summary.sources[0].error], ['timed-out', 'timed out after 500ms']);
  });

  it('--deadline cancels it: exit 0', { timeout: 20_000 }, async (t) => {
    const { dir } = fifoSource(t);
    const r = await cli(t, ['--sources', dir, '--json', '--sink', 'none', '--deadline', '500ms']).result;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseEvents(r.stdout).at(-1)!.sources[0].state, 'cancelled');
  });

  it('SIGTERM while it waits: drained, exit 143', { timeout: 20_000 }, async (t) => {
    const { dir } = fifoSource(t);
    const run = cli(t, ['--sources', dir, '--json', '--sink', 'none']);
    await run.waitFor(/"type":"source-start"/);
    run.child.kill('SIGTERM');
    const r = await run.result;
    assert.deepEqual([r.code, r.signal], [143, null], r.stderr);
    assert.match(r.stderr, /SIGTERM: drained, outputs flushed and closed/);
  });
});

describe('ingest-tui: --sources must be small regular files', () => {
  it('a character device or a FIFO is refused with one line, exit 2', { timeout: 20_000 }, async (t) => {
    const r = await cli(t, ['--sources', '/dev/zero', '--no-ui']).result;
    assert.deepEqual([r.code, lastLine(r)], [2, ['ingest-tui: /dev/zero: a character device, not a regular file']]);
    const { path } = fifoSource(t);
    const f = await cli(t, ['--sources', path, '--no-ui']).result;
    assert.equal(f.code, 2);
    assert.match(f.stderr, /^ingest-tui: .*f: a FIFO, not a regular file\n$/);
  });

  it('a source file (or ingest.json) past 8 MB is refused, exit 2', { timeout: 20_000 }, async (t) => {
    const dir = writeFiles(tempDir(), { 'ingest.json': `{"concurrency": 2${' '.repeat(8e6)}}` });
    const r = await cli(t, ['--sources', dir, '--no-ui']).result;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ingest-tui: .*ingest\.json: larger than 8 MB \(a source file describes sources; "count" makes many of one\)\n$/);
  });
});
