import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lineReader, parseLine, runMessage, viewerMessage } from '../../../src/cli/control/protocol.js';
import { startControlServer } from '../../../src/cli/control/server.js';
import { createEventBus, type PipelineEvent } from '../../../src/pipeline/events.js';
import type { DashboardControls } from '../../../src/ui/dashboard/controls.js';
import { createStore } from '../../../src/ui/model/store.js';
import { controlClient } from '../../helpers/control-client.js';
import { tempDir } from '../../helpers/temp.js';

const sources = Array.from({ length: 5 }, (_, i) => ({ name: `s${i}`, kind: 'simulated', expected: { chunks: 100 } }));
const runStart: PipelineEvent = { type: 'run-start', t: 0, concurrency: 3, sink: 'none', sources };

/** Event number i of a made-up run: chunks, notes, metrics and a cancel, in a fixed order. */
function event(i: number): PipelineEvent {
  const source = `s${i % 5}`;
  const t = i + 1;
  if (i < 5) return { type: 'source-start', t, source };
  if (i % 97 === 0) return { type: 'metrics', t, rss: 1e8 + i, heapUsed: 5e7, loopLagP99Ms: i % 13, loopLagMaxMs: i % 17 };
  if (i % 31 === 0) return { type: 'note', t, source, text: `connection open ${i}` };
  if (i === 500) return { type: 'cancelling', t, source, reason: 'user' };
  return { type: 'chunk', t, source, seq: i, records: 10, bytes: 100 + i, persisted: 9, deadLettered: 1 };
}

async function serve({ maxQueuedBytes, maxViewers, controls }: { maxQueuedBytes?: number; maxViewers?: number; controls?: DashboardControls } = {}) {
  const bus = createEventBus();
  const server = await startControlServer({ path: join(tempDir(), 'c.sock'), bus, controls: () => controls, version: 'test', maxQueuedBytes, maxViewers });
  return { bus, server };
}

describe('control server', () => {
  it('a viewer joining late starts from the state: with the events after it, it sees what one that was there all along sees', async () => {
    const { bus, server } = await serve();
    const whole = createStore();
    bus.subscribe(whole.apply);
    bus.emit(runStart);
    for (let i = 0; i < 600; i++) bus.emit(event(i));
    const late = await controlClient(server.path);
    await late.waitFor((m) => m.type === 'state');
    for (let i = 600; i < 1000; i++) bus.emit(event(i));
    await late.waitForEvent((e) => e.t === 1000, 'the last event');

    const replica = createStore();
    const state = late.messages.find((m) => m.type === 'state')!;
    const parsed = parseLine(runMessage, JSON.stringify(state));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.equal(parsed.value.type, 'state');
    if (parsed.value.type === 'state') replica.restore(parsed.value.snapshot);
    for (const e of late.events()) replica.apply(e as PipelineEvent);
    whole.flush();
    replica.flush();
    const { version: _a, startedAtEpochMs: _b, ...expected } = whole.getSnapshot();
    const { version: _c, startedAtEpochMs: _d, ...actual } = replica.getSnapshot();
    assert.deepEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(expected)));
    await server.close();
  });

  it('drops a viewer that stops reading, and goes on serving the one that keeps up; the run never waits', async () => {
    const { bus, server } = await serve({ maxQueuedBytes: 64 * 1024 });
    const fast = await controlClient(server.path);
    // A viewer that connects and never reads a byte.
    const slow = connect(server.path);
    slow.pause();
    let slowClosed = false;
    slow.on('close', () => {
      slowClosed = true;
    });
    await new Promise((done) => slow.once('connect', done));
    await fast.waitFor((m) => m.type === 'state');
    bus.emit(runStart);
    const batches = 100;
    for (let b = 0; b < batches; b++) {
      for (let i = b * 200; i < (b + 1) * 200; i++) bus.emit(event(i));
      // Emitting is synchronous: the run has already moved on; the fast viewer catches up here.
      await fast.waitForEvent((e) => e.t === (b + 1) * 200, `batch ${b}`);
    }
    assert.equal(server.viewers, 1, 'the slow viewer was let go');
    const seen = fast.events();
    assert.equal(seen.length, batches * 200 + 1);
    assert.deepEqual(
      seen.slice(1).map((e) => e.t),
      Array.from({ length: batches * 200 }, (_, i) => i + 1),
    );
    slow.resume(); // what it had received, then the end
    await new Promise((done) => (slowClosed ? done(undefined) : slow.on('close', done)));
    await server.close();
  });

  it('turns away a viewer past the limit, with a goodbye that says so; the others stay', async () => {
    const { bus, server } = await serve({ maxViewers: 1 });
    const first = await controlClient(server.path);
    await first.waitFor((m) => m.type === 'state');
    const second = await controlClient(server.path);
    assert.match((await second.waitFor((m) => m.type === 'bye')).reason, /at most 1 viewers/);
    await second.closed;
    bus.emit(runStart);
    await first.waitForEvent((e) => e.type === 'run-start');
    assert.equal(server.viewers, 1);
    await server.close();
  });

  it('answers a request to the viewer that asked, with what came of it', async () => {
    const calls: string[] = [];
    const controls: DashboardControls = {
      stop: (kind) => calls.push(`stop ${kind}`),
      cancel(source) {
        calls.push(`cancel ${source}`);
        return source === 's1';
      },
      setPaused: (paused) => calls.push(`paused ${paused}`),
    };
    const { server } = await serve({ controls });
    const viewer = await controlClient(server.path);
    assert.equal((await viewer.request({ op: 'cancel', source: 's1' })).answer.outcome, 'cancelled');
    assert.equal((await viewer.request({ op: 'cancel', source: 's9' })).answer.outcome, 'not-running');
    assert.equal((await viewer.request({ op: 'setConcurrency', concurrency: 3 })).answer.outcome, 'not-offered');
    assert.equal((await viewer.request({ op: 'setPaused', paused: true })).answer.outcome, 'done');
    assert.deepEqual(calls, ['cancel s1', 'cancel s9', 'paused true']);
    await server.close();
    await viewer.closed;
    assert.equal(viewer.messages.at(-1)!.type, 'bye');
  });
});

describe('control protocol', () => {
  it('splits lines across reads and refuses a line over its bound', () => {
    const lines: string[] = [];
    let tooLong = 0;
    const read = lineReader(
      10,
      (l) => lines.push(l),
      () => (tooLong += 1),
    );
    read(Buffer.from('ab'));
    read(Buffer.from('c\nde\n\nf'));
    read(Buffer.from('g\n'));
    assert.deepEqual(lines, ['abc', 'de', 'fg']);
    read(Buffer.from('0123456789abc'));
    read(Buffer.from('\nlater\n'));
    assert.equal(tooLong, 1);
    assert.deepEqual(lines, ['abc', 'de', 'fg'], 'nothing after a line that was too long');
  });

  it('validates: unknown types and bad values refused, unknown fields dropped', () => {
    assert.equal(parseLine(viewerMessage, '{"type":"control","id":1,"request":{"op":"launch"}}').ok, false);
    assert.equal(parseLine(viewerMessage, '{"type":"control","id":1,"request":{"op":"setConcurrency","concurrency":0}}').ok, false);
    assert.equal(parseLine(viewerMessage, '{"type":"control","id":-1,"request":{"op":"step"}}').ok, false);
    assert.equal(parseLine(viewerMessage, 'nope').ok, false);
    const ok = parseLine(viewerMessage, '{"type":"control","id":2,"request":{"op":"cancel","source":"a","extra":1},"more":true}');
    assert.deepEqual(ok, { ok: true, value: { type: 'control', id: 2, request: { op: 'cancel', source: 'a' } } });
    assert.equal(parseLine(runMessage, '{"type":"event","event":{"type":"chunk","t":1,"source":"a"}}').ok, false);
    assert.equal(parseLine(runMessage, '{"type":"event","event":{"type":"exploit","t":1}}').ok, false);
  });
});
