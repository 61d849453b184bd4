import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../../src/serve/server.js';
import { startCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/http.js';

/** The built CLI's `serve`, with its URL once it prints it. */
async function serve(t: TestContext, args: string[] = ['--port', '0']) {
  const cli = startCli(['serve', ...args]);
  t.after(() => void cli.child.kill('SIGKILL')); // a no-op once it has exited
  let stdout = '';
  cli.child.stdout!.on('data', (text: string) => (stdout += text));
  await cli.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
  return { cli, url: /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]! };
}

const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('ingest-tui serve (built CLI)', () => {
  it('prints its loopback URL and routes, answers, logs each request, stops on SIGTERM with exit 0', async (t) => {
    const { cli, url } = await serve(t);
    const help = await fetch(`${url}/`);
    assert.match(await help.text(), /\/pages\/1\?pages=5&per=20/);
    const orders = ndjson(await (await fetch(`${url}/orders.ndjson?records=3`)).text());
    assert.deepEqual(
      orders.map((o) => o.id),
      [1, 2, 3],
    );
    const events = (await (await fetch(`${url}/data/events.ndjson`)).text()).trim().split('\n');
    assert.ok(events.length > 10);
    assert.equal((await fetch(`${url}/data/..%2F..%2Fpackage.json`)).status, 400, 'only bundled data files');
    cli.child.kill('SIGTERM');
    const r = await cli.result;
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Faults and pacing/);
    assert.match(r.stderr, /GET \/orders\.ndjson\?records=3 200 \d+ms/);
    await assert.rejects(fetch(`${url}/`), 'nothing listens any more');
  });

  it('the request log marks a cut answer (a reset, the client hanging up) and no whole one, on every Node', async (t) => {
    const lines: string[] = [];
    const running = await startServer({ port: 0, log: (line) => lines.push(line) });
    t.after(() => running.close());
    const logged = async (n: number) => {
      for (let i = 0; i < 200 && lines.length < n; i++) await sleep(10);
      return lines.at(n - 1);
    };
    await (await fetch(`${running.url}/orders.ndjson?records=3`)).text();
    assert.match((await logged(1))!, /^GET \/orders\.ndjson\?records=3 200 \d+ms$/);
    await (await fetch(`${running.url}/nowhere`)).text();
    assert.match((await logged(2))!, /^GET \/nowhere 404 \d+ms$/);
    await assert.rejects((await fetch(`${running.url}/orders.ndjson?records=50&resetAt=10`)).text());
    assert.match((await logged(3))!, /^GET \/orders\.ndjson\?records=50&resetAt=10 200 \(cut\) \d+ms$/);
    const hangUp = new AbortController();
    const stalled = await fetch(`${running.url}/orders.ndjson?records=50&stallAt=5`, { signal: hangUp.signal });
    hangUp.abort();
    await assert.rejects(stalled.text());
    assert.match((await logged(4))!, /^GET \/orders\.ndjson\?records=50&stallAt=5 200 \(cut\) \d+ms$/);
  });

  it('a port in use: one line, exit 2', async (t) => {
    const taken = await startTestServer(t);
    const cli = startCli(['serve', '--port', new URL(taken.url).port]);
    const r = await cli.result;
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ingest-tui: --port \d+: already in use \(--port 0 picks a free one\)\n/);
  });
});

describe('the offline server: faults', () => {
  it('times=N: the first N requests of a URL get the fault, later ones the data', async (t) => {
    const { url } = await startTestServer(t);
    const flaky = `${url}/orders.ndjson?records=2&status=503&times=2&retryAfter=3`;
    const first = await fetch(flaky);
    assert.deepEqual([first.status, first.headers.get('retry-after')], [503, '3']);
    assert.equal((await fetch(flaky)).status, 503);
    assert.equal((await fetch(flaky)).status, 200);
  });

  it('pages link to each other with absolute URLs and end with next: null', async (t) => {
    const { url } = await startTestServer(t);
    const page1 = (await (await fetch(`${url}/pages/1?pages=2&per=3`)).json()) as { items: unknown[]; next: string };
    assert.equal(page1.items.length, 3);
    assert.equal(page1.next, `${url}/pages/2?pages=2&per=3`);
    const page2 = (await (await fetch(page1.next)).json()) as { next: null };
    assert.equal(page2.next, null);
    assert.equal((await fetch(`${url}/pages/3?pages=2`)).status, 400);
  });

  it('delay holds the first byte; rate paces the body; bad query values are a 400 naming the field', async (t) => {
    const { url } = await startTestServer(t);
    let started = performance.now();
    await (await fetch(`${url}/orders.ndjson?records=1&delay=300ms`)).text();
    assert.ok(performance.now() - started >= 290);
    started = performance.now();
    const body = await (await fetch(`${url}/orders.ndjson?records=20&rate=4kb`)).text();
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds >= (body.length / 4000) * 0.8, `${body.length} bytes at 4 kB/s took ${seconds}s`);
    const bad = await fetch(`${url}/orders.ndjson?rate=fast`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /^rate: expected a size/);
  });
});
