import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEvents, runCli } from '../helpers/cli.js';
import { mountTmpfs } from '../helpers/mount.js';
import { tempDir, treeOf, writeFiles } from '../helpers/temp.js';

describe('--record and --replay', () => {
  it('a replay reproduces the recorded events and the same final summary, at the original pace', async () => {
    const dir = writeFiles(tempDir(), {
      'a.json': [
        { name: 'a', kind: 'simulated', chunks: 4, recordsPerChunk: 3, latency: '50ms' },
        { name: 'b', kind: 'simulated', chunks: 4, recordsPerChunk: 3, latency: '50ms', failAt: 2 },
      ],
    });
    const recording = join(dir, 'run.ndjson');
    const live = await runCli(['--sources', dir, '--json', '--sink', 'none', '--record', recording]);
    assert.equal(live.code, 1);
    assert.equal(readFileSync(recording, 'utf8'), live.stdout, 'the recording is the --json stream');

    const t0 = performance.now();
    const replay = await runCli(['--replay', recording, '--json']);
    const elapsed = performance.now() - t0;
    assert.equal(replay.code, 1, 'the replay exits as the run did');
    assert.deepEqual(parseEvents(replay.stdout), parseEvents(live.stdout));
    const summary = parseEvents(replay.stdout).at(-1)!;
    assert.ok(elapsed >= summary.wallMs, `played at the original pace (${Math.round(elapsed)}ms ≥ ${summary.wallMs}ms)`);
  });

  it('--record onto the --replay file (or a link to it) is refused: the recording stays whole', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': { name: 'a', kind: 'simulated', chunks: 2, recordsPerChunk: 2, latency: '1ms' } });
    const recording = join(dir, 'run.ndjson');
    assert.equal((await runCli(['--sources', dir, '--json', '--sink', 'none', '--record', recording])).code, 0);
    const before = readFileSync(recording, 'utf8');
    symlinkSync(recording, join(dir, 'link.ndjson'));
    for (const record of ['run.ndjson', 'link.ndjson']) {
      const r = await runCli(['--replay', 'run.ndjson', '--json', '--record', record], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `ingest-tui: --record ${record}: would overwrite ${record}, which --replay plays\n`);
      assert.equal(r.stdout, '');
      assert.equal(readFileSync(recording, 'utf8'), before);
    }
  });

  it('a broken recording is refused with the file and line', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, '{"type":"run-start","t":0,"concurrency":1,"sink":"none","sources":[]}\nnot json\n');
    const r = await runCli(['--replay', file, '--no-ui']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.ndjson:2: not a JSON event/);
    const missing = await runCli(['--replay', join(dir, 'nope.ndjson'), '--no-ui']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.ndjson: no such file \(--replay\)/);
  });
});

describe('--record that cannot be written', () => {
  const sim = (name: string) => ({ name, kind: 'simulated', chunks: 2, recordsPerChunk: 3, latency: '1ms', badRecords: 0.3 });
  /** A finished run in --out, then the same run again with `record`: refused before --out changes. */
  async function refusedOverAFinishedRun(record: (dir: string) => string, pattern: RegExp) {
    const dir = writeFiles(tempDir(), { 'a.json': [sim('a'), sim('b')] });
    const out = join(dir, 'out');
    assert.equal((await runCli(['--sources', dir, '--out', out, '--no-ui'])).code, 0);
    const before = treeOf(out);
    assert.ok(before['a.ndjson'] && before['.checkpoints/a.json'] && before['dead-letter.ndjson']);
    const r = await runCli(['--sources', dir, '--out', out, '--no-ui', '--record', record(dir)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '', 'the run did not start');
    assert.deepEqual(treeOf(out), before, "the last run's outputs and checkpoints are untouched");
  }

  it('in a directory that does not exist: one line, exit 2, --out untouched', async () => {
    await refusedOverAFinishedRun((dir) => join(dir, 'nope', 'r.ndjson'), /^ingest-tui: --record .*nope\/r\.ndjson: cannot write there \(ENOENT/);
  });

  it('a directory: one line, exit 2, --out untouched', async () => {
    await refusedOverAFinishedRun((dir) => {
      mkdirSync(join(dir, 'rec'));
      return join(dir, 'rec');
    }, /^ingest-tui: --record .*rec: cannot write there \(EISDIR/);
  });

  it('/dev/full: one line, exit 2, --out untouched', async (t) => {
    if (!existsSync('/dev/full')) return t.skip('no /dev/full here');
    await refusedOverAFinishedRun(() => '/dev/full', /^ingest-tui: --record \/dev\/full: cannot write there \(ENOSPC/);
  });

  it('a disk that fills up during the run: the run completes, then one line says the recording is incomplete, exit 1', async (t) => {
    const mnt = mountTmpfs(t, { size: '8k' });
    if (!mnt) return t.skip('cannot mount a tmpfs here (needs root)');
    const dir = writeFiles(tempDir(), { 'a.json': { name: 'a', kind: 'simulated', chunks: 200, recordsPerChunk: 1, latency: '1ms' } });
    const r = await runCli(['--sources', dir, '--sink', 'none', '--json', '--record', join(mnt, 'r.ndjson')]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(parseEvents(r.stdout).at(-1)!.type, 'summary', 'the run itself went to the end');
    assert.match(r.stderr, /^ingest-tui: --record .*r\.ndjson: cannot write \(ENOSPC.*\); the recording is incomplete$/m);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, 'no stack trace');
  });
});
