import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { localTwin } from '../../../src/cli/control/attach.js';

const lesson = (program: string) => ({ lesson: { title: 't', js: 'j', asyncio: 'a', takeaway: 'k', twin: { program, recorded: ['out'] } } });

describe('attach: what comes over the socket', () => {
  it("lets y run only a bundled scene's twin, whatever program the run names", () => {
    assert.equal(localTwin(lesson('/home/someone/evil.py')).lesson.twin.program, '');
    assert.equal(localTwin(lesson('/x/fixtures/../../evil/twin.py')).lesson.twin.program, '');
    const bundled = localTwin(lesson('/elsewhere/fixtures/lecture/01-gather/twin.py')).lesson.twin.program;
    assert.match(bundled, /fixtures\/lecture\/01-gather\/twin\.py$/);
    assert.ok(existsSync(bundled));
    assert.deepEqual(localTwin(lesson('/a/b.py')).lesson.twin.recorded, ['out'], 'its recorded output still shows');
  });
});
