import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { recordedProgram, replayedProgram } from '../../src/pipeline/twin.js';
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
