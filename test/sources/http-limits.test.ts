import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadSources } from '../../src/pipeline/config.js';
import type { PipelineEvent } from '../../src/pipeline/events.js';
import { httpSource } from '../helpers/http.js';
import { endOf, run } from '../helpers/sources.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

/** A loopback server answering every request with `handler`; counts the requests. */
async function serve(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

const deadLetters = (events: PipelineEvent[]) => events.filter((e): e is Extract<PipelineEvent, { type: 'dead-letter' }> => e.type === 'dead-letter');

// 64 MB of "a" and no newline: one record, ~64 KB on the wire.
const bomb = gzipSync(Buffer.alloc(64 * 2 ** 20, 'a'));
const sendBomb = (body: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': body, 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb);
};

describe('http source: hostile bodies', () => {
  it('a gzip bomb of one line: the record is dead-lettered past maxRecordBytes, read once, and the source goes on', async (t) => {
    const server = await serve(t, sendBomb('application/x-ndjson'));
    const { pipeline, events } = run([httpSource({ url: '/x.ndjson', maxRecordBytes: '1mb' }, server.url)]);
    const summary = await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.records, end.persisted, end.deadLettered], ['done', 1, 0, 1]);
    assert.equal(deadLetters(events)[0]!.reason, 'record larger than maxRecordBytes (1 MB): 67.1 MB');
    assert.deepEqual([server.requests(), summary.retries], [1, 0]);
  });

  it('a gzip bomb past maxBytes fails the source as too large, decompressed bytes counted, with no retry', async (t) => {
    const server = await serve(t, sendBomb('application/x-ndjson'));
    const { pipeline, events } = run([httpSource({ url: '/x.ndjson', maxBytes: '1mb' }, server.url)]);
    const summary = await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.error], ['failed', 'body larger than maxBytes (1 MB)']);
    assert.deepEqual([server.requests(), summary.retries], [1, 0]);
  });

  it('a gzip bomb as a page (with a content-length) is cut off at maxBytes too (decompressed bytes count), with no retry', async (t) => {
    const server = await serve(t, sendBomb('application/json'));
    const { pipeline, events } = run([httpSource({ url: '/page', format: 'json-pages', maxBytes: '1mb' }, server.url)]);
    const summary = await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.error], ['failed', 'body larger than maxBytes (1 MB)']);
    assert.deepEqual([server.requests(), summary.retries], [1, 0]);
  });

  it('an endless body with no newline streams at bounded memory and stops at once when cancelled', { timeout: 20_000 }, async (t) => {
    let sent = 0;
    const block = Buffer.alloc(64 * 1024, 'a');
    let streaming: () => void;
    const started = new Promise<void>((resolve) => (streaming = resolve));
    const server = await serve(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const more = () => {
        let room = true;
        while (room) {
          sent += block.length;
          if (sent > 32e6) streaming();
          room = res.write(block);
        }
      };
      res.on('drain', more);
      more();
    });
    const { pipeline, events } = run([httpSource({ url: '/endless', maxRecordBytes: '1mb' }, server.url)]);
    await started; // 32 MB into one line: the old splitter took ~10 s to get here
    pipeline.cancel('api');
    await pipeline.done;
    assert.equal(endOf(events, 'api').state, 'cancelled');
  });

  it('a line that is not valid UTF-8 is dead-lettered with its bytes escaped; the others are kept', async (t) => {
    const body = Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}\n{"c":"é"}\n')]);
    const server = await serve(t, (_req, res) => res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(body));
    const { pipeline, events } = run([httpSource({ url: '/x.ndjson' }, server.url)]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.records, end.persisted, end.deadLettered], ['done', 3, 2, 1]);
    assert.equal(deadLetters(events)[0]!.reason, 'not valid UTF-8');
  });
});

describe('http source: json-pages limits', () => {
  it('a next that points back to a page already read fails the source: page loop', { timeout: 20_000 }, async (t) => {
    const server = await serve(t, (req, res) => {
      const next = req.url === '/p/1' ? '/p/2' : '/p/1'; // 2 points back at 1
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ at: req.url }], next }));
    });
    const { pipeline, events } = run([httpSource({ url: '/p/1', format: 'json-pages' }, server.url)]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.error, end.persisted], ['failed', 'page loop: /p/1 was already read', 2]);
    assert.equal(server.requests(), 2);
  });

  it('a page whose next is itself is read once', { timeout: 20_000 }, async (t) => {
    const server = await serve(t, (req, res) => res.writeHead(200).end(JSON.stringify({ items: [{ a: 1 }], next: req.url })));
    const { pipeline, events } = run([httpSource({ url: '/self?x=1', format: 'json-pages' }, server.url)]);
    await pipeline.done;
    assert.equal(endOf(events, 'api').error, 'page loop: /self?x=1 was already read');
    assert.equal(server.requests(), 1);
  });

  it('no run reads more than maxPages pages', { timeout: 20_000 }, async (t) => {
    const server = await serve(t, (req, res) => {
      const n = Number(req.url!.slice('/p/'.length));
      res.writeHead(200).end(JSON.stringify({ items: [{ n }], next: `/p/${n + 1}` })); // never ends
    });
    const { pipeline, events } = run([httpSource({ url: '/p/1', format: 'json-pages', maxPages: 5 }, server.url)]);
    await pipeline.done;
    const end = endOf(events, 'api');
    assert.deepEqual([end.state, end.error, end.chunks, end.persisted], ['failed', 'more than maxPages (5) pages', 5, 5]);
    assert.equal(server.requests(), 5);
  });
});

describe('http source files: limits', () => {
  async function configError(source: Record<string, unknown>): Promise<string> {
    const dir = writeFiles(tempDir(), { 'api.json': { name: 'api', kind: 'http', url: 'http://x/', ...source } });
    const error = await loadSources(dir).then(
      () => undefined,
      (err: Error) => err,
    );
    assert.equal((error as { code?: string } | undefined)?.code, 'E_CONFIG', 'a configuration error');
    return error!.message;
  }

  it('bound maxRecordBytes and maxPages, each for its format', async () => {
    assert.match(await configError({ maxRecordBytes: '300mb' }), /api\.json: maxRecordBytes: must be at most "256mb"/);
    assert.match(await configError({ maxRecordBytes: 'big' }), /api\.json: maxRecordBytes: "big" is not a size/);
    assert.match(await configError({ format: 'json-pages', maxRecordBytes: '1mb' }), /api\.json: maxRecordBytes: applies to format "ndjson" only/);
    assert.match(await configError({ format: 'json-pages', maxPages: 2_000_000 }), /api\.json: maxPages: /);
    assert.match(await configError({ maxPages: 10 }), /api\.json: maxPages: applies to format "json-pages" only/);
  });
});
