// The dashboard draws in a worker thread; the main thread owns the terminal and the run. These
// tests go through startDashboard with a fake terminal: keys, the run's answers on screen, live
// updates, leaving. Ink decides at import time whether it runs in CI; the worker inherits this env.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { createSources, loadSources } from '../../../src/pipeline/config.js';
import { createEventBus, type PipelineEvent } from '../../../src/pipeline/events.js';
import { startPipeline } from '../../../src/pipeline/run.js';
import { discardDeadLetters } from '../../../src/sinks/dead-letter.js';
import { noneSink } from '../../../src/sinks/sink.js';
import { startDashboard } from '../../../src/ui/dashboard/start-dashboard.js';
import { createStore } from '../../../src/ui/model/store.js';
import { recordingControls, storeWith } from '../../helpers/dashboard.js';
import { FakeTerminal, fakeKeyboard } from '../../helpers/fake-tty.js';

const SHOW_CURSOR = '\u001b[?25h';
const plan = [
  { name: 'orders', state: 'running' as const, chunks: 4, expected: { chunks: 10 } },
  { name: 'waiting', state: 'queued' as const },
];

async function until(check: () => boolean, what: string, term: FakeTerminal) {
  for (let i = 0; i < 2000 && !check(); i++) await sleep(10); // up to 20 s: a busy machine starts the worker slowly
  assert.ok(check(), `${what}; the screen got:\n${stripAnsi(term.output).slice(-1500)}`);
}

describe('dashboard thread', () => {
  it("keys reach the run through the main thread and its answers come back as the footer's message; a second Ctrl-C leaves with the terminal restored", async () => {
    const store = storeWith(plan);
    const term = new FakeTerminal(100, 30);
    const stdin = fakeKeyboard();
    const recorded = recordingControls();
    let running = true;
    const controls = {
      ...recorded,
      cancel: (name: string) => {
        recorded.cancel(name);
        return running;
      },
    };
    let forced = 0;
    const dashboard = startDashboard({
      store,
      controls: () => controls,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      env: {},
      forceExit: () => {
        forced += 1;
      },
    });
    const screen = () => stripAnsi(term.output);
    await until(() => term.output.includes('2 sources:'), 'the dashboard painted', term);
    assert.deepEqual(stdin.rawMode, [true], 'raw mode set on the real stdin');
    stdin.write('\u001b[B'); // ↓ selects orders
    await until(() => /›▶ orders/.test(screen()), 'orders selected', term);
    stdin.write('c');
    await until(() => screen().includes('cancelled orders'), 'the run cancelled orders, and the footer says so', term);
    running = false;
    stdin.write('c');
    await until(() => screen().includes('orders is not running'), 'the run said no to the second cancel, and the footer says so', term);
    stdin.write('+');
    await until(() => screen().includes('concurrency now 5'), 'the new limit, as the run was told it', term);
    stdin.write('p');
    await until(() => controls.calls.length === 4, 'the pause reached the run', term);
    assert.deepEqual(controls.calls, ['cancel orders', 'cancel orders', 'concurrency 5', 'paused true']);
    stdin.write('\u0003');
    await until(() => controls.calls.length === 5, 'Ctrl-C stops the run', term);
    assert.equal(controls.calls[4], 'stop SIGINT');
    assert.equal(forced, 0);
    stdin.write('\u0003');
    await until(() => forced === 1, 'the second Ctrl-C leaves', term);
    assert.deepEqual(stdin.rawMode, [true, false], 'raw mode off before leaving');
    assert.ok(term.output.endsWith(SHOW_CURSOR), 'the cursor shown again, last');
    dashboard.unmount(); // the CLI's cleanup may still call it: nothing more happens
    assert.deepEqual(stdin.rawMode, [true, false]);
  });

  it('Ctrl-C before the run has started leaves at once: the run said there is nothing to stop', async () => {
    const store = storeWith(plan);
    const term = new FakeTerminal(100, 30);
    const stdin = fakeKeyboard();
    let forced = 0;
    startDashboard({
      store,
      controls: () => undefined,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      env: {},
      forceExit: () => {
        forced += 1;
      },
    });
    await until(() => term.output.includes('2 sources:'), 'the dashboard painted', term);
    stdin.write('\u0003');
    await until(() => forced === 1, 'one Ctrl-C left', term);
    assert.deepEqual(stdin.rawMode, [true, false], 'raw mode off before leaving');
  });

  it('a source that changes is redrawn: counts, then its end and error', async () => {
    const store = storeWith(plan);
    const term = new FakeTerminal(100, 30);
    const dashboard = startDashboard({
      store,
      controls: () => undefined,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: fakeKeyboard() as unknown as NodeJS.ReadStream,
      env: {},
    });
    await until(() => /▶ orders .* 40%\s+40 /.test(stripAnsi(term.output)), 'orders at 4 of 10 chunks, 40 records', term);
    for (let seq = 4; seq < 7; seq++)
      store.apply({ type: 'chunk', t: 2100 + seq, source: 'orders', seq, records: 10, bytes: 1000, persisted: 10, deadLettered: 0 });
    store.flush();
    await until(() => /▶ orders .* 70%\s+70 /.test(stripAnsi(term.output)), 'orders at 7 of 10 chunks, 70 records', term);
    store.apply({
      type: 'source-end',
      t: 2200,
      source: 'orders',
      state: 'failed',
      ms: 2200,
      chunks: 7,
      records: 70,
      bytes: 7000,
      persisted: 70,
      deadLettered: 0,
      dropped: 0,
      error: 'socket hang up',
    });
    store.flush();
    await until(() => /✖ orders .*socket hang up/.test(stripAnsi(term.output)), 'orders failed, with its error', term);
    dashboard.unmount();
  });

  it('a key pressed as the dashboard closes still reaches the run, and unmount does not wait on it (no 2 s stall)', async () => {
    // A terminal's answer to Ink's start-up query can arrive just then, as keys. Keys once made
    // the worker wait for this thread, while this thread waited for the worker to close.
    const store = storeWith(plan);
    const term = new FakeTerminal(100, 30);
    const stdin = fakeKeyboard();
    const controls = recordingControls();
    const dashboard = startDashboard({
      store,
      controls: () => controls,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      env: {},
    });
    await until(() => term.output.includes('2 sources:'), 'the dashboard painted', term);
    stdin.write('+');
    await new Promise((resolve) => setImmediate(resolve)); // forwarded to the worker, not answered yet
    const started = performance.now();
    dashboard.unmount();
    const took = performance.now() - started;
    assert.deepEqual(controls.calls, ['concurrency 5'], 'the worker sent the request before it closed, and unmount handed it to the run');
    assert.ok(took < 1500, `unmount took ${took.toFixed(0)} ms`);
    assert.deepEqual(stdin.rawMode, [true, false]);
  });

  it("01-gather: the run's clock waits for the first frame with the sources; no fetch ends before it, and run time leaves the wait out", async () => {
    const loaded = await loadSources('fixtures/lecture/01-gather');
    const bus = createEventBus();
    const store = createStore();
    bus.subscribe(store.apply);
    // One log, in order, of what the pipeline said and what reached the terminal.
    const log: ({ frame: string } | { event: PipelineEvent })[] = [];
    bus.subscribe((event) => log.push({ event }));
    const term = new FakeTerminal(80, 24);
    const write = term.write.bind(term);
    term.write = ((chunk: string, ...rest: never[]) => {
      log.push({ frame: stripAnsi(String(chunk)) });
      return write(chunk, ...rest);
    }) as typeof term.write;
    const dashboard = startDashboard({
      store,
      controls: () => undefined,
      stdout: term as unknown as NodeJS.WriteStream,
      stdin: fakeKeyboard() as unknown as NodeJS.ReadStream,
      env: {},
    });
    await dashboard.ready;
    const pipeline = startPipeline(
      createSources(loaded.configs, { seed: 1, slowmo: 1 }),
      { concurrency: 3, sink: noneSink(), deadLetters: discardDeadLetters, lesson: loaded.defaults.lesson, holdUntil: dashboard.painted },
      bus.emit,
    );
    const summary = await pipeline.done;
    dashboard.unmount();
    const firstFrame = log.findIndex((e) => 'frame' in e && e.frame.includes('fetch-0.5s'));
    const firstEnd = log.findIndex((e) => 'event' in e && e.event.type === 'source-end');
    const clockStart = log.findIndex((e) => 'event' in e && e.event.type === 'clock-start');
    assert.ok(firstFrame >= 0 && firstEnd > firstFrame, `the sources were on screen (${firstFrame}) before the first of them ended (${firstEnd})`);
    assert.ok(clockStart > firstFrame && clockStart < firstEnd, 'the clock started after that frame, before any fetch ended');
    const frame = (log[firstFrame] as { frame: string }).frame;
    assert.match(frame, /3 sources: ▶ 3 running/, `all three running, none done yet:\n${frame}`);
    assert.match(frame, /elapsed 0ms/, `at elapsed 0:\n${frame}`);
    const ends = summary.sources.map((s) => s.ms);
    assert.deepEqual(
      ends.map((ms) => Math.round(ms / 100)),
      [10, 5, 8],
      `the fetches took their own time, not the wait for the screen: ${ends}`,
    );
    assert.ok(summary.wallMs < 1300, `wall ${summary.wallMs} ms: the wait for the first frame is not run time`);
  });

  it('a dashboard that never paints holds the run for the bound only', async () => {
    const loaded = await loadSources('fixtures/lecture/01-gather');
    const events: PipelineEvent[] = [];
    const never = new Promise<void>(() => {});
    const pipeline = startPipeline(
      createSources(loaded.configs, { seed: 1, slowmo: 1 }),
      { concurrency: 3, sink: noneSink(), deadLetters: discardDeadLetters, holdUntil: never, holdBoundMs: 100 },
      (e) => void events.push(e),
    );
    const summary = await pipeline.done;
    assert.equal(summary.states.done, 3);
    assert.equal(events[0]!.type, 'run-start');
    assert.equal((events[0] as Extract<PipelineEvent, { type: 'run-start' }>).clockHeld, true);
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('clock-start') < types.indexOf('source-end'), 'the bound released the clock before anything ended');
    assert.ok(types.indexOf('source-start') < types.indexOf('clock-start'), 'the sources started while the clock stood still, as in gather');
  });

  it('a process that exits while the dashboard is up gets its terminal back', () => {
    // In a child: start a dashboard on a fake terminal, then process.exit() as a crash handler would.
    const script = `
      delete process.env.CI;
      const { FakeTerminal, fakeKeyboard } = await import('./test/helpers/fake-tty.ts');
      const { storeWith } = await import('./test/helpers/dashboard.tsx');
      const { startDashboard } = await import('./src/ui/dashboard/start-dashboard.ts');
      const term = new FakeTerminal(80, 24);
      const stdin = fakeKeyboard();
      startDashboard({ store: storeWith(${JSON.stringify(plan)}), controls: () => undefined, stdout: term, stdin, env: {} });
      process.on('exit', () => process.stdout.write(JSON.stringify({ output: term.output, rawMode: stdin.rawMode })));
      const painted = () => term.output.includes('2 sources:');
      for (let i = 0; i < 500 && !painted(); i++) await new Promise((r) => setTimeout(r, 10));
      process.exit(3);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.status, 3, child.stderr);
    const { output, rawMode } = JSON.parse(child.stdout) as { output: string; rawMode: boolean[] };
    assert.match(stripAnsi(output), /▶ orders/, 'it had painted');
    assert.deepEqual(rawMode, [true, false], 'raw mode off');
    assert.ok(output.endsWith(SHOW_CURSOR), 'the cursor shown, last');
  });
});
