import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import type { Sink } from '../../src/sinks/sink.js';
import type { Cursor } from '../../src/sources/source.js';
import { httpSource, startTestServer } from '../helpers/http.js';
import { endOf, run } from '../helpers/sources.js';

/** A sink that keeps what it was given, to check that nothing was lost or written twice. */
function collectingSink() {
  const lines: string[] = [];
  const sink: Sink = {
    kind: 'memory',
    open: async () => {},
    write: async (_source, chunk) => void lines.push(...chunk.lines),
    endSource: async () => {},
    flush: async () => {},
    close: async () => {},
  };
  return { sink, ids: () => lines.map((l) => (JSON.parse(l) as { id: number }).id) };
}

const retriesOf = (events: PipelineEvent[]) => events.filter((e): e is Extract<PipelineEvent, { type: 'retry' }> => e.type === 'retry');
const fast = { retryDelay: '10ms' };

describe('http source: ndjson', () => {
  it('streams every record, chunkRecords at a time, with no retry', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=1234', chunkRecords: 100 }, server.url)]);
    const summary = await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'done');
    assert.deepEqual([end.chunks, end.records, end.persisted, end.deadLettered], [13, 1234, 1234, 0]);
    assert.ok(end.bytes > 1234 * 60, `bytes counted (${end.bytes})`);
    assert.equal(summary.retries, 0);
  });

  it('503 then OK: two retries with backoff, each one an event, then every record', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=300&status=503&times=2', ...fast }, server.url)]);
    const summary = await pipeline.done;
    assert.equal(endOf(events, 'api').state, 'done');
    assert.equal(summary.persisted, 300);
    const retries = retriesOf(events);
    assert.deepEqual(
      retries.map((r) => r.attempt),
      [1, 2],
    );
    for (const r of retries) assert.equal(r.reason, 'HTTP 503 Service Unavailable');
    assert.ok(retries[0]!.delayMs >= 5 && retries[0]!.delayMs <= 10, `first backoff in [base/2, base] (${retries[0]!.delayMs})`);
    assert.ok(retries[1]!.delayMs >= 10 && retries[1]!.delayMs <= 20, `second backoff doubles (${retries[1]!.delayMs})`);
    assert.equal(summary.retries, 2);
  });

  it('429 with Retry-After: waits as asked, then goes on', async (t) => {
    const server = await startTestServer(t);
    const started = performance.now();
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=50&status=429&retryAfter=1&times=1', ...fast }, server.url)]);
    await pipeline.done;
    assert.equal(endOf(events, 'api').state, 'done');
    assert.deepEqual(
      retriesOf(events).map((r) => [r.delayMs, r.reason]),
      [[1000, 'HTTP 429 Too Many Requests']],
    );
    assert.ok(performance.now() - started >= 950, 'waited the Retry-After second');
  });

  it('Retry-After is capped: by maxRetryDelay, and never waits past the timeout', async (t) => {
    const server = await startTestServer(t);
    const capped = run([httpSource({ url: '/orders.ndjson?records=5&status=429&retryAfter=60&times=1', maxRetryDelay: '30ms' }, server.url)]);
    await capped.pipeline.done;
    assert.equal(endOf(capped.events, 'api').state, 'done');
    assert.deepEqual(
      retriesOf(capped.events).map((r) => r.delayMs),
      [30],
    );

    const started = performance.now();
    const late = run([httpSource({ url: '/orders.ndjson?status=429&retryAfter=60', timeout: '3s' }, server.url)]);
    await late.pipeline.done;
    const end = endOf(late.events, 'api');
    assert.equal(end.state, 'failed');
    assert.match(end.error ?? '', /^HTTP 429 Too Many Requests; the next try \(in 10000ms, Retry-After 60s\) would be past the source's timeout$/);
    assert.equal(retriesOf(late.events).length, 0);
    assert.ok(performance.now() - started < 1000, 'gave up at once instead of sleeping into the timeout');
  });

  it('a 404 is not retried; a 500 that persists fails after every retry, with a short reason', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([
      httpSource({ name: 'missing', url: '/orders.ndjson?status=404', ...fast }, server.url),
      httpSource({ name: 'broken', url: '/orders.ndjson?status=500', retries: 2, ...fast }, server.url),
      httpSource({ name: 'refused', url: 'http://127.0.0.1:9/x.ndjson', retries: 1, ...fast }, server.url),
    ]);
    await pipeline.done;
    assert.deepEqual([endOf(events, 'missing').state, endOf(events, 'missing').error], ['failed', 'HTTP 404 Not Found']);
    assert.deepEqual([endOf(events, 'broken').state, endOf(events, 'broken').error], ['failed', 'HTTP 500 Internal Server Error after 3 attempts']);
    assert.match(endOf(events, 'refused').error ?? '', /^connect ECONNREFUSED 127\.0\.0\.1:9 after 2 attempts$/);
    assert.equal(retriesOf(events).filter((r) => r.source === 'broken').length, 2);
    assert.equal(retriesOf(events).filter((r) => r.source === 'refused').length, 1);
    assert.equal(retriesOf(events).filter((r) => r.source === 'missing').length, 0);
  });

  it('slow first byte past responseTimeout: retried, then timed-out', async (t) => {
    const server = await startTestServer(t);
    const started = performance.now();
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?delay=5s', responseTimeout: '150ms', retries: 1, ...fast }, server.url)]);
    const summary = await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'timed-out');
    assert.equal(end.error, 'response timeout (150ms) after 2 attempts');
    assert.equal(summary.retries, 1);
    assert.ok(performance.now() - started < 2000);
    await server.allClosed();
  });

  it('a body that goes silent past idleTimeout: what arrived is kept, the source is timed-out', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([
      httpSource({ url: '/orders.ndjson?records=500&stallAt=100', chunkRecords: 50, idleTimeout: '200ms', retries: 0 }, server.url),
    ]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'timed-out');
    assert.equal(end.error, 'idle timeout (200ms)');
    assert.deepEqual([end.chunks, end.persisted], [2, 100]);
    await server.allClosed();
  });

  it('a reset mid-body is retried from where it broke: every record exactly once', async (t) => {
    const server = await startTestServer(t);
    const { sink, ids } = collectingSink();
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=1000&resetAt=350&times=1', chunkRecords: 100, ...fast }, server.url)], {
      sink,
    });
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'done');
    assert.deepEqual(
      ids(),
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    const retries = retriesOf(events);
    assert.equal(retries.length, 1);
    assert.match(retries[0]!.reason, /ECONNRESET/);
  });

  it('a reset on every attempt fails the source; the accounting still balances', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=1000&resetAt=350', chunkRecords: 100, retries: 1, ...fast }, server.url)]);
    const summary = await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'failed');
    assert.match(end.error ?? '', /ECONNRESET.* after 2 attempts$/);
    assert.equal(end.persisted, 300, 'the three whole chunks before the reset');
    assert.equal(summary.records, summary.persisted + summary.deadLettered + summary.dropped);
  });

  it('malformed lines go to the dead letters; the source goes on', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=1000&malformed=100' }, server.url)]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.records, end.persisted, end.deadLettered], ['done', 1000, 990, 10]);
    const dead = events.filter((e) => e.type === 'dead-letter');
    assert.equal(dead.length, 10);
    assert.match((dead[0] as { reason: string }).reason, /invalid JSON/);
  });

  it('a body past maxBytes is cut off and fails the source', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?size=5mb', maxBytes: '200kb' }, server.url)]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'failed');
    assert.equal(end.error, 'body larger than maxBytes (200 kB)');
    assert.ok(end.bytes < 200_000);
    await server.allClosed();
  });

  it('the source timeout ends a dripping body as timed-out', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=1000&rate=4kb', chunkRecords: 5, timeout: '400ms' }, server.url)]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.equal(end.state, 'timed-out');
    assert.equal(end.error, 'timed out after 400ms');
    assert.ok(end.persisted > 0 && end.persisted < 100, `some records dripped in (${end.persisted})`);
    await server.allClosed();
  });

  it('cancelling aborts the request at once and the server sees the connection close', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/orders.ndjson?records=10000&rate=4kb', chunkRecords: 5 }, server.url)]);
    while (!events.some((e) => e.type === 'chunk')) await sleep(10);
    assert.equal(server.open(), 1);
    const cancelledAt = performance.now();
    pipeline.cancel('api');
    await pipeline.done;
    assert.ok(performance.now() - cancelledAt < 300, 'ended at once');
    assert.equal(endOf(events, 'api').state, 'cancelled');
    await server.allClosed(500);
  });

  it('resumes after the records a cursor says were delivered', async (t) => {
    const server = await startTestServer(t);
    const { sink, ids } = collectingSink();
    const cursors: Cursor[] = [];
    const checkpoints = { resumeFrom: () => ({ seq: 3, skip: 300 }), persisted: async (_: string, c: Cursor) => void cursors.push(c) };
    const { pipeline } = run([httpSource({ url: '/orders.ndjson?records=500', chunkRecords: 100 }, server.url)], { sink, checkpoints });
    await pipeline.done;
    assert.deepEqual(
      ids(),
      Array.from({ length: 200 }, (_, i) => i + 301),
    );
    assert.deepEqual(cursors, [
      { seq: 4, skip: 400 },
      { seq: 5, skip: 500 },
    ]);
  });
});

describe('http source: json-pages', () => {
  it('follows next until null: one page per chunk, cursor = the next page', async (t) => {
    const server = await startTestServer(t);
    const cursors: Cursor[] = [];
    const checkpoints = { resumeFrom: () => undefined, persisted: async (_: string, c: Cursor) => void cursors.push(c) };
    const { pipeline, events } = run([httpSource({ url: '/pages/1?pages=4&per=25&malformed=10', format: 'json-pages' }, server.url)], { checkpoints });
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.chunks, end.records, end.persisted, end.deadLettered], ['done', 4, 100, 90, 10]);
    assert.deepEqual(
      cursors.map((c) => c.next),
      [2, 3, 4].map((n) => `/pages/${n}?pages=4&per=25&malformed=10`).concat([null as never]),
    );
  });

  // A cursor on the source's own server is kept as a path, so a resume follows it on whatever
  // port the server has now; a full URL (older checkpoints, other hosts) works as well.
  for (const form of ['path', 'full URL'] as const) {
    it(`resumes at the page its cursor names (${form})`, async (t) => {
      const server = await startTestServer(t);
      const { sink, ids } = collectingSink();
      const next = form === 'path' ? '/pages/3?pages=4&per=10' : `${server.url}/pages/3?pages=4&per=10`;
      const checkpoints = { resumeFrom: () => ({ seq: 2, next }), persisted: async () => {} };
      const { pipeline, events } = run([httpSource({ url: '/pages/1?pages=4&per=10', format: 'json-pages' }, server.url)], { sink, checkpoints });
      await pipeline.done;
      assert.equal(endOf(events, 'api').chunks, 2);
      assert.deepEqual(
        ids(),
        Array.from({ length: 20 }, (_, i) => i + 21),
      );
    });
  }

  it('a page that is not JSON fails the source, after the pages before it were kept', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/pages/1?pages=5&per=10&notJsonAt=3', format: 'json-pages' }, server.url)]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.persisted], ['failed', 20]);
    assert.equal(end.error, 'page /pages/3 is not JSON (text/html)');
  });

  it('each page is retried on its own (503 once per page)', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([httpSource({ url: '/pages/1?pages=3&per=5&status=503&times=1', format: 'json-pages', ...fast }, server.url)]);
    const summary = await pipeline.done;
    assert.deepEqual([endOf(events, 'api').state, summary.persisted, summary.retries], ['done', 15, 3]);
  });
});

describe('http source: redirects', () => {
  it('follows a redirect; refuses one to a non-http(s) scheme; stops a loop; none of these is retried', async (t) => {
    const server = await startTestServer(t);
    const { pipeline, events } = run([
      httpSource({ name: 'moved', url: `/redirect?to=${encodeURIComponent('/orders.ndjson?records=7')}` }, server.url),
      httpSource({ name: 'to-file', url: `/redirect?to=${encodeURIComponent('file:///etc/passwd')}` }, server.url),
      httpSource({ name: 'loop', url: '/loop' }, server.url),
    ]);
    const summary = await pipeline.done;
    assert.deepEqual([endOf(events, 'moved').state, endOf(events, 'moved').persisted], ['done', 7]);
    assert.equal(endOf(events, 'to-file').state, 'failed');
    assert.equal(endOf(events, 'to-file').error, 'refused a redirect to a non-http(s) URL (Unsupported protocol: file:)');
    assert.equal(endOf(events, 'loop').state, 'failed');
    assert.equal(endOf(events, 'loop').error, `redirect loop back to ${server.url}/loop`);
    assert.equal(summary.retries, 0);
  });
});
