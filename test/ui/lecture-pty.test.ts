import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runInTerminal, type TerminalRun, tmuxAvailable } from '../helpers/tmux.js';

// The lecture's six scenes through the built CLI in a real 80x24 terminal: each shows its point
// and its caption, and leaves a final picture that fits the screen without a wrapped line.
const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install tmux)';
const scene = (dir: string) => fileURLToPath(new URL(`../../fixtures/lecture/${dir}`, import.meta.url));

/**
 * The scene's end: the dashboard stays on its final picture (inside the screen, its last row free)
 * until q; then the screen once the CLI has exited (exit code checked), trailing blank rows dropped.
 */
async function finalScreen(term: TerminalRun, code = 0, timeoutMs = 30_000): Promise<string[]> {
  await term.waitForScreen(/the end · t timeline · l lesson · \? help · q leave/, timeoutMs);
  const open = await term.settledScreen();
  assert.equal(open.length, 24);
  assert.equal(open.at(-1)!.trim(), '', `the last row stays free:\n${open.join('\n')}`);
  assert.match(open.join('\n'), /^Lesson /m, 'the final picture, title first');
  term.keys('q');
  assert.equal(await term.exitCode(timeoutMs), code);
  const lines = await term.settledScreen();
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  return lines;
}

/**
 * The final picture is all on the 24 rows (its title on screen, the totals' last line too), and no
 * line was wrapped by the terminal: joining wrapped rows (capture-pane -J) changes nothing.
 */
function assertFinalPicture(term: TerminalRun, lines: string[], title: RegExp) {
  const text = lines.join('\n');
  assert.ok(lines.length <= 23, `${lines.length} rows:\n${text}`);
  assert.ok(
    lines.some((l) => title.test(l)),
    `the title on screen:\n${text}`,
  );
  assert.match(lines.at(-1)!, /^memory +peak RSS/, `the totals end the picture:\n${text}`);
  const joined = term
    .text()
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => l.trimEnd());
  assert.deepEqual(
    joined.slice(-lines.length),
    lines.map((l) => l.trimEnd()),
    'no line wrapped',
  );
  assert.doesNotMatch(text, /↑↓|sources: ▶|source +state +chunks/, 'the dashboard and the per-source table made way for the picture');
}

const captionOf = (lines: string[]) => lines.find((l) => l.startsWith('» '))?.slice(2);

describe('the lecture at 80x24 (tmux, built CLI)', { skip }, () => {
  it("the end of a scene stays open: t, l and ? still work on it, p is refused, q leaves with the run's code", async () => {
    const term = runInTerminal(['--sources', scene('03-async-with'), '--sink', 'none'], { columns: 80, rows: 24 });
    await term.waitForScreen(/the end · t timeline/, 30_000);
    // Still open a moment later: it waits for q, it does not close by itself.
    await new Promise((r) => setTimeout(r, 700));
    assert.match(term.text(), /the end · t timeline/);
    term.keys('t');
    await term.waitForScreen(/timeline {2}░ queued[\s\S]*3 sources: [\s\S]*the end/);
    term.keys('l');
    await term.waitForScreen(/JavaScript await using \+ for await {2}↔ {2}asyncio async with \+ async for/);
    term.keys('?');
    await term.waitForScreen(/Keys\n {2}↑ \/ ↓/);
    term.keys('p');
    await term.waitForScreen(/the run is over: q leaves/);
    term.keys('Escape');
    await term.waitForScreen(/^Lesson 03 · async with[\s\S]*the end/m);
    term.keys('q');
    assert.equal(await term.exitCode(), 1, "ledger failed: the run's exit code, not q's");
    const lines = await term.settledScreen();
    assert.doesNotMatch(lines.join('\n'), /the end · t timeline/, 'the footer went with the dashboard');
    assert.ok(
      lines.some((l) => /^Lesson 03 · async with/.test(l)),
      'the final picture stays on screen',
    );
    assert.deepEqual(term.terminalRestored(), { canonical: true, echo: true, cursorVisible: true });
  });

  it("Ctrl-C at the end leaves too, with the run's exit code (0), and a run stopped by q during it does not wait", async () => {
    const term = runInTerminal(['--sources', scene('01-gather'), '--sink', 'none'], { columns: 80, rows: 24 });
    await term.waitForScreen(/the end · t timeline/);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 0);
    const quit = runInTerminal(['--sources', scene('01-gather'), '--slowmo', '10', '--sink', 'none'], { columns: 80, rows: 24 });
    await quit.waitForScreen(/fetch-1\.0s │█/);
    quit.keys('q');
    assert.equal(await quit.exitCode(), 0);
  });

  it('01 --contrast: then one at a time, both on one time axis: "1.0 s together · 2.3 s one at a time"; q stops a contrast that runs', async () => {
    const term = runInTerminal(['--sources', scene('01-gather'), '--sink', 'none', '--contrast'], { columns: 80, rows: 24 });
    await term.waitForScreen(/now the other way: one at a time… · q stops it and leaves/);
    const lines = await finalScreen(term);
    // Measured walls, so bounded from below only (a timer never fires early): ≥ the longest fetch, ≥ the sum.
    const [, together, apart] = /^(\d+\.\d) s together · (\d+\.\d) s one at a time$/.exec(captionOf(lines)!)!.map(Number);
    assert.ok(together! >= 1.0 && apart! >= 2.3 && together! < apart!, captionOf(lines));
    const text = lines.join('\n');
    assert.match(text, /together \(this run\)\n ✔ fetch-1\.0s │█+✔ +│[\s\S]*wall \d+\.\d s\none at a time \(-c 1\)/);
    // One axis for both: together ends where one at a time's first fetch ends; the others wait ░ first.
    const ours = /together \(this run\)\n ✔ fetch-1\.0s │(█+✔)/.exec(text)![1]!;
    const theirs = /one at a time \(-c 1\)\n ✔ fetch-1\.0s │(█+✔)/.exec(text)![1]!;
    assert.ok(Math.abs(ours.length - theirs.length) <= 1, `the same 1 s on the same axis:\n${text}`);
    assert.match(text, / ✔ fetch-0\.8s │░{20,}█+✔│/, "one at a time: the last fetch waits, then ends at the axis's end");
    assert.match(text, new RegExp(`wall ${apart!.toFixed(1).replace('.', '\\.')} s`));

    const stopped = runInTerminal(['--sources', scene('01-gather'), '--sink', 'none', '--contrast', '--slowmo', '5'], { columns: 80, rows: 24 });
    await stopped.waitForScreen(/now the other way: one at a time/, 20_000);
    stopped.keys('q');
    assert.equal(await stopped.exitCode(), 0, "the run's exit code");
    assert.deepEqual(stopped.terminalRestored(), { canonical: true, echo: true, cursorVisible: true });
  });

  it('01 gather at --slowmo 3: three lanes at once, and the caption still says lecture time: 1.0 s instead of 2.3 s', async () => {
    const term = runInTerminal(['--sources', scene('01-gather'), '--slowmo', '3', '--sink', 'none'], { columns: 80, rows: 24 });
    const live = (await term.waitForScreen(/» 3 fetches at once · [\d.]+ s so far/)).join('\n');
    assert.match(live, /elapsed [\d.]+m?s \(lecture [\d.]+ s\)/, 'lecture time next to run time');
    const lines = await finalScreen(term);
    assertFinalPicture(term, lines, /^Lesson 01 · gather/);
    assert.match(captionOf(lines)!, /^1\.0 s instead of 2\.3 s \(3 fetches at once\)$/);
    const text = lines.join('\n');
    assert.match(
      text,
      /✔ fetch-1\.0s │█+✔│ +3\.\d\ds\n ✔ fetch-0\.5s │█+✔ +│ +1\.\d\ds\n ✔ fetch-0\.8s │█+✔ +│ +2\.\d\ds/,
      'all three start together and end at 0.5, 0.8, 1.0 of the axis',
    );
    assert.match(text, /· lecture 1\.0 s vs 2\.3 s/);
  });

  it('02 wait with a timeout: the straggler is cancelled at its await, cleans up (▒) and re-raises; the others end at their own times', async () => {
    const term = runInTerminal(['--sources', scene('02-wait-timeout'), '--sink', 'none'], { columns: 80, rows: 24 });
    // The lesson's key moment: the run stands still as the deadline hits, the cancellation landed, the cleanup begun.
    await term.waitForScreen(/⏸ paused[\s\S]*» ⏸ the deadline: cancel\(\) lands at job-2\.0s's await[\s\S]*▶ job-2\.0s │█+▒│[\s\S]*paused/);
    const elapsed = () => /elapsed ([\d.]+m?s)/.exec(term.text())?.[1];
    const at = elapsed();
    assert.match(at ?? '', /^1\.\d\ds$/, 'paused at the 1.2 s deadline (or a little after it, on a busy machine)');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(elapsed(), at, 'the clock on screen stands still too');
    term.keys('p');
    const lines = await finalScreen(term);
    assertFinalPicture(term, lines, /^Lesson 02 · wait with a timeout/);
    assert.equal(captionOf(lines), 'job-2.0s cancelled at its await (chunk 3 of 4) → cleanup → re-raised');
    const text = lines.join('\n');
    assert.match(text, /⊘ job-2\.0s │░?█+▒+⊘│/); // ░: a cell of waiting, when its start rounds into the second cell
    assert.match(text, /✔ job-0\.5s │░?█+✔ +┆ +│/);
    assert.doesNotMatch(text, /job-[01]\.[05]s │[^\n]*▒/, 'only the cancelled job cleans up');
    assert.match(text, /deadline at 1\.2\ds · cleanup ▒ 1\d\dms, then re-raised/);
    assert.match(text, /job-2\.0s cleaning up after: cancelled at the run deadline\n.*job-2\.0s cleanup done/);
  });

  it('02 with a c cancel instead of the deadline: the cancelled lane cleans up (▒) all the same', async () => {
    // Four times slower, so that job-2.0s is still waiting when c arrives; the deadline stretches with it.
    const term = runInTerminal(['--sources', scene('02-wait-timeout'), '--slowmo', '4', '--sink', 'none'], { columns: 80, rows: 24 });
    // Its lane well under way (the first frame shows it at 0, before the run's clock starts).
    await term.waitForScreen(/▶ job-2\.0s │█{6,}/);
    term.keys('Down', 'c');
    await term.waitForScreen(/» job-2\.0s cancelled by c at its await \(chunk \d of 4\)/);
    const lines = await finalScreen(term);
    assertFinalPicture(term, lines, /^Lesson 02/);
    assert.match(captionOf(lines)!, /^job-2\.0s cancelled by c at its await \(chunk [12] of 4\) → cleanup → re-raised$/);
    assert.match(lines.join('\n'), /⊘ job-2\.0s │░?█+▒+⊘ +│/, 'cleanup drawn though the run never stopped');
  });

  it('03 async with: connect, rows and close as phases, and each connection closed on success, failure and cancel', async () => {
    const term = runInTerminal(['--sources', scene('03-async-with'), '--sink', 'none'], { columns: 80, rows: 24 });
    const lines = await finalScreen(term, 1); // ledger's query failed: exit 1
    assertFinalPicture(term, lines, /^Lesson 03 · async with/);
    assert.equal(captionOf(lines), '3 connections: each closed (done, failed, cancelled)');
    const text = lines.join('\n');
    for (const name of ['warehouse', 'ledger', 'archive']) assert.match(text, new RegExp(`[✔✖⊘] ${name} +│▂+█+▒+[✔✖⊘]`), `${name}: connect, rows, close`);
    assert.match(text, /✔ warehouse +opened +\d+ms → +150 rows → closed +[\d.]+s ✔ +done/);
    // Closed at about 1 s: 995 ms or 1.00s, as the run's time falls.
    assert.match(text, /✖ ledger +opened +\d+ms → +50 rows → closed +(?:\d+ms|[\d.]+s) ✔ +query failed at row 60/);
    assert.match(text, /⊘ archive +opened +\d+ms → +\d+ rows → closed +[\d.]+s ✔ +cancelled \(deadline\)/);
  });

  it('04 streaming: 1 GB through at flat memory on a 0–512 MB scale; the caption says how much at what growth', async () => {
    const term = runInTerminal(['--sources', scene('04-streaming')], { columns: 80, rows: 24 });
    const lines = await finalScreen(term, 0, 60_000);
    assertFinalPicture(term, lines, /^Lesson 04 · streaming/);
    const [, grown, unit] = /^1\.13 GB streamed at \+([\d.]+) (MB|kB)$/.exec(captionOf(lines)!) ?? [];
    assert.ok(grown, captionOf(lines));
    assert.ok(unit === 'kB' || Number(grown) < 200, `streaming grows by less than 200 MB: +${grown} ${unit}`);
    const memory = lines.find((l) => l.startsWith('memory 0–'))!;
    const levels = [...(/^memory 0–512 MB │([▁▂▃▄▅▆▇█]+) *│/.exec(memory)?.[1] ?? '')].map((bar) => '▁▂▃▄▅▆▇█'.indexOf(bar));
    assert.ok(levels.length > 2, memory);
    const after = levels.slice(2); // past start-up
    assert.ok(Math.max(...after) - Math.min(...after) <= 1, `flat: ${memory}`);
    // Low on its fixed scale: up to 192 MB (▃). Node 24's V8 lets the young generation grow 4× as
    // large (--scavenger-max-new-space-capacity-mb 32 instead of 8): a plateau ~100 MB higher that
    // is V8's nursery, not data held (with --max-semi-space-size=8 the run peaks where Node 22's does).
    const top = Number(process.versions.node.split('.')[0]) >= 24 ? 4 : 2;
    assert.ok(Math.max(...levels) <= top, `low on its fixed scale (at most ${'▁▂▃▄▅▆▇█'[top]}): ${memory}`);
    assert.doesNotMatch(lines.join('\n'), /awaiting its I\/O/);
  });

  it('05 blocking: ▓ where pdf-render holds the loop, ─ where the tickers are frozen, the lag history on 0–300 ms', async () => {
    const term = runInTerminal(['--sources', scene('05-blocking')], { columns: 80, rows: 24 });
    const lines = await finalScreen(term);
    assertFinalPicture(term, lines, /^Lesson 05 · a blocking call/);
    const [, lag] = /^lag (\d+) ms: one blocking call froze every task$/.exec(captionOf(lines)!) ?? [];
    assert.ok(Number(lag) >= 200, captionOf(lines));
    const text = lines.join('\n');
    assert.match(text, /✔ pdf-render +│[█▓]*▓{2,}[█▓]*✔/);
    assert.match(text, /✔ ticker-0001 +│[█─]*─{2,}[█─]*█+✔/, 'frozen while it is held, free once pdf-render is done');
    assert.match(text, /the loop held ▓ [\d.]+s of it · max lag \d+ ms/);
    assert.match(text, /^lag 0–300 ms │[▁-█]*[▆▇█][▁-█]* *│/m, 'the blocked seconds near the top of the scale');
  });

  it('06 c10k: ten thousand in flight at once, counted per state, and the threads arithmetic next to what it cost', async () => {
    const term = runInTerminal(['--sources', scene('06-c10k')], { columns: 80, rows: 24 });
    const lines = await finalScreen(term, 0, 60_000);
    assertFinalPicture(term, lines, /^Lesson 06 · ten thousand/);
    assert.match(captionOf(lines)!, /^10,000 in flight at once · \+[\d.]+ MB \(threads: ≈10 GB\)$/);
    const text = lines.join('\n');
    assert.match(text, /conn ×10,000/);
    assert.match(text, /▶ in flight +0 │ +│ peak 10,000/);
    assert.match(text, /✔ done +10,000 │█{10,}│/);
    assert.match(text, /^threads: 10,000 × 1 MB stack ≈ 10 GB · here \+[\d.]+ MB \(≈ [\d.]+ kB each\)$/m);
    assert.equal(lines.filter((l) => /conn-\d{5} +[█▏▎▍▌▋▊▉░]/.test(l)).length, 0, 'no rows of identical sources');
    assert.doesNotMatch(text, /busy|speedup/, 'no hours of "busy" time, no speedup of thousands');
  });
});
