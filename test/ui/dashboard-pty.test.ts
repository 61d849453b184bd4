import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { runInTerminal, tmuxAvailable } from '../helpers/tmux.js';

// `.ci/run` installs tmux; elsewhere these tests need it too, and say so when it is missing.
const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install tmux)';
const many = fileURLToPath(new URL('../../fixtures/many', import.meta.url));
const gather = fileURLToPath(new URL('../../fixtures/lecture/01-gather', import.meta.url));

/** Five slow sources, two at a time: long enough to press keys while they run. */
function slowSources() {
  return writeFiles(tempDir(), {
    'slow.json': { name: 'slow', kind: 'simulated', count: 5, chunks: 60, recordsPerChunk: 5, latency: '100ms' },
    'ingest.json': { concurrency: 2, sink: 'none' },
  });
}

/** No line past the last-but-one row, the header still on the first: nothing scrolled (ink#359). */
function assertFitsScreen(lines: string[], rows: number) {
  assert.equal(lines.length, rows, 'capture-pane shows the whole screen');
  assert.match(lines[0]!, /^ingest-tui/, `the header is on the first row:\n${lines.join('\n')}`);
  assert.equal(lines.at(-1)!.trim(), '', `the last row stays free:\n${lines.join('\n')}`);
  assert.equal(lines.filter((l) => l.startsWith('ingest-tui')).length, 1, `no copies of earlier frames left behind:\n${lines.join('\n')}`);
}

describe('dashboard in a real terminal (tmux)', { skip }, () => {
  it("shows the run, obeys c, +, p and ? and says the run's answers, and q stops gracefully with exit 0", async () => {
    const term = runInTerminal(['--sources', slowSources()], { columns: 100, rows: 30 });
    await term.waitForScreen(/5 sources: ▶ 2 running · 3 queued/);
    assertFitsScreen(await term.settledScreen(), 30);
    const text = term.text();
    assert.match(text, /elapsed .* busy .* speedup/);
    assert.match(text, /event-loop lag p99/);
    assert.match(text, /↑↓ select · c cancel/);

    term.keys('Down', 'c');
    await term.waitForScreen(/cancelled slow-0001/); // the run's answer, in the footer
    await term.waitForScreen(/⊘ slow-0001 .*cancelled by user/);
    term.keys('c');
    await term.waitForScreen(/slow-0001 is not running: only running sources can be cancelled/);
    term.keys('+');
    await term.waitForScreen(/concurrency now 3/);
    await term.waitForScreen(/concurrency 3 · 3 running/);
    term.keys('p');
    await term.waitForScreen(/⏸ paused/);
    term.keys('p');
    await term.waitForScreen(/▶ running {2}/);
    assertFitsScreen(await term.settledScreen(), 30);
    term.keys('?');
    await term.waitForScreen(/Keys\n {2}↑ \/ ↓/);
    term.keys('?');
    await term.waitForScreen(/slow-0002/);

    term.keys('q');
    assert.equal(await term.exitCode(), 0);
    await term.waitForScreen(/stopped by quit/);
    const after = term.text();
    assert.match(after, /states\s+1 done · 0 failed · 0 timed out · 4 cancelled|states\s+0 done · 0 failed · 0 timed out · 5 cancelled/);
    assert.doesNotMatch(after, /↑↓ select/, 'the dashboard made way for the summary');
    assert.deepEqual(term.terminalRestored(), { canonical: true, echo: true, cursorVisible: true });
  });

  it('Ctrl-C stops gracefully and exits 130; the drain receipt follows the summary on a clean screen', async () => {
    const term = runInTerminal(['--sources', slowSources()], { columns: 80, rows: 24 });
    await term.waitForScreen(/slow-0001 .*\d+ms|slow-0001 .*\ds/);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 130);
    await term.waitForScreen(/stopped by SIGINT/);
    await term.waitForScreen(/drain receipt · SIGINT: drained/);
    const after = term.text();
    assert.ok(after.indexOf('stopped by SIGINT') < after.indexOf('drain receipt'), after);
    assert.doesNotMatch(after, /↑↓ select/, 'no torn dashboard frame left behind');
    assert.deepEqual(term.terminalRestored(), { canonical: true, echo: true, cursorVisible: true });
  });

  it('1,000 sources at 80x24 and after a resize to 60x15: the frame stays inside the screen', async () => {
    const term = runInTerminal(['--sources', many], { columns: 80, rows: 24 });
    await term.waitForScreen(/1,000 sources: .* of 1,000 shown/);
    for (let i = 0; i < 4; i++) {
      assertFitsScreen(await term.settledScreen(), 24);
      await new Promise((r) => setTimeout(r, 150));
    }
    term.resize(60, 15);
    await new Promise((r) => setTimeout(r, 300));
    await term.waitForScreen(/1,000 sources:/);
    const small = await term.settledScreen();
    assertFitsScreen(small, 15);
    for (const line of small) assert.ok([...line].length <= 60);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 130);
  });

  it('--replay plays a recording in the dashboard; q stops it (exit 0), other run keys are inert', async () => {
    const dir = slowSources();
    const recording = join(dir, 'run.ndjson');
    const recorded = await runCli(['--sources', dir, '--no-ui', '--deadline', '2s', '--record', recording]);
    assert.equal(recorded.code, 0, recorded.stderr);
    const term = runInTerminal(['--replay', recording], { columns: 100, rows: 30 });
    await term.waitForScreen(/ingest-tui \(replay\)[\s\S]*replay · ↑↓ select · p pause · → step · t timeline · l lesson · q quit · \? help/);
    term.keys('+');
    await term.waitForScreen(/the concurrency of a replay is what was recorded/);
    assert.match(term.text(), /concurrency 2 ·/);
    term.keys('p');
    await term.waitForScreen(/⏸ paused/);
    term.keys('q');
    assert.equal(await term.exitCode(), 0);
    assert.deepEqual(term.terminalRestored(), { canonical: true, echo: true, cursorVisible: true });
  });

  it('01-gather live: opens on the timeline; t and l switch views; the timeline stays above the summary', async () => {
    // Five times slower than the lecture's 1 s (--slowmo), so there is time to press keys during the run.
    const term = runInTerminal(['--sources', gather, '--slowmo', '5', '--sink', 'none'], { columns: 120, rows: 40 });
    await term.waitForScreen(/timeline {2}░ queued[\s\S]* fetch-1\.0s │█+ *│/);
    assertFitsScreen(await term.settledScreen(), 40);
    assert.match(term.text(), /wall [\d.]+m?s · busy [\d.]+m?s · speedup \d\.\d\d× · lecture [\d.]+ s vs [\d.]+ s/);
    term.keys('t');
    await term.waitForScreen(/source\s+progress\s+records/);
    term.keys('l');
    await term.waitForScreen(/Lesson 01 · gather: three fetches at once/);
    const lesson = term.text();
    assert.match(lesson, /JavaScript Promise\.all {2}↔ {2}asyncio asyncio\.gather/);
    assert.match(lesson, /const results = await Promise\.all\(\[ +│ results = await asyncio\.gather\(/);
    assert.match(lesson, /src\/sources\/simulated\.ts · fetch-1\.0s ▶ running, a simulated source/);
    assert.match(lesson, /\d+ › +await sleep\(cfg\.latency/);
    assertFitsScreen(await term.settledScreen(), 40);
    term.keys('t');
    await term.waitForScreen(/✔ fetch-0\.5s │█+✔ +│/);
    // The scene's end stays open, on the view that was open, until q.
    await term.waitForScreen(/the end · t timeline · l lesson · \? help · q leave/);
    assert.match(term.text(), /timeline {2}░ queued/);
    term.keys('q');
    assert.equal(await term.exitCode(), 0);
    await term.waitForScreen(/states\s+3 done/);
    const after = term.text();
    assert.match(after, /✔ fetch-1\.0s │█+✔│ +5\.\d\ds\n ✔ fetch-0\.5s │█+✔ +│ +2\.\d\ds\n ✔ fetch-0\.8s │█+✔ +│ +4\.\d\ds/, after);
    // A lecture scene: its caption and timeline, then the totals, in place of the per-source table.
    assert.match(after, /» 1\.0 s instead of 2\.3 s \(3 fetches at once\)/);
    assert.ok(after.indexOf('fetch-0.5s │') < after.search(/states\s+3 done/), 'the timeline, then the totals');
    assert.doesNotMatch(after, /source\s+state\s+chunks/);
    assert.doesNotMatch(after, /↑↓ select/);
  });

  it('plain lines instead of the dashboard with --no-ui, --ui plain, in CI and on TERM=dumb', async () => {
    const dir = writeFiles(tempDir(), { 'a.json': { name: 'quick', kind: 'simulated', chunks: 2, latency: '10ms' } });
    const runs = [
      runInTerminal(['--sources', dir, '--no-ui', '--sink', 'none']),
      runInTerminal(['--sources', dir, '--ui', 'plain', '--sink', 'none']),
      runInTerminal(['--sources', dir, '--sink', 'none'], { env: { CI: 'true' }, keepCi: true }),
      runInTerminal(['--sources', dir, '--sink', 'none'], { env: { TERM: 'dumb' } }),
    ];
    for (const run of runs) {
      assert.equal(await run.exitCode(), 0);
      const text = run.text();
      assert.match(text, /\[\s+0\.\d\ds\] ingest-tui: 1 source /);
      assert.doesNotMatch(text, /↑↓ select/);
    }
  });
});
