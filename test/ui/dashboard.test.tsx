import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { createSources, loadSources } from '../../src/pipeline/config.js';
import { createStore } from '../../src/ui/model/store.js';
import { RAW_CONTROL } from '../helpers/controls.js';
import { recordingControls, renderDashboard, type SourcePlan, storeWith } from '../helpers/dashboard.js';

const sixStates: SourcePlan[] = [
  { name: 'waiting', state: 'queued', expected: { chunks: 10 } },
  { name: 'orders', state: 'running', chunks: 4, expected: { chunks: 10 } },
  { name: 'mystery-feed', state: 'running', chunks: 3 },
  { name: 'reports', state: 'done', chunks: 10, expected: { chunks: 10 } },
  { name: 'flaky-partner', state: 'failed', chunks: 3, expected: { chunks: 10 }, error: 'simulated failure at chunk 3' },
  { name: 'stuck-vendor', state: 'timed-out', chunks: 2, expected: { chunks: 10 }, error: 'timed out after 2s' },
  { name: 'warehouse', state: 'cancelled', chunks: 1, expected: { chunks: 6 }, error: 'cancelled by user' },
];

const rowOf = (lines: string[], name: string) => {
  const row = lines.find((l) => l.includes(` ${name} `));
  assert.ok(row, `a row for ${name} in\n${lines.join('\n')}`);
  return row;
};

/** A frame fits when it is shorter than the terminal (ink#359) and no line is wider. */
function assertFits(lines: string[], columns: number, rows: number) {
  assert.ok(lines.length <= rows - 1, `${lines.length} lines on a ${rows}-row terminal:\n${lines.join('\n')}`);
  for (const line of lines) assert.ok([...line].length <= columns, `line wider than ${columns}: "${line}"`);
}

afterEach(cleanup);

describe('dashboard frames (ink-testing-library)', () => {
  it('shows a row per state with its symbol, progress, counts, time and error text', async () => {
    const { lines, frame } = await renderDashboard(storeWith(sixStates), { columns: 120, rows: 40 });
    const all = lines();
    assert.match(rowOf(all, 'waiting'), /^ · waiting\s+░+\s+0%\s+0\s/);
    assert.match(rowOf(all, 'orders'), /▶ orders\s+█+░+\s+40%\s+40\s+4 kB\s+\S+\/s\s+[\d.]+s/);
    assert.match(rowOf(all, 'mystery-feed'), /▶ mystery-feed\s+░*███░*\s+30\s/, 'no expected size: an indeterminate bar');
    assert.match(rowOf(all, 'reports'), /✔ reports\s+█+\s+100%\s+100\s+10 kB\s+\S+\/s\s+500ms/);
    assert.match(rowOf(all, 'flaky-partner'), /✖ flaky-partner .*30%.* simulated failure at chunk 3$/);
    assert.match(rowOf(all, 'stuck-vendor'), /⏱ stuck-vendor .* timed out after 2s$/);
    assert.match(rowOf(all, 'warehouse'), /⊘ warehouse .* cancelled by user$/);
    const text = frame();
    assert.match(text, /elapsed 2\.00s · busy [\d.]+s · speedup \d+\.\d\d×/);
    assert.match(text, /concurrency 4 · 2 running · 1 queued · 4\/7 finished/);
    assert.match(text, /records 230 \(.+\/s\) · bytes 23 kB \(.+\/s\)/);
    assert.match(text, /memory RSS 140 MB [▁▂▃▄▅▆▇█]+ heap 31 MB · event-loop lag p99 2\.4ms/);
    assert.match(text, /7 sources: ▶ 2 running · 1 queued ✔ 1 done ✖ 1 failed ⏱ 1 timed out ⊘ 1 cancelled/);
    assert.match(text, /↑↓ select · c cancel · \+\/- concurrency · p pause · t timeline · l lesson · q quit · \? help/);
    assertFits(all, 120, 40);
  });

  it('busy time and speedup follow the running sources', async () => {
    const store = storeWith(
      [
        { name: 'a', state: 'done', startedAt: 0, ms: 1000 },
        { name: 'b', state: 'running', startedAt: 0 },
        { name: 'c', state: 'running', startedAt: 1000 },
      ],
      { t: 2000 },
    );
    // busy = 1000 (a) + 2000 (b so far) + 1000 (c so far) = 4000 over a 2000 ms wall.
    assert.match((await renderDashboard(store)).frame(), /elapsed 2\.00s · busy 4\.00s · speedup 2\.00×/);
  });

  it('strips escape sequences and control characters from names and errors', async () => {
    const evil = 'evil\u001b[2J\u001b]0;pwned\u0007name\r\nnext';
    const { frame } = await renderDashboard(storeWith([{ name: evil, state: 'failed', chunks: 1, error: 'bad \u001b[31mred\u001b[0m \u0008 thing' }]));
    const text = frame();
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.match(text, /evil\S*name next/);
    assert.match(text, /bad red \? thing/);
  });

  it('with more sources than rows: running first, then the latest finished, and the counts of all', async () => {
    const plans: SourcePlan[] = Array.from({ length: 1000 }, (_, i) => {
      const name = `src-${String(i).padStart(4, '0')}`;
      if (i >= 500 && i < 504) return { name, state: 'running', chunks: 2, expected: { chunks: 10 } };
      if (i < 300) return { name, state: 'done', chunks: 10, expected: { chunks: 10 }, startedAt: i * 10, ms: 100 };
      if (i === 300) return { name, state: 'failed', chunks: 1, startedAt: 5000, ms: 100, error: 'boom' };
      return { name, state: 'queued' };
    });
    const { lines, frame } = await renderDashboard(storeWith(plans, { t: 6000 }), { columns: 120, rows: 24 });
    const all = lines();
    assertFits(all, 120, 24);
    const rows = all.filter((l) => /^.[·▶✔✖⏱⊘] src-/.test(l));
    assert.deepEqual(
      rows.slice(0, 4).map((l) => l.slice(3, 11)),
      ['src-0500', 'src-0501', 'src-0502', 'src-0503'],
    );
    assert.equal(rows[4]!.slice(3, 11), 'src-0300', 'then the most recently finished');
    assert.equal(rows[5]!.slice(3, 11), 'src-0299');
    assert.match(
      frame(),
      new RegExp(`1,000 sources: ▶ 4 running · 695 queued ✔ 300 done ✖ 1 failed ⏱ 0 timed out ⊘ 0 cancelled · ${rows.length} of 1,000 shown`),
    );
  });

  it('a 1,000-source fixture stays within the terminal at 120x40, 80x24 and while resized', async () => {
    const loaded = await loadSources(new URL('../../fixtures/many', import.meta.url).pathname);
    const sources = createSources(loaded.configs, { seed: 1, slowmo: 1 });
    assert.equal(sources.length, 1000);
    const store = createStore({ intervalMs: 1 });
    store.apply({
      type: 'run-start',
      t: 0,
      concurrency: 16,
      sink: 'none',
      sources: sources.map((s) => ({ name: s.name, kind: s.kind, expected: s.expected })),
    });
    for (const s of sources.slice(0, 16)) store.apply({ type: 'source-start', t: 5, source: s.name });
    store.flush();
    const view = await renderDashboard(store, { columns: 120, rows: 40 });
    assertFits(view.lines(), 120, 40);
    assert.equal(view.lines().length, 39, 'uses the whole terminal but its last row');
    for (const [c, r] of [
      [80, 24],
      [60, 15],
      [200, 60],
      [120, 40],
    ] as const) {
      await view.resize(c, r);
      assertFits(view.lines(), c, r);
      assert.match(view.frame(), /1,000 sources:/);
    }
  });

  it('narrow and short terminals drop columns and header lines, never the counts', async () => {
    const view = await renderDashboard(storeWith(sixStates), { columns: 50, rows: 12 });
    for (const [c, r] of [
      [50, 12],
      [40, 8],
      [30, 5],
      [80, 3],
      [20, 2],
    ] as const) {
      await view.resize(c, r);
      const all = view.lines();
      assertFits(all, c, r);
      assert.match(view.frame(), /7 sources:/, `${c}x${r} keeps the aggregate line`);
    }
    await view.resize(50, 12);
    assert.match(view.frame(), /flaky-partner/);
    assert.doesNotMatch(view.frame(), /bytes {2}/, 'no room for a bytes column at 50 columns');
  });

  it('keys: select, cancel, concurrency, pause, help, quit', async () => {
    const controls = recordingControls();
    const view = await renderDashboard(storeWith(sixStates), { controls });
    view.stdin.write('\u001b[B'); // ↓ selects the first row
    await view.settle();
    view.stdin.write('\u001b[B');
    await view.settle();
    assert.match(view.frame(), /^›▶ orders/m);
    view.stdin.write('c');
    view.stdin.write('+');
    view.stdin.write('+');
    view.stdin.write('-');
    view.stdin.write('p');
    await view.settle();
    assert.deepEqual(controls.calls, ['cancel orders', 'concurrency 5', 'concurrency 6', 'concurrency 5', 'paused true']);
    view.stdin.write('?');
    await view.settle();
    assert.match(view.frame(), /Keys\n.*↑ \/ ↓/);
    assert.doesNotMatch(view.frame(), / orders /);
    view.stdin.write('\u001b');
    await view.settle();
    assert.match(view.frame(), / orders /);
    view.stdin.write('q');
    view.stdin.write('q');
    await view.settle();
    assert.deepEqual(controls.calls.slice(5), ['stop quit']);
  });

  it('Ctrl-C stops the run as SIGINT; a second Ctrl-C forces the exit', async () => {
    const controls = recordingControls();
    let forced = 0;
    const view = await renderDashboard(storeWith(sixStates), {
      controls,
      forceExit: () => {
        forced += 1;
      },
    });
    view.stdin.write('\u0003');
    await view.settle();
    assert.deepEqual(controls.calls, ['stop SIGINT']);
    assert.equal(forced, 0);
    view.stdin.write('\u0003');
    await view.settle();
    assert.equal(forced, 1);
  });

  it('in a replay the viewing and teaching keys work (p, →), c and + do not, and the footer says so', async () => {
    const calls: string[] = [];
    const controls = {
      stop: (kind: string) => void calls.push(kind),
      setPaused: (p: boolean) => void calls.push(`paused ${p}`),
      step: () => void calls.push('step'),
    };
    const view = await renderDashboard(storeWith(sixStates), { replay: true, controls });
    assert.match(view.frame(), /replay · ↑↓ select · p pause · → step · t timeline · l lesson · q quit · \? help/);
    view.stdin.write('\u001b[B');
    await view.settle();
    view.stdin.write('c');
    await view.settle();
    assert.match(view.frame(), /nothing to cancel in a replay/);
    view.stdin.write('p');
    view.stdin.write('\u001b[C'); // →
    view.stdin.write('n');
    view.stdin.write('+');
    view.stdin.write('q');
    await view.settle();
    assert.deepEqual(calls, ['paused true', 'step', 'step', 'quit']);
  });

  it('says when a selected source cannot be cancelled', async () => {
    const controls = { ...recordingControls(), cancel: () => false };
    const view = await renderDashboard(storeWith(sixStates), { controls });
    view.stdin.write('\u001b[B');
    await view.settle();
    view.stdin.write('c');
    await view.settle();
    assert.match(view.frame(), /waiting is not running: only running sources can be cancelled/);
  });
});
