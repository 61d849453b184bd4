// Ink decides at import time whether it runs in CI (then it prints only the last frame) and
// chalk whether to colour: both are set here, before anything imports Ink. Each test file runs
// in its own process.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
process.env.FORCE_COLOR = '1';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import type { Summary } from '../../src/pipeline/events.js';
import { FakeTerminal, fakeKeyboard } from '../helpers/fake-tty.js';

const { startDashboard } = await import('../../src/ui/dashboard/start-dashboard.js');
const { storeWith, recordingControls } = await import('../helpers/dashboard.js');

const CLEAR_TERMINAL = '\u001b[2J\u001b[3J\u001b[H';
// biome-ignore lint/suspicious/noControlCharactersInRegex: a colour is an escape sequence, and that is what this looks for
const COLOUR = /\u001b\[(3[0-9]|9[0-7])m/;
const plan = [
  { name: 'orders', state: 'running' as const, chunks: 4, expected: { chunks: 10 } },
  { name: 'flaky', state: 'failed' as const, chunks: 2, expected: { chunks: 10 }, error: 'boom' },
  ...Array.from({ length: 30 }, (_, i) => ({ name: `q-${i}`, state: 'queued' as const })),
];

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 2000 && !check(); i++) await sleep(10); // up to 20 s: a busy machine starts the worker slowly
  assert.ok(check(), what);
}

function summaryOf(store: ReturnType<typeof storeWith>): Summary {
  const snap = store.getSnapshot();
  return {
    wallMs: 2000,
    busyMs: 3000,
    speedup: 1.5,
    concurrency: 4,
    states: snap.counts,
    records: snap.records,
    bytes: snap.bytes,
    persisted: snap.persisted,
    deadLettered: 0,
    dropped: 0,
    retries: 0,
    baselineRssBytes: 60e6,
    peakRssBytes: 140e6,
    maxLoopLagMs: 3,
    stoppedBy: 'quit',
    sources: snap.sources.map((v) => ({
      name: v.name,
      state: v.state,
      chunks: v.chunks,
      records: v.records,
      bytes: v.bytes,
      persisted: v.persisted,
      deadLettered: 0,
      dropped: 0,
      ms: v.ms,
      ...(v.error ? { error: v.error } : {}),
    })),
  };
}

describe('dashboard on a terminal', () => {
  it('a terminal getting shorter: one full-screen clear, then frames that fit (no flicker, ink#359)', async () => {
    const store = storeWith(plan);
    const term = new FakeTerminal(100, 40);
    const stdin = fakeKeyboard();
    const dashboard = startDashboard({
      store,
      controls: () => recordingControls(),
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      env: {},
    });
    await until(() => term.output.includes('32 sources:'), 'the dashboard painted');
    let t = 3000;
    for (const [columns, rows] of [
      [100, 20],
      [70, 12],
      [100, 30],
      [60, 8],
    ] as const) {
      let mark = term.output.length;
      term.resize(columns, rows);
      await sleep(60);
      // Ink has to clear the screen once when the old frame no longer fits: its top has scrolled
      // out of reach. The frame it then paints is already the one laid out for the new size.
      assert.ok(term.output.slice(mark).split(CLEAR_TERMINAL).length - 1 <= 1, `at most one clear when resized to ${columns}x${rows}`);
      mark = term.output.length;
      for (let i = 0; i < 5; i++) {
        t += 100;
        store.apply({ type: 'chunk', t, source: 'orders', seq: 10 + i, records: 10, bytes: 1000, persisted: 10, deadLettered: 0 });
        store.flush();
        await sleep(40);
      }
      const later = term.output.slice(mark);
      assert.ok(later.length > 0, 'kept painting');
      assert.ok(!later.includes(CLEAR_TERMINAL), `${columns}x${rows}: later frames fit, so no clear (the flicker of ink#359)`);
    }
    dashboard.unmount();
    assert.deepEqual(stdin.rawMode, [true, false], 'raw mode on while running, off after');
    assert.ok(term.output.includes('\u001b[?25h'), 'the cursor is shown again');
  });

  it('ends with the summary table in place of the dashboard, the terminal restored', async () => {
    const store = storeWith(plan);
    const term = new FakeTerminal(100, 30);
    const dashboard = startDashboard({
      store,
      controls: () => undefined,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: fakeKeyboard() as unknown as NodeJS.ReadStream,
      env: {},
    });
    await until(() => term.output.includes('32 sources:'), 'the dashboard painted');
    store.apply({ type: 'summary', t: 2000, ...summaryOf(store) });
    dashboard.unmount();
    await dashboard.waitUntilExit();
    const after = term.output.slice(term.output.lastIndexOf('\u001b[?25h'));
    assert.match(after, /source\s+state\s+chunks/);
    assert.match(after, /flaky\s+failed .* boom/);
    assert.match(after, /stopped by quit/);
    assert.doesNotMatch(after, /sources:|↑↓ select/, 'the live dashboard is gone');
  });

  it('closed on the timeline, it leaves the picture of the run above the summary table', async () => {
    const lesson = { title: 't', js: 'Promise.all', asyncio: 'asyncio.gather', takeaway: 'x', view: 'timeline' as const };
    const store = storeWith(
      [
        { name: 'slow', state: 'done', startedAt: 0, ms: 1000 },
        { name: 'fast', state: 'done', startedAt: 0, ms: 500, notes: { end: ['cleanup done'] } },
      ],
      { t: 1000, metrics: false, lesson },
    );
    const term = new FakeTerminal(100, 30);
    const dashboard = startDashboard({
      store,
      controls: () => undefined,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: fakeKeyboard() as unknown as NodeJS.ReadStream,
      env: { NO_COLOR: '1' },
    });
    await until(() => term.output.includes('2 sources:'), 'the dashboard painted');
    store.apply({ type: 'summary', t: 1000, ...summaryOf(store) });
    dashboard.unmount();
    await dashboard.waitUntilExit();
    const after = stripAnsi(term.output.slice(term.output.lastIndexOf('\u001b[?25h')));
    // On the summary's time axis (its wall time is 2 s): slow ends half way, fast a quarter of the way.
    assert.match(after, / slow +│█{39}✔ +│ +1\.00s\n +✔ fast +│█{19}✔ +│ +500ms/);
    assert.match(after, /wall 2\.00s · busy 3\.00s \(the bars added up\)/, 'the totals of the summary');
    assert.match(after, /fast +cleanup done/, 'the last notes');
    assert.ok(after.indexOf('│') < after.search(/source\s+state\s+chunks/), 'the picture, then the table');
    assert.doesNotMatch(after, /sources:|↑↓ select/, 'the live dashboard is gone');
  });

  it('colours states unless NO_COLOR is set', async () => {
    for (const [env, coloured] of [
      [{}, true],
      [{ NO_COLOR: '1' }, false],
      [{ NO_COLOR: '' }, true],
    ] as const) {
      const term = new FakeTerminal(100, 30);
      const dashboard = startDashboard({
        store: storeWith(plan),
        controls: () => undefined,
        stdout: term as unknown as NodeJS.WriteStream,
        stdin: fakeKeyboard() as unknown as NodeJS.ReadStream,
        env,
      });
      await until(() => term.output.includes('32 sources:'), 'the dashboard painted');
      dashboard.unmount();
      assert.equal(COLOUR.test(term.output), coloured, `NO_COLOR=${JSON.stringify((env as { NO_COLOR?: string }).NO_COLOR)}`);
    }
  });

  it('waits for the run to announce its sources before taking the screen', async () => {
    const { createStore } = await import('../../src/ui/model/store.js');
    const store = createStore({ intervalMs: 1 });
    const term = new FakeTerminal(100, 30);
    const dashboard = startDashboard({
      store,
      controls: () => undefined,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: fakeKeyboard() as unknown as NodeJS.ReadStream,
      env: {},
    });
    await sleep(50);
    assert.equal(term.output, '', 'nothing on screen before run-start (a config error prints on a clean screen)');
    store.apply({ type: 'run-start', t: 0, concurrency: 2, sink: 'none', sources: [{ name: 'a', kind: 'simulated' }] });
    await until(() => term.output.includes('1 source:'), 'painted after run-start');
    dashboard.unmount();
  });
});
