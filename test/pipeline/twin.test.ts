import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { onlyBundledTwin, portableTwin, recordedProgram, replayedProgram } from '../../src/pipeline/twin.js';
import { packageRoot } from '../../src/util/package-paths.js';

const gather = join(packageRoot, 'fixtures/lecture/01-gather/twin.py');

describe('a twin in a recording', () => {
  it('a bundled scene is recorded by its place in the package, anything else as it is', () => {
    assert.equal(recordedProgram(gather), 'fixtures/lecture/01-gather/twin.py');
    assert.equal(recordedProgram('/home/me/scenes/mine/twin.py'), '/home/me/scenes/mine/twin.py');
  });

  it('replayed, a bundled scene runs from this package, wherever it was recorded', () => {
    assert.equal(replayedProgram('fixtures/lecture/01-gather/twin.py'), gather);
    assert.equal(replayedProgram('/elsewhere/checkout/fixtures/lecture/01-gather/twin.py'), gather);
    assert.equal(replayedProgram(gather), gather);
  });

  it('replayed, nothing outside the bundled scenes and nothing but a twin.py is run', () => {
    for (const hostile of [
      '/home/me/scenes/mine/twin.py',
      '/tmp/evil.py',
      'fixtures/../../../../etc/twin.py',
      '/x/fixtures/../../tmp/twin.py',
      'fixtures/lecture/01-gather/ingest.json',
      'fixtures/lecture/01-gather/twin.py/../../../../../bin/sh',
    ]) {
      assert.equal(replayedProgram(hostile), undefined, hostile);
    }
  });
});

const lesson = (program: string) => ({ lesson: { title: 't', js: 'j', asyncio: 'a', takeaway: 'k', twin: { program, recorded: ['out'] } } });

describe("a lesson's twin from a recording or a control socket", () => {
  it("lets y run only a bundled scene's twin, whatever program the run names", () => {
    assert.equal(onlyBundledTwin(lesson('/home/someone/evil.py')).lesson.twin.program, '');
    assert.equal(onlyBundledTwin(lesson('/x/fixtures/../../evil/twin.py')).lesson.twin.program, '');
    const bundled = onlyBundledTwin(lesson('/elsewhere/fixtures/lecture/01-gather/twin.py')).lesson.twin.program;
    assert.match(bundled, /fixtures\/lecture\/01-gather\/twin\.py$/);
    assert.ok(existsSync(bundled));
    assert.deepEqual(onlyBundledTwin(lesson('/a/b.py')).lesson.twin.recorded, ['out'], 'its recorded output still shows');
  });

  it('records a bundled twin by its place in the package; a lesson without a twin is left as it is', () => {
    assert.equal(portableTwin(lesson(gather)).lesson.twin.program, 'fixtures/lecture/01-gather/twin.py');
    const bare = { lesson: { title: 't', js: 'j', asyncio: 'a', takeaway: 'k' } };
    assert.equal(portableTwin(bare), bare);
    assert.equal(onlyBundledTwin(bare), bare);
  });
});
