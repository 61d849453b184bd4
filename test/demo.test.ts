import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/cli.js';

/**
 * The README's pictures (npm run demo, scripts/demo.mjs) are replays of the committed recordings
 * in docs/demo/. A change to the events that the current build no longer plays, or plays as
 * another scene, fails here instead of leaving the README with pictures nobody can remake.
 */
const recording = (name: string) => fileURLToPath(new URL(`../docs/demo/${name}.events.ndjson`, import.meta.url));

async function replay(name: string) {
  const r = await runCli(['--replay', recording(name), '--no-ui']);
  assert.equal(r.code, 0, r.stderr);
  /** A source's row of the summary table: its state and its error, if any. */
  const row = (source: string) => r.stdout.split('\n').find((line) => line.startsWith(`${source} `));
  return { ...r, row };
}

describe('the demo recordings replay with the current build', () => {
  it('01-gather: three fetches at once, 1.0 s instead of 2.3 s', async () => {
    const r = await replay('01-gather');
    assert.match(r.stderr, /lesson: 01 · gather: three fetches at once · Promise\.all ↔ asyncio\.gather/);
    assert.match(r.stdout, /^states {3}3 done · 0 failed · 0 timed out · 0 cancelled$/m);
    assert.match(r.stdout, /^time {5}wall 1\.0\ds · busy 2\.3\ds · speedup 2\.\d\d× · concurrency 3$/m);
    for (const source of ['fetch-1.0s', 'fetch-0.5s', 'fetch-0.8s']) assert.match(r.row(source) ?? '', /^\S+ +done /, source);
    // In the order they finished: the shortest first.
    const ends = [...r.stderr.matchAll(/✔ (fetch-\S+) done/g)].map((m) => m[1]);
    assert.deepEqual(ends, ['fetch-0.5s', 'fetch-0.8s', 'fetch-1.0s']);
  });

  it('02-wait-timeout: two jobs done, the straggler cancelled at the deadline after its cleanup', async () => {
    const r = await replay('02-wait-timeout');
    assert.match(r.stderr, /lesson: 02 · wait with a timeout, cancel the straggler/);
    assert.match(r.stdout, /^states {3}2 done · 0 failed · 0 timed out · 1 cancelled$/m);
    assert.match(r.stdout, /^time {5}wall 1\.3\ds · .* · stopped by deadline$/m);
    assert.match(r.row('job-2.0s') ?? '', /^job-2\.0s +cancelled .* cancelled at the run deadline$/);
    assert.match(r.row('job-0.5s') ?? '', /^job-0\.5s +done /);
    assert.match(r.row('job-1.0s') ?? '', /^job-1\.0s +done /);
    assert.match(r.stderr, /job-2\.0s: cleaning up after: cancelled at the run deadline\n.*job-2\.0s: cleanup done\n.*⊘ job-2\.0s cancelled/);
  });
});
