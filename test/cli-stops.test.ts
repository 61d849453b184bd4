// The built CLI stops when asked whatever its sources are blocked in. `npm run build` first.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parseEvents, startCli } from './helpers/cli.js';
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
