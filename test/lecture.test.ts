import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseEvents, runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

/** Each lecture scenario runs with no flag but --json and shows the lecture's numbers. */
async function scenario(dir: string, ...flags: string[]) {
  const r = await runCli(['--sources', `fixtures/lecture/${dir}`, '--json', '--out', tempDir(), ...flags], { cwd: process.cwd() });
  const events = parseEvents(r.stdout);
  const summary = events.at(-1)!;
  assert.equal(summary.type, 'summary', r.stderr);
  const source = (name: string) => summary.sources.find((s: { name: string }) => s.name === name);
  /** Index of the first event of `type` (for `source`): the order events came in proves what overlapped. */
  const at = (type: string, name?: string) => events.findIndex((e) => e.type === type && (name === undefined || e.source === name));
  return { code: r.code, events, summary, source, at };
}

/**
 * Time windows only from below: a timer never fires early, but a loaded machine may run any of
 * them late, so what overlapped is proven by the order of events, not by an upper bound.
 */
function mostRunningAtOnce(events: Record<string, unknown>[]) {
  let running = 0;
  let most = 0;
  for (const e of events) {
    if (e.type === 'source-start') most = Math.max(most, ++running);
    if (e.type === 'source-end') running -= 1;
  }
  return most;
}

describe('the lecture, runnable', () => {
  it('01-gather: three fetches together take as long as the longest one', async () => {
    const { code, summary, events } = await scenario('01-gather');
    assert.equal(code, 0);
    assert.equal(mostRunningAtOnce(events), 3, 'all three were waiting at the same time');
    assert.ok(summary.wallMs >= 1000, `wall ${summary.wallMs}ms: the longest fetch`);
    assert.ok(summary.busyMs >= 2300, `busy ${summary.busyMs}ms: the sum`);
    assert.ok(summary.wallMs < summary.busyMs, 'together, not one after another');
    const order = events.filter((e) => e.type === 'source-end').map((e) => e.source);
    assert.deepEqual(order, ['fetch-0.5s', 'fetch-0.8s', 'fetch-1.0s']);
    // run-start says what the scenario teaches (for the dashboard and a replay) and the RSS it started from;
    // the summary's peak is the highest of it and every sample after.
    assert.equal(events[0]!.lesson.js, 'Promise.all');
    assert.equal(events[0]!.lesson.asyncio, 'asyncio.gather');
    const samples = events.filter((e) => e.type === 'metrics').map((e) => e.rss as number);
    assert.ok(samples.length >= 1, 'the last sample, at the end of the run');
    assert.equal(summary.baselineRssBytes, events[0]!.baselineRssBytes);
    assert.equal(summary.peakRssBytes, Math.max(events[0]!.baselineRssBytes, ...samples));
    // ... and which tool and event shape wrote the stream, and when it started.
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.equal(events[0]!.version, pkg.version);
    assert.equal(events[0]!.schemaVersion, 2);
    assert.ok(Math.abs(Date.parse(events[0]!.startedAt) - (Date.now() - summary.wallMs)) < 60_000, events[0]!.startedAt);
  });

  it('--no-ui prints the lesson in two lines at the start', async () => {
    const r = await runCli(['--sources', 'fixtures/lecture/01-gather', '--no-ui', '--sink', 'none'], { cwd: process.cwd() });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    assert.match(lines[1]!, /^\[\s+0\.\d\ds\] lesson: 01 · gather: three fetches at once · Promise\.all ↔ asyncio\.gather$/);
    assert.match(lines[2]!, /^\[\s+0\.\d\ds\] {3}All three wait at the same time/);
  });

  it("--slowmo stretches the directory's deadline with the simulated time: 02 at 2x still cancels only the straggler", async () => {
    const { code, events, source, at } = await scenario('02-wait-timeout', '--slowmo', '2');
    assert.equal(code, 0);
    assert.deepEqual([source('job-0.5s').state, source('job-1.0s').state, source('job-2.0s').state], ['done', 'done', 'cancelled']);
    const stopping = events.find((e) => e.type === 'stopping')!;
    assert.ok(stopping.t >= 2400, `cancelled at ${stopping.t}ms, not before 2 × 1.2 s`);
    assert.ok(at('source-end', 'job-1.0s') < at('stopping'), 'job-1.0s (2.0 s at 2x) ended before the deadline');
  });

  it('01-gather with -c 1 is the sequential version: 2.3 s', async () => {
    const { summary, events } = await scenario('01-gather', '-c', '1');
    assert.equal(mostRunningAtOnce(events), 1, 'one after another');
    assert.ok(summary.wallMs >= 2300, `wall ${summary.wallMs}ms: the sum`);
  });

  it('02-wait-timeout: two jobs done, the straggler cancelled at 1.2 s after its cleanup, exit 0', async () => {
    const { code, summary, events, source, at } = await scenario('02-wait-timeout');
    assert.equal(code, 0);
    assert.deepEqual([source('job-0.5s').state, source('job-1.0s').state, source('job-2.0s').state], ['done', 'done', 'cancelled']);
    const stopping = events.find((e) => e.type === 'stopping')!;
    assert.equal(stopping.reason, 'deadline');
    assert.ok(stopping.t >= 1200, `cancelled at ${stopping.t}ms, not before 1.2 s`);
    assert.ok(at('source-end', 'job-1.0s') < at('stopping'), 'the 1.0 s job finished before the deadline');
    const notes = (name: string) => events.filter((e) => e.type === 'note' && e.source === name).map((e) => e.text);
    assert.deepEqual(notes('job-2.0s'), ['cleaning up after: cancelled at the run deadline', 'cleanup done']);
    // As in the lecture, only the cancelled task cleans up: the others end at their own times.
    assert.deepEqual([notes('job-0.5s'), notes('job-1.0s')], [[], []]);
    assert.ok(source('job-0.5s').ms >= 500 && source('job-1.0s').ms >= 1000);
    assert.ok(at('source-end', 'job-0.5s') < at('source-end', 'job-1.0s'));
    const end = events.find((e) => e.type === 'source-end' && e.source === 'job-2.0s')!;
    assert.ok(end.t >= stopping.t + 90, 'the task ended only after its cleanup');
    assert.equal(summary.stoppedBy, 'deadline');
  });

  it('03-async-with: the connection closes on success, on error and on cancel', async () => {
    const { events, source } = await scenario('03-async-with');
    assert.deepEqual([source('warehouse').state, source('ledger').state, source('archive').state], ['done', 'failed', 'cancelled']);
    assert.match(source('ledger').error, /query failed at row 60/);
    for (const name of ['warehouse', 'ledger', 'archive']) {
      const notes = events.filter((e) => e.type === 'note' && e.source === name).map((e) => e.text);
      assert.deepEqual(notes, ['connecting…', 'connection open', 'closing…', 'connection closed'], name);
      const closed = events.findIndex((e) => e.type === 'note' && e.source === name && e.text === 'connection closed');
      const ended = events.findIndex((e) => e.type === 'source-end' && e.source === name);
      assert.ok(closed < ended, `${name} closed before the task ended`);
    }
  });

  it('05-blocking: a synchronous transform freezes the loop; --offload keeps it responsive doing the same work', async () => {
    const blocking = await scenario('05-blocking');
    const offloaded = await scenario('05-blocking', '--offload');
    assert.ok(blocking.summary.maxLoopLagMs >= 200, `blocking lag ${blocking.summary.maxLoopLagMs}ms: a 250 ms call held the loop`);
    assert.ok(offloaded.summary.maxLoopLagMs < blocking.summary.maxLoopLagMs / 2, `offloaded lag ${offloaded.summary.maxLoopLagMs}ms`);
    assert.equal(offloaded.summary.persisted, blocking.summary.persisted);
    // The tickers only wait on timers: frozen, they take longer than the 2 s they need.
    assert.ok(blocking.source('ticker-0001').ms > offloaded.source('ticker-0001').ms + 500);
  });

  it('06-c10k: ten thousand sources at once complete', async () => {
    const { code, summary, events } = await scenario('06-c10k');
    assert.equal(code, 0);
    assert.equal(summary.states.done, 10_000);
    // Deterministic however slowly the machine starts them: no simulated wait ends before the last has started.
    assert.equal(mostRunningAtOnce(events), 10_000, 'all ten thousand running at the same moment');
    assert.equal(summary.concurrency, 10_000);
    // And they wait together all along, not only at the start: every first read (50-150 ms) is done before
    // any tenth one (500 ms at the least). Timers fire in the order they are due, however late.
    const chunkAt = (seq: number) => events.flatMap((e, i) => (e.type === 'chunk' && e.seq === seq ? [i] : []));
    assert.ok(Math.max(...chunkAt(0)) < Math.min(...chunkAt(9)), 'all first reads before the first last one');
  });
});
