import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp.js';

const interrupt = fileURLToPath(new URL('../../src/cli/interrupt.ts', import.meta.url));

/**
 * A Node process that calls leave(code, now) after `before` ran; resolves with how it ended.
 * Killed after the test whatever happened.
 */
function leaveIn(t: TestContext, before: string, code: number, atLeave = '') {
  const script = join(tempDir(), 'leave.mts');
  writeFileSync(
    script,
    `import { readFile } from 'node:fs';\nimport { leave, threadpoolBusy } from ${JSON.stringify(interrupt)};\n${before}\nsetTimeout(() => { ${atLeave}; console.log('busy', threadpoolBusy()); leave(${code}, true); }, 200);\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout })),
  );
}

describe('leave', () => {
  it('leaves with the code when nothing holds the threadpool, or once what it does is done', { timeout: 20_000 }, async (t) => {
    assert.deepEqual(await leaveIn(t, '', 143), { code: 143, signal: null, stdout: 'busy false\n' });
    const file = join(tempDir(), 'small');
    writeFileSync(file, 'x'.repeat(100_000));
    assert.deepEqual(await leaveIn(t, '', 130, `readFile(${JSON.stringify(file)}, () => {})`), { code: 130, signal: null, stdout: 'busy true\n' });
  });

  // process.exit() joins the threadpool's threads first; one blocked in open() of a FIFO that
  // nobody writes to would hold it for ever.
  it('leaves at once even while a threadpool thread is blocked: by the signal itself', { timeout: 20_000 }, async (t) => {
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    t.after(() => {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)); // let a blocked open() go
      } catch {
        // nobody was reading it
      }
    });
    assert.deepEqual(await leaveIn(t, `readFile(${JSON.stringify(fifo)}, () => {});`, 143), { code: null, signal: 'SIGTERM', stdout: 'busy true\n' });
    assert.deepEqual(await leaveIn(t, `readFile(${JSON.stringify(fifo)}, () => {});`, 130), { code: null, signal: 'SIGINT', stdout: 'busy true\n' });
  });
});
