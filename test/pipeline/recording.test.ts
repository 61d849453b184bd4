import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEvents, runCli } from '../helpers/cli.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

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
