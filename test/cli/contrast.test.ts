import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContrastFlags, runDefaultsSchema } from '../../src/pipeline/config.js';
import { runCli } from '../helpers/cli.js';

const lesson = (contrast: unknown) => ({ lesson: { title: 't', js: 'j', asyncio: 'a', takeaway: 'k', focus: 'overlap', contrast } });

describe("a lesson's contrast (--contrast)", () => {
  it('takes only the whitelisted flags: -c N, --concurrency N, --offload, --buffer-all', () => {
    assert.deepEqual(parseContrastFlags(['-c', '1']), { concurrency: 1 });
    assert.deepEqual(parseContrastFlags(['--offload', '--buffer-all']), { offload: true, bufferAll: true });
    assert.match((parseContrastFlags(['--out', '/etc']) as { error: string }).error, /"--out" is not a contrast flag/);
    assert.match((parseContrastFlags(['-c', 'x']) as { error: string }).error, /-c needs a whole number/);
    assert.match((parseContrastFlags(['-c']) as { error: string }).error, /-c needs a whole number/);
    const bad = runDefaultsSchema.safeParse(lesson({ flags: ['--sink', 'postgres'], main: 'a', label: 'b' }));
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error!.issues[0]!.path, ['lesson', 'contrast', 'flags']);
    assert.equal(runDefaultsSchema.safeParse(lesson({ flags: ['-c', '1'], main: 'a', label: 'b', extra: 1 })).success, false, 'unknown fields refused');
    assert.equal(runDefaultsSchema.safeParse(lesson({ flags: ['-c', '1'], main: 'together', label: 'one at a time' })).success, true);
  });

  it('--contrast needs a lesson with one, and is refused with --json (its last line stays the summary)', async () => {
    const none = await runCli(['--sources', 'fixtures/lecture/02-wait-timeout', '--contrast', '--no-ui', '--sink', 'none'], { cwd: process.cwd() });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--contrast: .* has no "lesson": \{"contrast"/);
    const json = await runCli(['--sources', 'fixtures/lecture/01-gather', '--contrast', '--json', '--sink', 'none'], { cwd: process.cwd() });
    assert.equal(json.code, 2);
    assert.match(json.stderr, /--contrast draws both ways for people/);
  });

  it("--no-ui: 01 then runs one at a time, after the summary: 2.3 s against the run's 1.0 s", async () => {
    const r = await runCli(['--sources', 'fixtures/lecture/01-gather', '--contrast', '--no-ui', '--sink', 'none'], { cwd: process.cwd() });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    const running = lines.findIndex((l) => /contrast, one at a time: running the other way/.test(l));
    const done = lines.findIndex((l) => /contrast, one at a time: wall 2\.3\ds/.test(l));
    assert.ok(running >= 0 && done > running, r.stderr);
    assert.match(r.stdout, /wall 1\.0\ds/, 'the run itself, together');
  });
});
