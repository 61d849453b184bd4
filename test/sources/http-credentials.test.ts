import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { loadSources } from '../../src/pipeline/config.js';
import type { Cursor } from '../../src/sources/source.js';
import { httpSource } from '../helpers/http.js';
import { endOf, run } from '../helpers/sources.js';
import { tempDir, writeFiles } from '../helpers/temp.js';

/** A real HTTP server on its own loopback port that keeps the headers of every request it gets. */
async function recordingServer(t: TestContext, handler: (path: string) => { status?: number; location?: string; body?: string }) {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const listener: RequestListener = (req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const { status = 200, location, body = '' } = handler(req.url ?? '');
    res.writeHead(status, location ? { location } : { 'content-type': 'application/json' }).end(body);
  };
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.closeIdleConnections();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const page = (ids: number[], next: string | null) => JSON.stringify({ items: ids.map((id) => ({ id })), next });

const secrets = { authorization: 'Bearer s3cret', 'x-api-key': 'k3y', cookie: 'session=abc' };
const secretNames = Object.keys(secrets);

function configuredHeadersIn(headers: IncomingHttpHeaders) {
  return secretNames.filter((name) => name in headers);
}

/** Server A's pages 1 and 2, whose page 2 names server B's page 3 as next; B's page 3 is the last. */
async function twoServers(t: TestContext) {
  const b = await recordingServer(t, (path) => {
    if (path === '/pages/3') return { body: page([5, 6], null) };
    if (path === '/orders.ndjson') return { body: '{"id":1}\n{"id":2}\n' };
    return { status: 404 };
  });
  const a = await recordingServer(t, (path) => {
    if (path === '/pages/1') return { body: page([1, 2], '/pages/2') };
    if (path === '/pages/2') return { body: page([3, 4], `${b.url}/pages/3`) };
    if (path === '/moved') return { status: 302, location: `${b.url}/pages/3` };
    if (path === '/moved-home') return { status: 302, location: '/pages/2' };
    if (path === '/moved.ndjson') return { status: 301, location: `${b.url}/orders.ndjson` };
    return { status: 404 };
  });
  return { a, b };
}

describe('http source: configured headers stay with their origin', () => {
  it("a next page on another port gets none of them; the pages on the source's own origin get all", async (t) => {
    const { a, b } = await twoServers(t);
    const { pipeline, events } = run([httpSource({ url: `${a.url}/pages/1`, format: 'json-pages', headers: secrets }, a.url)]);
    await pipeline.done;
    assert.deepEqual([endOf(events, 'api').state, endOf(events, 'api').records], ['done', 6]);
    assert.deepEqual(
      a.seen.map((r) => [r.path, configuredHeadersIn(r.headers)]),
      [
        ['/pages/1', secretNames],
        ['/pages/2', secretNames],
      ],
    );
    assert.equal(a.seen[0]!.headers.authorization, 'Bearer s3cret');
    assert.deepEqual(
      b.seen.map((r) => [r.path, configuredHeadersIn(r.headers)]),
      [['/pages/3', []]],
    );
    assert.equal(b.seen[0]!.headers['user-agent'], 'ingest-tui', 'the defaults still go');
  });

  it('with trustedOrigins naming the other server, it gets them too', async (t) => {
    const { a, b } = await twoServers(t);
    const { pipeline, events } = run([httpSource({ url: `${a.url}/pages/1`, format: 'json-pages', headers: secrets, trustedOrigins: [b.url] }, a.url)]);
    await pipeline.done;
    assert.equal(endOf(events, 'api').state, 'done');
    assert.deepEqual(
      b.seen.map((r) => [r.path, configuredHeadersIn(r.headers)]),
      [['/pages/3', secretNames]],
    );
    assert.equal(b.seen[0]!.headers['x-api-key'], 'k3y');
  });

  it("a redirect from the source's origin to another one drops every configured header (not only authorization), pages and streams alike", async (t) => {
    const { a, b } = await twoServers(t);
    const { pipeline, events } = run([
      httpSource({ name: 'away', url: `${a.url}/moved`, format: 'json-pages', headers: secrets }, a.url),
      httpSource({ name: 'stream', url: `${a.url}/moved.ndjson`, headers: secrets }, a.url),
    ]);
    await pipeline.done;
    assert.deepEqual([endOf(events, 'away').state, endOf(events, 'away').records], ['done', 2]);
    assert.deepEqual([endOf(events, 'stream').state, endOf(events, 'stream').records], ['done', 2]);
    assert.deepEqual(
      a.seen.map((r) => configuredHeadersIn(r.headers)),
      [secretNames, secretNames],
    );
    assert.deepEqual(b.seen.map((r) => [r.path, configuredHeadersIn(r.headers)]).sort(), [
      ['/orders.ndjson', []],
      ['/pages/3', []],
    ]);
  });

  it("a redirect to a trusted origin, or within the source's own, keeps them", async (t) => {
    const { a, b } = await twoServers(t);
    const { pipeline } = run([
      httpSource({ name: 'trusted', url: `${a.url}/moved`, format: 'json-pages', headers: secrets, trustedOrigins: [b.url] }, a.url),
      httpSource({ name: 'home', url: `${a.url}/moved-home`, format: 'json-pages', headers: secrets }, a.url),
    ]);
    await pipeline.done;
    assert.deepEqual(
      b.seen.map((r) => configuredHeadersIn(r.headers)),
      [secretNames, []],
      'trusted: via the redirect; home: via its next page',
    );
    assert.deepEqual(
      a.seen.filter((r) => r.path === '/pages/2').map((r) => configuredHeadersIn(r.headers)),
      [secretNames],
    );
  });

  it('a resumed run whose cursor names a page on another origin sends it none of them', async (t) => {
    const { a, b } = await twoServers(t);
    const checkpoints = { resumeFrom: (): Cursor => ({ seq: 2, next: `${b.url}/pages/3` }), persisted: async () => {} };
    const { pipeline, events } = run([httpSource({ url: `${a.url}/pages/1`, format: 'json-pages', headers: secrets }, a.url)], { checkpoints });
    await pipeline.done;
    assert.deepEqual([endOf(events, 'api').state, endOf(events, 'api').records], ['done', 2]);
    assert.deepEqual(a.seen, []);
    assert.deepEqual(
      b.seen.map((r) => configuredHeadersIn(r.headers)),
      [[]],
    );
  });

  it('the same host by another name is another origin (127.0.0.1 vs localhost)', async (t) => {
    const a = await recordingServer(t, (path) => ({ body: page([1], path === '/pages/1' ? `${a.url.replace('127.0.0.1', 'localhost')}/pages/2` : null) }));
    const { pipeline } = run([httpSource({ url: `${a.url}/pages/1`, format: 'json-pages', headers: secrets }, a.url)]);
    await pipeline.done;
    assert.deepEqual(
      a.seen.map((r) => [r.path, configuredHeadersIn(r.headers)]),
      [
        ['/pages/1', secretNames],
        ['/pages/2', []],
      ],
    );
  });
});

describe('http source files: trustedOrigins', () => {
  async function load(trustedOrigins: unknown) {
    const dir = writeFiles(tempDir(), {
      'api.json': { name: 'api', kind: 'http', url: 'https://api.example.com/pages/1', format: 'json-pages', trustedOrigins },
    });
    return loadSources(dir).then(
      (loaded) => loaded.configs[0]!.config as { trustedOrigins?: string[] },
      (err: Error) => err.message,
    );
  }

  it('are origins, kept in their canonical form', async () => {
    assert.deepEqual((await load(['https://API2.example.com', 'http://127.0.0.1:8788/', 'https://cdn.example.com:443'])) as object, {
      ...((await load(['https://api2.example.com'])) as object),
      trustedOrigins: ['https://api2.example.com', 'http://127.0.0.1:8788', 'https://cdn.example.com'],
    });
  });

  it('refuse a path, a query, a user, a non-http scheme or a bare host, naming the field', async () => {
    for (const bad of [
      'https://api2.example.com/v1',
      'https://api2.example.com?x=1',
      'https://u:p@api2.example.com',
      'ftp://api2.example.com',
      'api2.example.com',
      '*',
    ]) {
      assert.match(String(await load([bad])), /api\.json: trustedOrigins\[0\]: must be an origin like "https:\/\/api2\.example\.com"/, bad);
    }
  });
});
