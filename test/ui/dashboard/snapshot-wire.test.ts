import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type PipelineEvent, SOURCE_STATES } from '../../../src/pipeline/events.js';
import { FIELDS, packRow, STRIDE, unpackRow } from '../../../src/ui/dashboard/snapshot-fields.js';
import { createReplicaStore, createSnapshotEncoder, type SnapshotMessage } from '../../../src/ui/dashboard/snapshot-wire.js';
import { createStore, type Snapshot, type SourceView } from '../../../src/ui/model/store.js';

const lesson = { title: 'gather', js: 'Promise.all', asyncio: 'asyncio.gather', takeaway: 'x', view: 'timeline' as const };

/** A store, an encoder and a replica on the other side of a structured clone (what postMessage does). */
function wire() {
  const store = createStore({ intervalMs: 1e9 });
  const encode = createSnapshotEncoder();
  const replica = createReplicaStore();
  const sent: SnapshotMessage[] = [];
  const send = (...events: PipelineEvent[]) => {
    events.forEach(store.apply);
    store.flush();
    const { message, transfer } = encode(store.getSnapshot());
    assert.deepEqual(transfer, [message.table.buffer], 'the table moves instead of being copied');
    sent.push(message);
    replica.apply(structuredClone(message, { transfer }));
    return message;
  };
  return { store, replica, send, sent };
}

/** Without the keys whose value is undefined: a view reads a missing field and an undefined one alike. */
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** What a view can read: everything but the summary's per-source table (printed after the dashboard, from the real store). */
function readable(snapshot: Snapshot) {
  const { summary, sources, ...rest } = snapshot;
  return defined({ ...rest, sources: sources.map(defined), summary: summary && { ...summary, sources: [] } });
}

describe('snapshot wire (store -> dashboard worker)', () => {
  it('the replica reads as the store does, through a run: states, counts, texts, notes, lesson, summary', () => {
    const { store, replica, send } = wire();
    send({
      type: 'run-start',
      t: 0,
      concurrency: 2,
      sink: 'none',
      lesson,
      baselineRssBytes: 5e7,
      sources: [
        { name: 'a', kind: 'simulated', expected: { chunks: 3 } },
        { name: 'b', kind: 'file' },
        { name: 'c', kind: 'http' },
      ],
    });
    assert.deepEqual(readable(replica.getSnapshot()), readable(store.getSnapshot()));
    send(
      { type: 'source-start', t: 5, source: 'a' },
      { type: 'source-start', t: 6, source: 'b' },
      { type: 'chunk', t: 20, source: 'a', seq: 0, records: 10, bytes: 400, persisted: 10, deadLettered: 0 },
      { type: 'note', t: 21, source: 'b', text: 'connection closed' },
      { type: 'retry', t: 22, source: 'b', attempt: 1, delayMs: 10, reason: 'ECONNRESET' },
      { type: 'metrics', t: 25, rss: 6e7, heapUsed: 2e7, loopLagP99Ms: 1.5, loopLagMaxMs: 3 },
    );
    assert.deepEqual(readable(replica.getSnapshot()), readable(store.getSnapshot()));
    send(
      {
        type: 'source-end',
        t: 40,
        source: 'b',
        state: 'failed',
        ms: 34,
        chunks: 0,
        records: 0,
        bytes: 0,
        persisted: 0,
        deadLettered: 0,
        dropped: 0,
        error: 'boom',
      },
      { type: 'stopping', t: 41, reason: 'quit' },
      {
        type: 'source-end',
        t: 50,
        source: 'a',
        state: 'cancelled',
        ms: 45,
        chunks: 1,
        records: 10,
        bytes: 400,
        persisted: 10,
        deadLettered: 0,
        dropped: 0,
        error: 'stopped by user',
      },
    );
    const summary = store.getSnapshot();
    send({
      type: 'summary',
      t: 60,
      wallMs: 60,
      busyMs: 79,
      speedup: 1.3,
      concurrency: 2,
      states: summary.counts,
      records: 10,
      bytes: 400,
      persisted: 10,
      deadLettered: 0,
      dropped: 0,
      retries: 1,
      baselineRssBytes: 5e7,
      peakRssBytes: 6e7,
      maxLoopLagMs: 3,
      stoppedBy: 'quit',
      sources: summary.sources.map((v) => ({
        name: v.name,
        state: v.state,
        chunks: v.chunks,
        records: v.records,
        bytes: v.bytes,
        persisted: v.persisted,
        deadLettered: 0,
        dropped: 0,
        ms: v.ms,
      })),
    });
    const got = replica.getSnapshot();
    assert.deepEqual(readable(got), readable(store.getSnapshot()));
    assert.equal(got.sources[1]!.error, 'boom');
    assert.equal(got.sources[1]!.lastNote, 'connection closed');
    assert.equal(got.sources[2]!.startedAt, undefined, 'a source that never started has no start time');
    assert.equal(got.summary?.stoppedBy, 'quit');
  });

  it('names, texts, notes and the lesson travel once; the numbers every time', () => {
    const { send } = wire();
    const first = send(
      {
        type: 'run-start',
        t: 0,
        concurrency: 1,
        sink: 'none',
        lesson,
        sources: [
          { name: 'a', kind: 'simulated' },
          { name: 'b', kind: 'simulated' },
        ],
      },
      { type: 'source-start', t: 1, source: 'a' },
      { type: 'note', t: 2, source: 'a', text: 'hello' },
    );
    assert.deepEqual(first.added?.names, ['a', 'b']);
    assert.deepEqual(first.texts, [[0, undefined, 'hello']]);
    assert.ok(first.notes && first.lesson);
    const next = send({ type: 'chunk', t: 3, source: 'a', seq: 0, records: 5, bytes: 50, persisted: 5, deadLettered: 0 });
    assert.equal(next.added, undefined);
    assert.deepEqual(next.texts, []);
    assert.equal(next.notes, undefined);
    assert.equal(next.lesson, undefined);
    assert.equal(next.table.length, first.table.length, 'a row of numbers per source, each time');
  });

  it('listeners hear of a message when told to notify, with a new snapshot whose views are the same live objects', () => {
    const { replica, send } = wire();
    send({ type: 'run-start', t: 0, concurrency: 1, sink: 'none', sources: [{ name: 'a', kind: 'simulated' }] });
    const before = replica.getSnapshot();
    const heard: Snapshot[] = [];
    replica.subscribe((s) => void heard.push(s));
    send({ type: 'source-start', t: 1, source: 'a' });
    assert.equal(heard.length, 0);
    replica.notify();
    assert.equal(heard.length, 1);
    assert.notEqual(heard[0], before, 'a new snapshot, so React renders');
    assert.equal(heard[0]!.sources[0], before.sources[0], 'the same view object, updated in place');
    assert.equal(heard[0]!.sources[0]!.state, 'running');
  });

  it('every field of the table comes back as it went, at any row: states, counts, fractions, absent times', () => {
    const count = fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e15, noNaN: true }));
    const optional = fc.option(count, { nil: undefined });
    const fields = {
      state: fc.constantFrom(...SOURCE_STATES),
      chunks: count,
      records: count,
      bytes: count,
      persisted: count,
      deadLettered: count,
      dropped: count,
      ms: count,
      startedAt: optional,
      endedAt: optional,
      retries: count,
    };
    assert.deepEqual(FIELDS.map(([key]) => key).sort(), Object.keys(fields).sort(), 'the table has the numbers this test makes');
    const blank = (): SourceView => ({
      name: 'a',
      kind: 'simulated',
      state: 'queued',
      chunks: 0,
      records: 0,
      bytes: 0,
      persisted: 0,
      deadLettered: 0,
      dropped: 0,
      ms: 0,
      retries: 0,
    });
    fc.assert(
      fc.property(fc.record(fields, { requiredKeys: [] }), fc.nat(5), (numbers, row) => {
        const sent = { ...blank(), ...numbers };
        const table = new Float64Array((row + 1) * STRIDE);
        packRow(sent, table, row * STRIDE);
        const got = blank();
        unpackRow(got, table, row * STRIDE);
        for (const [key] of FIELDS) assert.equal(got[key], sent[key], key);
      }),
    );
  });
});
